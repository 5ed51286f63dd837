//! The domain ports the account runner uses, implemented on the database: enabled accounts
//! with their decrypted cookies, cookie and status write-back, persisted message dedupe, chat
//! history and manual-takeover pauses.

use crate::connection::with_backend;
use crate::conversations::direction_from_str;
use crate::schema::{accounts, chat_messages, chat_pauses, seen_messages};
use crate::users::now;
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::ports::{
    AccountRuntimeStatus, AccountSource, CookieSink, MessageLog, MessageRecord, PortError,
    RunnableAccount, StatusSink,
};
use xianyu_domain::{AccountId, AccountStatus, UserId};

impl From<StoreError> for PortError {
    fn from(e: StoreError) -> Self {
        PortError(e.to_string())
    }
}

fn port<T>(r: Result<T, StoreError>) -> Result<T, PortError> {
    r.map_err(PortError::from)
}

type RunnableRow = (i64, String, Vec<u8>, i32);
/// id, cid, message id, peer id, direction, text, at
type MessageRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
);

impl Store {
    fn runnable(&self, row: RunnableRow) -> Result<RunnableAccount, StoreError> {
        let (id, xianyu_user_id, sealed, pause) = row;
        let cookie =
            String::from_utf8(self.secrets.open(&sealed)?).map_err(|_| StoreError::Decrypt)?;
        Ok(RunnableAccount {
            id: AccountId(id),
            xianyu_user_id,
            cookie,
            pause_minutes: u16::try_from(pause).unwrap_or(0),
        })
    }

    /// The user owning an account. Unscoped on purpose: for background jobs (the daily item
    /// sync) that act on behalf of the account's owner.
    pub fn account_owner(&self, id: AccountId) -> Result<UserId, StoreError> {
        let mut conn = self.conn()?;
        let user: i64 = accounts::table
            .filter(accounts::id.eq(id.0))
            .select(accounts::user_id)
            .first(&mut *conn)?;
        Ok(UserId(user))
    }

    /// The live connection details of an account of `user`.
    pub fn account_runtime_status(
        &self,
        user: UserId,
        id: AccountId,
    ) -> Result<AccountRuntimeStatus, StoreError> {
        let mut conn = self.conn()?;
        let (status, last_error, last_frame_at, next_retry_at, captcha_url): (
            String,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<String>,
        ) = accounts::table
            .filter(accounts::id.eq(id.0))
            .filter(accounts::user_id.eq(user.0))
            .select((
                accounts::status,
                accounts::last_error,
                accounts::last_frame_at,
                accounts::next_retry_at,
                accounts::captcha_url,
            ))
            .first(&mut *conn)?;
        Ok(AccountRuntimeStatus {
            status: status.parse().unwrap_or(AccountStatus::Offline),
            last_error,
            last_frame_at,
            next_retry_at,
            captcha_url,
        })
    }

    /// The stored messages of chat `cid` of an account of `user`, newest first, with ids below
    /// `before` when given.
    pub fn chat_messages(
        &self,
        user: UserId,
        account: AccountId,
        cid: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<(i64, MessageRecord)>, StoreError> {
        self.get_account(user, account)?;
        let mut conn = self.conn()?;
        let rows: Vec<MessageRow> = chat_messages::table
            .filter(chat_messages::account_id.eq(account.0))
            .filter(chat_messages::cid.eq(cid))
            .filter(chat_messages::id.lt(before.unwrap_or(i64::MAX)))
            .order(chat_messages::id.desc())
            .limit(limit)
            .select((
                chat_messages::id,
                chat_messages::cid,
                chat_messages::message_id,
                chat_messages::peer_id,
                chat_messages::direction,
                chat_messages::text,
                chat_messages::at,
            ))
            .load(&mut *conn)?;
        Ok(rows
            .into_iter()
            .map(|(id, cid, message_id, peer_id, direction, text, at)| {
                (
                    id,
                    MessageRecord {
                        account,
                        cid,
                        message_id,
                        peer_id,
                        peer_name: None,
                        item_id: None,
                        direction: direction_from_str(&direction),
                        text,
                        at,
                    },
                )
            })
            .collect())
    }

    /// Lifts a manual-takeover pause in chat `cid` of an account of `user`.
    pub fn lift_chat_pause(
        &self,
        user: UserId,
        account: AccountId,
        cid: &str,
    ) -> Result<(), StoreError> {
        self.get_account(user, account)?;
        let mut conn = self.conn()?;
        diesel::delete(
            chat_pauses::table
                .filter(chat_pauses::account_id.eq(account.0))
                .filter(chat_pauses::cid.eq(cid)),
        )
        .execute(&mut *conn)?;
        Ok(())
    }
}

impl AccountSource for Store {
    fn enabled_accounts(&self) -> Result<Vec<RunnableAccount>, PortError> {
        let mut conn = port(self.conn())?;
        let rows: Vec<RunnableRow> = port(
            accounts::table
                .filter(accounts::enabled.eq(true))
                .order(accounts::id.asc())
                .select((
                    accounts::id,
                    accounts::xianyu_user_id,
                    accounts::cookie_enc,
                    accounts::pause_minutes,
                ))
                .load(&mut *conn)
                .map_err(StoreError::from),
        )?;
        drop(conn);
        // An account whose cookie cannot be decrypted is skipped, not fatal for the others.
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let id = r.0;
                self.runnable(r)
                    .map_err(|e| log::error!(target: "xianyu::persistence", account = id; "{e}"))
                    .ok()
            })
            .collect())
    }

    fn load(&self, id: AccountId) -> Result<Option<RunnableAccount>, PortError> {
        let mut conn = port(self.conn())?;
        let row: Option<RunnableRow> = port(
            accounts::table
                .filter(accounts::id.eq(id.0))
                .filter(accounts::enabled.eq(true))
                .select((
                    accounts::id,
                    accounts::xianyu_user_id,
                    accounts::cookie_enc,
                    accounts::pause_minutes,
                ))
                .first(&mut *conn)
                .optional()
                .map_err(StoreError::from),
        )?;
        drop(conn);
        row.map(|r| port(self.runnable(r))).transpose()
    }
}

impl CookieSink for Store {
    fn save_cookie(&self, account: AccountId, cookie: &str) -> Result<(), PortError> {
        let sealed = self.secrets.seal(cookie.as_bytes());
        let mut conn = port(self.conn())?;
        port(
            diesel::update(accounts::table.find(account.0))
                .set((
                    accounts::cookie_enc.eq(sealed),
                    accounts::updated_at.eq(now()),
                ))
                .execute(&mut *conn)
                .map_err(StoreError::from),
        )?;
        Ok(())
    }
}

impl StatusSink for Store {
    fn record_status(&self, account: AccountId, s: &AccountRuntimeStatus) -> Result<(), PortError> {
        let mut conn = port(self.conn())?;
        // A disabled account's status belongs to the API ("disabled"): a late write from its
        // stopping task must not turn it back into "connecting".
        port(
            diesel::update(
                accounts::table
                    .filter(accounts::id.eq(account.0))
                    .filter(accounts::enabled.eq(true)),
            )
            .set((
                accounts::status.eq(s.status.as_str()),
                accounts::last_error.eq(s.last_error.as_deref()),
                accounts::last_frame_at.eq(s.last_frame_at),
                accounts::next_retry_at.eq(s.next_retry_at),
                accounts::captcha_url.eq(s.captcha_url.as_deref()),
            ))
            .execute(&mut *conn)
            .map_err(StoreError::from),
        )?;
        Ok(())
    }
}

impl MessageLog for Store {
    fn seen_or_insert(&self, account: AccountId, message_id: &str) -> Result<bool, PortError> {
        let at = chrono::Utc::now().timestamp_millis();
        let mut conn = port(self.conn())?;
        let inserted = port(
            with_backend!(&mut *conn, |c| diesel::insert_into(seen_messages::table)
                .values((
                    seen_messages::account_id.eq(account.0),
                    seen_messages::message_id.eq(message_id),
                    seen_messages::seen_at.eq(at),
                ))
                .on_conflict_do_nothing()
                .execute(c))
            .map_err(StoreError::from),
        )?;
        Ok(inserted == 0)
    }

    fn record_message(&self, r: &MessageRecord) -> Result<(), PortError> {
        port(self.record_with_conversation(r))
    }

    fn pause_chat(&self, account: AccountId, cid: &str, until: i64) -> Result<(), PortError> {
        let mut conn = port(self.conn())?;
        port(
            with_backend!(&mut *conn, |c| diesel::insert_into(chat_pauses::table)
                .values((
                    chat_pauses::account_id.eq(account.0),
                    chat_pauses::cid.eq(cid),
                    chat_pauses::paused_until.eq(until)
                ))
                .on_conflict((chat_pauses::account_id, chat_pauses::cid))
                .do_update()
                .set(chat_pauses::paused_until.eq(until))
                .execute(c))
            .map_err(StoreError::from),
        )?;
        Ok(())
    }

    fn chat_paused_until(&self, account: AccountId, cid: &str) -> Result<Option<i64>, PortError> {
        let mut conn = port(self.conn())?;
        port(
            chat_pauses::table
                .filter(chat_pauses::account_id.eq(account.0))
                .filter(chat_pauses::cid.eq(cid))
                .select(chat_pauses::paused_until)
                .first(&mut *conn)
                .optional()
                .map_err(StoreError::from),
        )
    }
}

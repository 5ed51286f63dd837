//! Xianyu seller accounts; the cookie is sealed before it is written and never listed.

use crate::connection::with_backend;
use crate::schema::accounts;
use crate::users::now;
use crate::{Store, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use xianyu_domain::{Account, AccountId, AccountPatch, AccountStatus, UserId};

/// What is needed to create an account.
#[derive(Clone)]
pub struct NewAccount {
    /// The seller's Xianyu user id (`unb`).
    pub xianyu_user_id: String,
    /// The full browser cookie string (stored encrypted).
    pub cookie: String,
    /// The seller's note.
    pub remark: String,
    /// Whether the account should go online.
    pub enabled: bool,
    /// Confirm shipment automatically after delivery.
    pub auto_confirm: bool,
    /// Pause after a manual reply, minutes.
    pub pause_minutes: u16,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("xianyu_user_id", &self.xianyu_user_id)
            .field("cookie", &"***")
            .finish_non_exhaustive()
    }
}

/// An account row without the sealed cookie.
#[derive(Queryable)]
struct AccountRow {
    id: i64,
    user_id: i64,
    xianyu_user_id: String,
    remark: String,
    enabled: bool,
    auto_confirm: bool,
    pause_minutes: i32,
    status: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    last_error: Option<String>,
    next_retry_at: Option<i64>,
    captcha_url: Option<String>,
}

type AccountColumns = (
    accounts::id,
    accounts::user_id,
    accounts::xianyu_user_id,
    accounts::remark,
    accounts::enabled,
    accounts::auto_confirm,
    accounts::pause_minutes,
    accounts::status,
    accounts::created_at,
    accounts::updated_at,
    accounts::last_error,
    accounts::next_retry_at,
    accounts::captcha_url,
);

const ACCOUNT_COLUMNS: AccountColumns = (
    accounts::id,
    accounts::user_id,
    accounts::xianyu_user_id,
    accounts::remark,
    accounts::enabled,
    accounts::auto_confirm,
    accounts::pause_minutes,
    accounts::status,
    accounts::created_at,
    accounts::updated_at,
    accounts::last_error,
    accounts::next_retry_at,
    accounts::captcha_url,
);

impl AccountRow {
    fn into_account(self) -> Account {
        Account {
            id: AccountId(self.id),
            user_id: UserId(self.user_id),
            xianyu_user_id: self.xianyu_user_id,
            remark: self.remark,
            enabled: self.enabled,
            auto_confirm: self.auto_confirm,
            pause_minutes: u16::try_from(self.pause_minutes).unwrap_or(0),
            status: self.status.parse().unwrap_or(AccountStatus::Offline),
            last_error: self.last_error,
            next_retry_at: self.next_retry_at,
            captcha_url: self.captcha_url,
            // Accounts are only ever created with a cookie and it can only be replaced.
            cookie_set: true,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = accounts)]
struct AccountChanges<'a> {
    remark: Option<&'a str>,
    enabled: Option<bool>,
    auto_confirm: Option<bool>,
    pause_minutes: Option<i32>,
    status: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl Store {
    /// Creates an account for `user`; `Conflict("account")` when this user already has one
    /// with the same Xianyu user id.
    pub fn create_account(&self, user: UserId, new: &NewAccount) -> Result<Account, StoreError> {
        let t = now();
        let sealed = self.secrets.seal(new.cookie.as_bytes());
        let status = AccountStatus::initial(new.enabled).as_str();
        let values = (
            accounts::user_id.eq(user.0),
            accounts::xianyu_user_id.eq(&new.xianyu_user_id),
            accounts::remark.eq(&new.remark),
            accounts::enabled.eq(new.enabled),
            accounts::auto_confirm.eq(new.auto_confirm),
            accounts::pause_minutes.eq(i32::from(new.pause_minutes)),
            accounts::status.eq(status),
            accounts::cookie_enc.eq(&sealed),
            accounts::created_at.eq(t),
            accounts::updated_at.eq(t),
        );
        let mut conn = self.conn()?;
        let id: i64 = with_backend!(&mut *conn, |c| diesel::insert_into(accounts::table)
            .values(values)
            .returning(accounts::id)
            .get_result(c))
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("account"),
            other => other,
        })?;
        drop(conn);
        self.get_account(user, AccountId(id))
    }

    /// Lists up to `limit` accounts of `user` with ids greater than `after`, oldest first.
    pub fn list_accounts(
        &self,
        user: UserId,
        after: Option<AccountId>,
        limit: i64,
    ) -> Result<Vec<Account>, StoreError> {
        let mut conn = self.conn()?;
        let query = accounts::table
            .filter(accounts::user_id.eq(user.0))
            .filter(accounts::id.gt(after.map_or(0, |a| a.0)))
            .order(accounts::id.asc())
            .limit(limit)
            .select(ACCOUNT_COLUMNS);
        // On the concrete connection so the prepared statement is cached (hot path).
        let rows: Vec<AccountRow> = with_backend!(&mut *conn, |c| query.load(c))?;
        Ok(rows.into_iter().map(AccountRow::into_account).collect())
    }

    /// Every account's owner: `(account, user)` (the log collector names owners with it).
    pub fn account_owners(&self) -> Result<Vec<(AccountId, UserId)>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<(i64, i64)> = accounts::table
            .select((accounts::id, accounts::user_id))
            .load(&mut *conn)?;
        Ok(rows
            .into_iter()
            .map(|(a, u)| (AccountId(a), UserId(u)))
            .collect())
    }

    /// The ids of every account of `user` (log scoping).
    pub fn account_ids(&self, user: UserId) -> Result<Vec<AccountId>, StoreError> {
        let mut conn = self.conn()?;
        let ids: Vec<i64> = accounts::table
            .filter(accounts::user_id.eq(user.0))
            .select(accounts::id)
            .load(&mut *conn)?;
        Ok(ids.into_iter().map(AccountId).collect())
    }

    /// Reads one account of `user`; another user's account is `NotFound`.
    pub fn get_account(&self, user: UserId, id: AccountId) -> Result<Account, StoreError> {
        let mut conn = self.conn()?;
        let row: AccountRow = accounts::table
            .filter(accounts::id.eq(id.0))
            .filter(accounts::user_id.eq(user.0))
            .select(ACCOUNT_COLUMNS)
            .first(&mut *conn)?;
        Ok(row.into_account())
    }

    /// Applies a validated patch to an account of `user`. Enabling or disabling also resets the
    /// displayed status.
    pub fn update_account(
        &self,
        user: UserId,
        id: AccountId,
        patch: &AccountPatch,
    ) -> Result<Account, StoreError> {
        let changes = AccountChanges {
            remark: patch.remark.as_ref().map(|r| r.as_str()),
            enabled: patch.enabled,
            auto_confirm: patch.auto_confirm,
            pause_minutes: patch.pause_minutes.map(|p| i32::from(p.get())),
            status: patch.enabled.map(|e| AccountStatus::initial(e).as_str()),
            updated_at: now(),
        };
        let mut conn = self.conn()?;
        let n = diesel::update(
            accounts::table
                .filter(accounts::id.eq(id.0))
                .filter(accounts::user_id.eq(user.0)),
        )
        .set(&changes)
        .execute(&mut *conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        drop(conn);
        self.get_account(user, id)
    }

    /// Replaces the cookie of an account of `user`.
    pub fn set_account_cookie(
        &self,
        user: UserId,
        id: AccountId,
        cookie: &str,
    ) -> Result<Account, StoreError> {
        let sealed = self.secrets.seal(cookie.as_bytes());
        let mut conn = self.conn()?;
        let n = diesel::update(
            accounts::table
                .filter(accounts::id.eq(id.0))
                .filter(accounts::user_id.eq(user.0)),
        )
        .set((
            accounts::cookie_enc.eq(sealed),
            accounts::updated_at.eq(now()),
        ))
        .execute(&mut *conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        drop(conn);
        self.get_account(user, id)
    }

    /// Decrypts the cookie of an account of `user` (for the connection runner, never for APIs).
    pub fn account_cookie(&self, user: UserId, id: AccountId) -> Result<String, StoreError> {
        let mut conn = self.conn()?;
        let sealed: Vec<u8> = accounts::table
            .filter(accounts::id.eq(id.0))
            .filter(accounts::user_id.eq(user.0))
            .select(accounts::cookie_enc)
            .first(&mut *conn)?;
        let plain = self.secrets.open(&sealed)?;
        String::from_utf8(plain).map_err(|_| StoreError::Decrypt)
    }

    /// Deletes an account of `user`.
    pub fn delete_account(&self, user: UserId, id: AccountId) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let n = diesel::delete(
            accounts::table
                .filter(accounts::id.eq(id.0))
                .filter(accounts::user_id.eq(user.0)),
        )
        .execute(&mut *conn)?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}

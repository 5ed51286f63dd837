//! Conversations (one per account and chat), kept up to date as messages are recorded, and
//! read back for the dashboard — always scoped by the owning user.

use crate::connection::write_tx;
use crate::schema::{accounts, chat_messages, chat_pauses, conversations};
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::ports::{MessageDirection, MessageRecord};
use xianyu_domain::{AccountId, UserId};

/// A conversation as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// Row id (the API's conversation id).
    pub id: i64,
    /// The account.
    pub account_id: AccountId,
    /// Goofish conversation id (without `@goofish`).
    pub cid: String,
    /// The buyer's user id.
    pub buyer_id: Option<String>,
    /// The buyer's nickname.
    pub buyer_name: Option<String>,
    /// The item discussed.
    pub item_id: Option<String>,
    /// Text of the last message.
    pub last_text: String,
    /// Who wrote the last message (a [`MessageDirection`] name).
    pub last_direction: String,
    /// When the last message was written (ms).
    pub last_at: i64,
    /// Buyer messages since the seller last wrote.
    pub unread: i32,
    /// Until when auto-replies are paused (ms), if a pause was set.
    pub paused_until: Option<i64>,
}

/// A stored chat message with its row id (the pagination cursor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// Row id.
    pub id: i64,
    /// The message.
    pub record: MessageRecord,
}

type ConversationColumns = (
    conversations::id,
    conversations::account_id,
    conversations::cid,
    conversations::buyer_id,
    conversations::buyer_name,
    conversations::item_id,
    conversations::last_text,
    conversations::last_direction,
    conversations::last_at,
    conversations::unread,
    diesel::dsl::Nullable<chat_pauses::paused_until>,
);

fn columns() -> ConversationColumns {
    (
        conversations::id,
        conversations::account_id,
        conversations::cid,
        conversations::buyer_id,
        conversations::buyer_name,
        conversations::item_id,
        conversations::last_text,
        conversations::last_direction,
        conversations::last_at,
        conversations::unread,
        chat_pauses::paused_until.nullable(),
    )
}

/// Parses a stored direction name.
pub(crate) fn direction_from_str(s: &str) -> MessageDirection {
    MessageDirection::ALL
        .into_iter()
        .find(|d| d.as_str() == s)
        .unwrap_or(MessageDirection::System)
}

/// The selected columns, in [`columns`] order.
type ConversationRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    i32,
    Option<i64>,
);

fn conversation(r: ConversationRow) -> Conversation {
    Conversation {
        id: r.0,
        account_id: AccountId(r.1),
        cid: r.2,
        buyer_id: r.3,
        buyer_name: r.4,
        item_id: r.5,
        last_text: r.6,
        last_direction: r.7,
        last_at: r.8,
        unread: r.9,
        paused_until: r.10,
    }
}

impl Store {
    /// Records a message and updates its conversation in one transaction.
    pub(crate) fn record_with_conversation(&self, r: &MessageRecord) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, diesel::result::Error, |c| {
            diesel::insert_into(chat_messages::table)
                .values((
                    chat_messages::account_id.eq(r.account.0),
                    chat_messages::cid.eq(&r.cid),
                    chat_messages::message_id.eq(r.message_id.as_deref()),
                    chat_messages::peer_id.eq(r.peer_id.as_deref()),
                    chat_messages::direction.eq(r.direction.as_str()),
                    chat_messages::text.eq(&r.text),
                    chat_messages::at.eq(r.at),
                ))
                .execute(c)?;
            let buyer = r.direction == MessageDirection::Buyer;
            let sent = r.direction.is_ours();
            let existing: Option<(i64, i32)> = conversations::table
                .filter(conversations::account_id.eq(r.account.0))
                .filter(conversations::cid.eq(&r.cid))
                .select((conversations::id, conversations::unread))
                .first(c)
                .optional()?;
            let buyer_id = if buyer || sent {
                r.peer_id.as_deref()
            } else {
                None
            };
            match existing {
                None => {
                    diesel::insert_into(conversations::table)
                        .values((
                            conversations::account_id.eq(r.account.0),
                            conversations::cid.eq(&r.cid),
                            conversations::buyer_id.eq(buyer_id),
                            conversations::buyer_name.eq(r.peer_name.as_deref()),
                            conversations::item_id.eq(r.item_id.as_deref()),
                            conversations::last_text.eq(&r.text),
                            conversations::last_direction.eq(r.direction.as_str()),
                            conversations::last_at.eq(r.at),
                            conversations::unread.eq(i32::from(buyer)),
                        ))
                        .execute(c)?;
                }
                Some((id, unread)) => {
                    let unread = if buyer {
                        unread + 1
                    } else if sent {
                        0
                    } else {
                        unread
                    };
                    let target = conversations::table.find(id);
                    diesel::update(target)
                        .set((
                            conversations::last_text.eq(&r.text),
                            conversations::last_direction.eq(r.direction.as_str()),
                            conversations::last_at.eq(r.at),
                            conversations::unread.eq(unread),
                        ))
                        .execute(c)?;
                    if let Some(b) = buyer_id {
                        diesel::update(target)
                            .set(conversations::buyer_id.eq(b))
                            .execute(c)?;
                    }
                    if let Some(n) = r.peer_name.as_deref() {
                        diesel::update(target)
                            .set(conversations::buyer_name.eq(n))
                            .execute(c)?;
                    }
                    if let Some(i) = r.item_id.as_deref() {
                        diesel::update(target)
                            .set(conversations::item_id.eq(i))
                            .execute(c)?;
                    }
                }
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Conversations of an account of `user`, most recent first, before the cursor
    /// `(last_at, id)` when given.
    pub fn list_conversations(
        &self,
        user: UserId,
        account: AccountId,
        before: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<Vec<Conversation>, StoreError> {
        self.get_account(user, account)?;
        let (at, id) = before.unwrap_or((i64::MAX, i64::MAX));
        let mut conn = self.conn()?;
        let rows: Vec<ConversationRow> = conversations::table
            .left_join(
                chat_pauses::table.on(chat_pauses::account_id
                    .eq(conversations::account_id)
                    .and(chat_pauses::cid.eq(conversations::cid))),
            )
            .filter(conversations::account_id.eq(account.0))
            .filter(
                conversations::last_at
                    .lt(at)
                    .or(conversations::last_at.eq(at).and(conversations::id.lt(id))),
            )
            .order((conversations::last_at.desc(), conversations::id.desc()))
            .limit(limit)
            .select(columns())
            .load(&mut *conn)?;
        Ok(rows.into_iter().map(conversation).collect())
    }

    /// One conversation of `user` (through the account's owner).
    pub fn get_conversation(&self, user: UserId, id: i64) -> Result<Conversation, StoreError> {
        let mut conn = self.conn()?;
        let row: ConversationRow = conversations::table
            .inner_join(accounts::table)
            .left_join(
                chat_pauses::table.on(chat_pauses::account_id
                    .eq(conversations::account_id)
                    .and(chat_pauses::cid.eq(conversations::cid))),
            )
            .filter(conversations::id.eq(id))
            .filter(accounts::user_id.eq(user.0))
            .select(columns())
            .first(&mut *conn)?;
        Ok(conversation(row))
    }

    /// The conversation `cid` of an account of `user`.
    pub fn conversation_by_cid(
        &self,
        user: UserId,
        account: AccountId,
        cid: &str,
    ) -> Result<Conversation, StoreError> {
        let mut conn = self.conn()?;
        let row: ConversationRow = conversations::table
            .inner_join(accounts::table)
            .left_join(
                chat_pauses::table.on(chat_pauses::account_id
                    .eq(conversations::account_id)
                    .and(chat_pauses::cid.eq(conversations::cid))),
            )
            .filter(conversations::account_id.eq(account.0))
            .filter(conversations::cid.eq(cid))
            .filter(accounts::user_id.eq(user.0))
            .select(columns())
            .first(&mut *conn)?;
        Ok(conversation(row))
    }

    /// Messages of a conversation of `user`, newest first, with row ids below `before`.
    pub fn conversation_messages(
        &self,
        user: UserId,
        id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let conv = self.get_conversation(user, id)?;
        let rows = self.chat_messages(user, conv.account_id, &conv.cid, before, limit)?;
        Ok(rows
            .into_iter()
            .map(|(id, record)| StoredMessage { id, record })
            .collect())
    }
}

//! Automatic-reply configuration per account: keyword, item-specific and default rules (stored
//! as JSON bodies of the domain types), settings (blacklist, quiet hours, minimum interval), the
//! once-per-conversation memory and the log of automatic replies with their explanations.

use crate::connection::{with_backend, write_tx};
use crate::schema::{auto_replies, reply_once, reply_rules, reply_settings};
use crate::{Store, StoreError};
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use xianyu_domain::delivery::ItemFacts;
use xianyu_domain::ports::PortError;
use xianyu_domain::replies::{
    ChatMemory, DefaultReply, ItemReply, KeywordRule, ReplyBook, ReplyConfig, ReplyRecord,
    ReplySettings,
};
use xianyu_domain::{AccountId, UserId};

/// A rule type that is stored in `reply_rules`.
pub trait StoredRule: Serialize + DeserializeOwned + Clone {
    /// The `kind` column value.
    const KIND: &'static str;
    /// The rule's id.
    fn id(&self) -> i64;
    /// Sets the id after insert / when loading.
    fn set_id(&mut self, id: i64);
    /// The item it is bound to, if any.
    fn item(&self) -> Option<&str>;
    /// Its priority (keyword rules only).
    fn priority(&self) -> i32 {
        0
    }
}

impl StoredRule for KeywordRule {
    const KIND: &'static str = "keyword";
    fn id(&self) -> i64 {
        self.id
    }
    fn set_id(&mut self, id: i64) {
        self.id = id;
    }
    fn item(&self) -> Option<&str> {
        self.item_id.as_deref()
    }
    fn priority(&self) -> i32 {
        self.priority
    }
}

impl StoredRule for ItemReply {
    const KIND: &'static str = "item";
    fn id(&self) -> i64 {
        self.id
    }
    fn set_id(&mut self, id: i64) {
        self.id = id;
    }
    fn item(&self) -> Option<&str> {
        Some(&self.item_id)
    }
}

impl StoredRule for DefaultReply {
    const KIND: &'static str = "default";
    fn id(&self) -> i64 {
        self.id
    }
    fn set_id(&mut self, id: i64) {
        self.id = id;
    }
    fn item(&self) -> Option<&str> {
        self.item_id.as_deref()
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Database(format!("cannot encode rule: {e}")))
}

/// A logged automatic reply.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AutoReplyEntry {
    /// Row id.
    pub id: i64,
    /// The buyer message it answered, when known.
    pub message_id: Option<String>,
    /// Goofish's id of the sent message, when known.
    pub reply_message_id: Option<String>,
    /// What was sent.
    pub reply_text: String,
    /// The decision with its explanation (JSON).
    pub decision: String,
    /// Goofish's verdict.
    pub verdict: String,
    /// When (ms).
    pub at: i64,
}

impl Store {
    /// The rules of one kind of an account of `user`, in id order.
    pub fn list_rules<T: StoredRule>(
        &self,
        user: UserId,
        account: AccountId,
    ) -> Result<Vec<T>, StoreError> {
        self.get_account(user, account)?;
        self.rules_of(account)
    }

    fn rules_of<T: StoredRule>(&self, account: AccountId) -> Result<Vec<T>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<(i64, String)> = reply_rules::table
            .filter(reply_rules::account_id.eq(account.0))
            .filter(reply_rules::kind.eq(T::KIND))
            .order(reply_rules::id.asc())
            .select((reply_rules::id, reply_rules::body))
            .load(&mut *conn)?;
        rows.into_iter()
            .map(|(id, body)| {
                let mut rule: T = serde_json::from_str(&body).map_err(|e| {
                    StoreError::Database(format!("stored rule {id} is unreadable: {e}"))
                })?;
                rule.set_id(id);
                Ok(rule)
            })
            .collect()
    }

    /// Inserts rules (ids are assigned) for an account of `user`, all or nothing.
    pub fn create_rules<T: StoredRule>(
        &self,
        user: UserId,
        account: AccountId,
        rules: &[T],
    ) -> Result<Vec<T>, StoreError> {
        self.get_account(user, account)?;
        let t = now_ms();
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, StoreError, |c| {
            let mut out = Vec::with_capacity(rules.len());
            for rule in rules {
                let id: i64 = diesel::insert_into(reply_rules::table)
                    .values((
                        reply_rules::account_id.eq(account.0),
                        reply_rules::kind.eq(T::KIND),
                        reply_rules::item_id.eq(rule.item()),
                        reply_rules::priority.eq(rule.priority()),
                        reply_rules::body.eq(to_json(rule)?),
                        reply_rules::created_at.eq(t),
                        reply_rules::updated_at.eq(t),
                    ))
                    .returning(reply_rules::id)
                    .get_result(c)?;
                let mut saved = rule.clone();
                saved.set_id(id);
                out.push(saved);
            }
            Ok(out)
        })
    }

    /// Replaces one rule of an account of `user` (matched by its id and kind).
    pub fn update_rule<T: StoredRule>(
        &self,
        user: UserId,
        account: AccountId,
        rule: &T,
    ) -> Result<T, StoreError> {
        self.get_account(user, account)?;
        let mut conn = self.conn()?;
        let n = diesel::update(
            reply_rules::table
                .filter(reply_rules::id.eq(rule.id()))
                .filter(reply_rules::account_id.eq(account.0))
                .filter(reply_rules::kind.eq(T::KIND)),
        )
        .set((
            reply_rules::item_id.eq(rule.item()),
            reply_rules::priority.eq(rule.priority()),
            reply_rules::body.eq(to_json(rule)?),
            reply_rules::updated_at.eq(now_ms()),
        ))
        .execute(&mut *conn)?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(rule.clone())
        }
    }

    /// Deletes rules of one kind by id (ids of other accounts or kinds are ignored); returns
    /// how many were deleted. An empty `ids` deletes every rule of that kind.
    pub fn delete_rules<T: StoredRule>(
        &self,
        user: UserId,
        account: AccountId,
        ids: &[i64],
    ) -> Result<usize, StoreError> {
        self.get_account(user, account)?;
        let mut conn = self.conn()?;
        let scope = reply_rules::table
            .filter(reply_rules::account_id.eq(account.0))
            .filter(reply_rules::kind.eq(T::KIND));
        let n = if ids.is_empty() {
            diesel::delete(scope).execute(&mut *conn)?
        } else {
            diesel::delete(scope.filter(reply_rules::id.eq_any(ids))).execute(&mut *conn)?
        };
        Ok(n)
    }

    /// The reply settings of an account of `user` (defaults when never saved).
    pub fn reply_settings(
        &self,
        user: UserId,
        account: AccountId,
    ) -> Result<ReplySettings, StoreError> {
        self.get_account(user, account)?;
        self.settings_of(account)
    }

    fn settings_of(&self, account: AccountId) -> Result<ReplySettings, StoreError> {
        let mut conn = self.conn()?;
        let body: Option<String> = reply_settings::table
            .find(account.0)
            .select(reply_settings::body)
            .first(&mut *conn)
            .optional()?;
        match body {
            Some(b) => serde_json::from_str(&b).map_err(|e| {
                StoreError::Database(format!("stored reply settings are unreadable: {e}"))
            }),
            None => Ok(ReplySettings::default()),
        }
    }

    /// Saves the reply settings of an account of `user`.
    pub fn set_reply_settings(
        &self,
        user: UserId,
        account: AccountId,
        settings: &ReplySettings,
    ) -> Result<(), StoreError> {
        self.get_account(user, account)?;
        let body = to_json(settings)?;
        let mut conn = self.conn()?;
        with_backend!(&mut *conn, |c| diesel::insert_into(reply_settings::table)
            .values((
                reply_settings::account_id.eq(account.0),
                reply_settings::body.eq(&body)
            ))
            .on_conflict(reply_settings::account_id)
            .do_update()
            .set(reply_settings::body.eq(&body))
            .execute(c))?;
        Ok(())
    }

    /// Everything the engine needs for an account (for the runner; not user-scoped).
    pub fn reply_config(&self, account: AccountId) -> Result<ReplyConfig, StoreError> {
        let remark: String = {
            let mut conn = self.conn()?;
            crate::schema::accounts::table
                .find(account.0)
                .select(crate::schema::accounts::remark)
                .first(&mut *conn)?
        };
        Ok(ReplyConfig {
            remark,
            keywords: self.rules_of(account)?,
            item_replies: self.rules_of(account)?,
            defaults: self.rules_of(account)?,
            settings: self.settings_of(account)?,
        })
    }

    /// Ids of once-per-conversation default replies already used in chat `cid`.
    fn used_once(&self, account: AccountId, cid: &str) -> Result<HashSet<i64>, StoreError> {
        let mut conn = self.conn()?;
        let ids: Vec<i64> = reply_once::table
            .filter(reply_once::account_id.eq(account.0))
            .filter(reply_once::cid.eq(cid))
            .select(reply_once::rule_id)
            .load(&mut *conn)?;
        Ok(ids.into_iter().collect())
    }

    /// Forgets the once-per-conversation memory of an account of `user`; returns how many
    /// entries were cleared.
    pub fn clear_once_memory(&self, user: UserId, account: AccountId) -> Result<usize, StoreError> {
        self.get_account(user, account)?;
        let mut conn = self.conn()?;
        Ok(
            diesel::delete(reply_once::table.filter(reply_once::account_id.eq(account.0)))
                .execute(&mut *conn)?,
        )
    }

    /// When the account last replied automatically to this buyer (ms).
    fn last_auto_reply_to(
        &self,
        account: AccountId,
        buyer_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        let mut conn = self.conn()?;
        Ok(auto_replies::table
            .filter(auto_replies::account_id.eq(account.0))
            .filter(auto_replies::buyer_id.eq(buyer_id))
            .select(diesel::dsl::max(auto_replies::at))
            .first(&mut *conn)?)
    }

    /// The automatic replies of a chat of an account of `user`, newest first, older than row
    /// `before` when given: what was sent and the stored decision ("why did it say that?").
    pub fn auto_replies_of(
        &self,
        user: UserId,
        account: AccountId,
        cid: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AutoReplyEntry>, StoreError> {
        self.get_account(user, account)?;
        let mut conn = self.conn()?;
        let mut q = auto_replies::table
            .filter(auto_replies::account_id.eq(account.0))
            .filter(auto_replies::cid.eq(cid))
            .into_boxed();
        if let Some(id) = before {
            q = q.filter(auto_replies::id.lt(id));
        }
        Ok(q.order(auto_replies::id.desc())
            .limit(limit)
            .select((
                auto_replies::id,
                auto_replies::message_id,
                auto_replies::reply_message_id,
                auto_replies::reply_text,
                auto_replies::decision,
                auto_replies::verdict,
                auto_replies::at,
            ))
            .load(&mut *conn)?)
    }
}

impl ReplyBook for Store {
    fn reply_config(&self, account: AccountId) -> Result<ReplyConfig, PortError> {
        Ok(Store::reply_config(self, account)?)
    }

    fn chat_memory(
        &self,
        account: AccountId,
        cid: &str,
        buyer_id: &str,
    ) -> Result<ChatMemory, PortError> {
        Ok(ChatMemory {
            once_used: self.used_once(account, cid)?,
            last_auto_reply_at_ms: self.last_auto_reply_to(account, buyer_id)?,
        })
    }

    fn item_facts(
        &self,
        account: AccountId,
        item_id: &str,
    ) -> Result<Option<ItemFacts>, PortError> {
        Ok(Store::item_facts(self, account, item_id)?)
    }

    fn record_reply(&self, r: &ReplyRecord) -> Result<(), PortError> {
        let mut conn = self.conn()?;
        let at = now_ms();
        write_tx!(&mut *conn, StoreError, |c| {
            diesel::insert_into(auto_replies::table)
                .values((
                    auto_replies::account_id.eq(r.account.0),
                    auto_replies::cid.eq(&r.cid),
                    auto_replies::buyer_id.eq(&r.buyer_id),
                    auto_replies::message_id.eq(r.message_id.as_deref()),
                    auto_replies::reply_text.eq(&r.reply_text),
                    auto_replies::decision.eq(&r.decision_json),
                    auto_replies::verdict.eq(&r.verdict),
                    auto_replies::at.eq(at),
                    auto_replies::reply_message_id.eq(r.reply_message_id.as_deref()),
                ))
                .execute(c)?;
            if let Some(rule) = r.remember_once {
                diesel::insert_into(reply_once::table)
                    .values((
                        reply_once::account_id.eq(r.account.0),
                        reply_once::cid.eq(&r.cid),
                        reply_once::rule_id.eq(rule),
                    ))
                    .on_conflict_do_nothing()
                    .execute(c)?;
            }
            Ok(())
        })?;
        Ok(())
    }
}

//! What the automatic-reply use case needs from storage: the [`ReplyBook`] port, implemented by
//! `xianyu-persistence`, and the plain data it exchanges.

use super::engine::RuleSet;
use super::error::ReplyError;
use super::rules::{DefaultReply, ItemReply, KeywordRule, ReplySettings};
use crate::delivery::ItemFacts;
use crate::ids::AccountId;
use crate::ports::PortError;
use std::collections::HashSet;

/// An account's reply rules as stored, with the remark `{account_remark}` renders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyConfig {
    /// Keyword rules.
    pub keywords: Vec<KeywordRule>,
    /// Item-specific replies.
    pub item_replies: Vec<ItemReply>,
    /// Default replies (item and account level).
    pub defaults: Vec<DefaultReply>,
    /// Blacklist, quiet hours, minimum interval.
    pub settings: ReplySettings,
    /// The account's remark.
    pub remark: String,
}

impl ReplyConfig {
    /// Validates the rules and builds the engine's [`RuleSet`] (see [`RuleSet::build`]).
    pub fn build(self) -> Result<RuleSet, ReplyError> {
        RuleSet::build(
            self.keywords,
            self.item_replies,
            self.defaults,
            self.settings,
        )
    }
}

/// What the engine needs to remember about one chat and its buyer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatMemory {
    /// Ids of once-per-conversation default replies already sent in the chat.
    pub once_used: HashSet<i64>,
    /// When the buyer last got an automatic reply from the account (epoch ms).
    pub last_auto_reply_at_ms: Option<i64>,
}

/// An automatic reply that was sent (or refused), with the decision that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyRecord {
    /// The account.
    pub account: AccountId,
    /// The chat.
    pub cid: String,
    /// The buyer answered.
    pub buyer_id: String,
    /// The buyer message answered, when known.
    pub message_id: Option<String>,
    /// What was sent (the text, or the image URL).
    pub reply_text: String,
    /// Goofish's id of the sent message, when its answer carried one.
    pub reply_message_id: Option<String>,
    /// The decision with its explanation, as JSON.
    pub decision_json: String,
    /// Goofish's verdict: `accepted`, `rejected` or `unconfirmed`.
    pub verdict: String,
    /// A once-per-conversation rule to remember for the chat (only when the send succeeded).
    pub remember_once: Option<i64>,
}

/// Storage of the reply use case. Synchronous; the runner calls it on its blocking pool.
pub trait ReplyBook: Send + Sync {
    /// The account's rules, settings and remark (the runner builds and caches the rule set).
    fn reply_config(&self, account: AccountId) -> Result<ReplyConfig, PortError>;
    /// What the engine remembers about chat `cid` and `buyer_id`.
    fn chat_memory(
        &self,
        account: AccountId,
        cid: &str,
        buyer_id: &str,
    ) -> Result<ChatMemory, PortError>;
    /// What is known about an item of the account (title, price for the templates).
    fn item_facts(&self, account: AccountId, item_id: &str)
    -> Result<Option<ItemFacts>, PortError>;
    /// Logs a reply with its decision and remembers its once-per-conversation rule, together.
    fn record_reply(&self, record: &ReplyRecord) -> Result<(), PortError>;
}

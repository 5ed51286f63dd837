//! What the runner publishes: the live events of every account (status, messages, pauses,
//! orders, deliveries, stock), and where a dispatched event came from.

use crate::sender::SendVerdict;
use goofish_protocol::lwp::SendContent;
use serde::Serialize;
use xianyu_domain::{AccountId, AccountRuntimeStatus, MessageDirection};

/// Where a dispatched event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A buyer's chat message.
    Buyer,
    /// The echo of a message this runner sent.
    OwnEcho,
    /// A message the seller wrote by hand elsewhere (phone app): a manual takeover.
    ManualSeller,
    /// Anything else: cards, reminders, status, typing, hints.
    Platform,
}

/// What the runner publishes for the live-events feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunnerEvent {
    /// An account's connection state changed.
    StatusChanged {
        /// The account.
        account: AccountId,
        /// Its new status.
        status: AccountRuntimeStatus,
    },
    /// A chat message arrived (after dedupe).
    MessageReceived {
        /// The account.
        account: AccountId,
        /// Conversation id.
        cid: String,
        /// Server message id.
        message_id: String,
        /// Sender user id.
        sender_id: String,
        /// Who wrote it.
        direction: MessageDirection,
        /// Display text.
        text: String,
    },
    /// A message was sent through the live connection.
    MessageSent {
        /// The account.
        account: AccountId,
        /// Conversation id.
        cid: String,
        /// Receiver user id.
        to: String,
        /// What was sent.
        content: SendContent,
        /// The server's verdict.
        verdict: SendVerdict,
    },
    /// Auto-replies in a chat were paused after a manual seller message.
    ChatPaused {
        /// The account.
        account: AccountId,
        /// Conversation id.
        cid: String,
        /// Paused until (ms).
        until: i64,
    },
    /// The takeover pause of a chat was lifted from the dashboard: auto-replies resume.
    ChatResumed {
        /// The account.
        account: AccountId,
        /// Conversation id.
        cid: String,
    },
    /// An automatic reply's decision was stored (after its `message_sent`): the rule that fired
    /// and its explanation can now be read from the conversation's auto-replies.
    ReplyRecorded {
        /// The account.
        account: AccountId,
        /// Conversation id.
        cid: String,
        /// The buyer message that was answered.
        message_id: String,
        /// The send verdict (`accepted`, `rejected`, `unconfirmed`).
        verdict: String,
    },
    /// An order changed (state or bargain flag).
    OrderUpdated {
        /// The account.
        account: AccountId,
        /// The Xianyu order id.
        order_id: String,
        /// The order's state (`placed`, `paid`, `shipped`, …).
        state: String,
        /// Whether the buyer bargained.
        bargain: bool,
    },
    /// An order's automatic delivery (or shipment confirmation) ended.
    Delivery {
        /// The account.
        account: AccountId,
        /// The Xianyu order id.
        order_id: String,
        /// The outcome code (`delivered`, `no_rule`, `ambiguous`, `out_of_stock`, …).
        outcome: String,
        /// Details for the seller.
        message: String,
    },
    /// A stock card fell to its low-stock threshold after a delivery.
    LowStock {
        /// The account whose delivery used the card.
        account: AccountId,
        /// The card.
        card_id: i64,
        /// The card's name.
        card_name: String,
        /// Lines left.
        remaining: u64,
    },
}

impl RunnerEvent {
    /// The account the event belongs to.
    pub fn account(&self) -> AccountId {
        match self {
            Self::StatusChanged { account, .. }
            | Self::MessageReceived { account, .. }
            | Self::MessageSent { account, .. }
            | Self::ChatPaused { account, .. }
            | Self::ChatResumed { account, .. }
            | Self::ReplyRecorded { account, .. }
            | Self::OrderUpdated { account, .. }
            | Self::Delivery { account, .. }
            | Self::LowStock { account, .. } => *account,
        }
    }
}

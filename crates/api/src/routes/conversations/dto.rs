//! Request and response bodies of the conversation routes.

use crate::routes::common::from_ms;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xianyu_persistence::AutoReplyEntry;

/// The last message of a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LastMessage {
    /// Display text.
    pub text: String,
    /// `buyer`, `seller_manual` (phone or Goofish web: a takeover), `dashboard`,
    /// `auto_reply`, `delivery` or `system`.
    pub direction: String,
    /// When it was written.
    pub at: Option<DateTime<Utc>>,
}

/// A chat with a buyer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    /// Conversation id.
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// Goofish conversation id.
    pub cid: String,
    /// The buyer's user id.
    pub buyer_id: Option<String>,
    /// The buyer's nickname.
    pub buyer_name: Option<String>,
    /// The item discussed.
    pub item_id: Option<String>,
    /// The latest message.
    pub last_message: LastMessage,
    /// Buyer messages since the seller last wrote.
    pub unread: i32,
    /// Auto-replies are paused until then after a manual seller message (null: not paused).
    pub paused_until: Option<DateTime<Utc>>,
}

impl From<&xianyu_persistence::Conversation> for ConversationView {
    fn from(c: &xianyu_persistence::Conversation) -> Self {
        let now = chrono::Utc::now().timestamp_millis();
        Self {
            id: c.id,
            account_id: c.account_id.0,
            cid: c.cid.clone(),
            buyer_id: c.buyer_id.clone(),
            buyer_name: c.buyer_name.clone(),
            item_id: c.item_id.clone(),
            last_message: LastMessage {
                text: c.last_text.clone(),
                direction: c.last_direction.clone(),
                at: from_ms(c.last_at),
            },
            unread: c.unread,
            paused_until: c.paused_until.filter(|&t| t > now).and_then(from_ms),
        }
    }
}

/// A stored chat message.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    /// Row id (pagination cursor).
    pub id: i64,
    /// Goofish message id (`<n>.PNM`) when known.
    pub message_id: Option<String>,
    /// `buyer`, `seller_manual` (phone or Goofish web: a takeover), `dashboard`,
    /// `auto_reply`, `delivery` or `system`.
    pub direction: String,
    /// Display text (`[图片]` and the like for non-text messages).
    pub text: String,
    /// When it was written.
    pub at: Option<DateTime<Utc>>,
}

impl From<&xianyu_persistence::StoredMessage> for MessageView {
    fn from(m: &xianyu_persistence::StoredMessage) -> Self {
        Self {
            id: m.id,
            message_id: m.record.message_id.clone(),
            direction: m.record.direction.as_str().to_owned(),
            text: m.record.text.clone(),
            at: from_ms(m.record.at),
        }
    }
}

/// `POST /api/v1/conversations/{id}/messages` body: exactly one of `text`, `image_url` or
/// `upload_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// Text to send (1–5000 characters).
    pub text: Option<String>,
    /// URL of an image already on the Goofish CDN.
    pub image_url: Option<String>,
    /// Id of an upload of the caller (`POST /api/v1/uploads`): sent as an image, uploaded to
    /// the Goofish CDN with the account's cookies on first use.
    pub upload_id: Option<String>,
    /// Image width in pixels (default 800).
    pub width: Option<u32>,
    /// Image height in pixels (default 600).
    pub height: Option<u32>,
}

/// Goofish's verdict on a send that was not rejected.
#[derive(Debug, Serialize, ToSchema)]
pub struct SendResult {
    /// `accepted`, or `unconfirmed` when Goofish did not answer in time (usually delivered).
    pub verdict: String,
    /// Goofish's message id, when accepted.
    pub message_id: Option<String>,
}

impl From<xianyu_runner::SendVerdict> for SendResult {
    fn from(v: xianyu_runner::SendVerdict) -> Self {
        match v {
            xianyu_runner::SendVerdict::Accepted { message_id } => Self {
                verdict: "accepted".into(),
                message_id,
            },
            xianyu_runner::SendVerdict::Rejected { .. } => Self {
                verdict: "rejected".into(),
                message_id: None,
            },
            xianyu_runner::SendVerdict::Unconfirmed => Self {
                verdict: "unconfirmed".into(),
                message_id: None,
            },
        }
    }
}

/// An automatic reply with the explanation of the decision that produced it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutoReplyView {
    /// Row id.
    pub id: i64,
    /// The buyer message it answered (`message_id` of a buyer message), when known.
    pub message_id: Option<String>,
    /// The sent message (`message_id` of the `auto_reply` message), when Goofish's answer
    /// carried its id.
    pub reply_message_id: Option<String>,
    /// What was sent.
    pub reply_text: String,
    /// Goofish's verdict: accepted, rejected or unconfirmed.
    pub verdict: String,
    /// When it was sent.
    pub at: Option<DateTime<Utc>>,
    /// The decision: the rule that fired and every level considered, with reasons (`steps`, as
    /// in the reply preview).
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
}

impl From<&AutoReplyEntry> for AutoReplyView {
    fn from(r: &AutoReplyEntry) -> Self {
        Self {
            id: r.id,
            message_id: r.message_id.clone(),
            reply_message_id: r.reply_message_id.clone(),
            reply_text: r.reply_text.clone(),
            verdict: r.verdict.clone(),
            at: from_ms(r.at),
            decision: serde_json::from_str(&r.decision).unwrap_or_default(),
        }
    }
}

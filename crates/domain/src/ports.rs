//! Ports: the small synchronous traits through which the account runner reaches storage.
//!
//! The runner (`xianyu-runner`) never names a database. It reads the accounts it should run,
//! persists refreshed cookies, records connection states and deduplicates messages through these
//! traits; `xianyu-persistence` implements them on the real database, tests implement them in
//! memory. They are synchronous and `Send + Sync`: the runner calls them from
//! `tokio::task::spawn_blocking` (or inline when an implementation is known to be cheap).
//!
//! Times are Unix epoch milliseconds (UTC) throughout.

use crate::account::AccountStatus;
use crate::ids::AccountId;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The failure of a port call: the adapter's own error, flattened to a message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("port error: {0}")]
pub struct PortError(pub String);

impl PortError {
    /// Stable snake_case code, for logs and API envelopes.
    pub fn code(&self) -> &'static str {
        "port_error"
    }
}

/// What the runner needs to know about one enabled account to run it.
///
/// `Debug` hides the cookie (it is a secret).
#[derive(Clone, PartialEq, Eq)]
pub struct RunnableAccount {
    /// Our id of the account.
    pub id: AccountId,
    /// The seller's Xianyu user id (`unb`).
    pub xianyu_user_id: String,
    /// The decrypted browser cookie string (`k1=v1; k2=v2`).
    pub cookie: String,
    /// Minutes auto-replies stay paused in a chat after a manual seller message (0 = never).
    pub pause_minutes: u16,
}

impl std::fmt::Debug for RunnableAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunnableAccount")
            .field("id", &self.id)
            .field("xianyu_user_id", &self.xianyu_user_id)
            .field("cookie", &"<hidden>")
            .field("pause_minutes", &self.pause_minutes)
            .finish()
    }
}

/// Source of the accounts to run.
pub trait AccountSource: Send + Sync {
    /// Every enabled account that has a cookie, across all users.
    fn enabled_accounts(&self) -> Result<Vec<RunnableAccount>, PortError>;
    /// One account, or `None` when it is deleted, disabled or has no cookie.
    fn load(&self, id: AccountId) -> Result<Option<RunnableAccount>, PortError>;
}

/// Sink for cookies the runner updated (Set-Cookie merges); the adapter encrypts them at rest.
pub trait CookieSink: Send + Sync {
    /// Replaces the stored cookie string of `account`.
    fn save_cookie(&self, account: AccountId, cookie: &str) -> Result<(), PortError>;
}

/// The live connection state of an account, as the runner last published it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRuntimeStatus {
    /// The connection state.
    pub status: AccountStatus,
    /// The last error, human readable (never contains secrets).
    pub last_error: Option<String>,
    /// When the last frame arrived from the IM server (ms).
    pub last_frame_at: Option<i64>,
    /// When the next connection attempt is scheduled, while backing off (ms).
    pub next_retry_at: Option<i64>,
    /// The verification (slider) URL, while `status` is `CaptchaRequired`.
    pub captcha_url: Option<String>,
}

impl AccountRuntimeStatus {
    /// A status with no error, frame time, retry time or captcha URL.
    pub fn new(status: AccountStatus) -> Self {
        Self {
            status,
            last_error: None,
            last_frame_at: None,
            next_retry_at: None,
            captcha_url: None,
        }
    }
}

/// Sink for connection states.
pub trait StatusSink: Send + Sync {
    /// Records the current runtime status of `account` (called on every state transition).
    fn record_status(
        &self,
        account: AccountId,
        status: &AccountRuntimeStatus,
    ) -> Result<(), PortError>;
}

/// Who a recorded chat message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageDirection {
    /// Written by a buyer.
    Buyer,
    /// Written by the seller by hand elsewhere (the phone app, Goofish on the web): a takeover.
    SellerManual,
    /// Written by the seller in this dashboard (sent through the live connection).
    Dashboard,
    /// An automatic reply.
    AutoReply,
    /// A delivered unit of an order (card content, stock line, image).
    Delivery,
    /// Order cards, reminders and other platform messages.
    System,
}

impl MessageDirection {
    /// Every direction.
    pub const ALL: [MessageDirection; 6] = [
        Self::Buyer,
        Self::SellerManual,
        Self::Dashboard,
        Self::AutoReply,
        Self::Delivery,
        Self::System,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buyer => "buyer",
            Self::SellerManual => "seller_manual",
            Self::Dashboard => "dashboard",
            Self::AutoReply => "auto_reply",
            Self::Delivery => "delivery",
            Self::System => "system",
        }
    }

    /// Whether this account sent the message (by hand or automatically).
    pub fn is_ours(self) -> bool {
        matches!(
            self,
            Self::SellerManual | Self::Dashboard | Self::AutoReply | Self::Delivery
        )
    }
}

/// One chat message to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// The account.
    pub account: AccountId,
    /// Conversation id, without `@goofish`.
    pub cid: String,
    /// Server message id (`<n>.PNM`) when known.
    pub message_id: Option<String>,
    /// The other party (buyer) or the sender's user id.
    pub peer_id: Option<String>,
    /// The buyer's nickname, when the message carries it.
    pub peer_name: Option<String>,
    /// The item the conversation is about, when known.
    pub item_id: Option<String>,
    /// Who wrote it.
    pub direction: MessageDirection,
    /// Display text (image URL for images).
    pub text: String,
    /// When it was written or sent (ms).
    pub at: i64,
}

/// An uploaded image, as the runner sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    /// The stored JPEG's file name (for [`ImageStore::image_bytes`]).
    pub file_name: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its Goofish CDN URL for the account, when it was uploaded through it before.
    pub cdn_url: Option<String>,
}

/// Uploaded images (reply images, image cards), shared by replies and delivery.
pub trait ImageStore: Send + Sync {
    /// Upload `upload_id` of the user owning `account`, or `None` when that user has no such
    /// upload.
    fn stored_image(
        &self,
        account: AccountId,
        upload_id: &str,
    ) -> Result<Option<StoredImage>, PortError>;
    /// The stored JPEG of an upload.
    fn image_bytes(&self, file_name: &str) -> Result<Vec<u8>, PortError>;
    /// Remembers the CDN URL an upload got through `account`, so it is uploaded once.
    fn remember_cdn_url(
        &self,
        upload_id: &str,
        account: AccountId,
        url: &str,
    ) -> Result<(), PortError>;
}

/// Persisted message bookkeeping: dedupe, history and per-chat pauses.
pub trait MessageLog: Send + Sync {
    /// Atomically checks and records `message_id`: `true` when it was already seen (so the
    /// caller must not react again), `false` when it is new and now recorded.
    fn seen_or_insert(&self, account: AccountId, message_id: &str) -> Result<bool, PortError>;
    /// Appends a message to the chat history.
    fn record_message(&self, record: &MessageRecord) -> Result<(), PortError>;
    /// Pauses auto-replies in chat `cid` until `until` (ms).
    fn pause_chat(&self, account: AccountId, cid: &str, until: i64) -> Result<(), PortError>;
    /// Until when auto-replies in chat `cid` are paused (ms), when a pause was ever set.
    fn chat_paused_until(&self, account: AccountId, cid: &str) -> Result<Option<i64>, PortError>;
}

//! `xianyu-runner`: one supervised, self-healing Goofish IM connection per enabled account.
//!
//! The [`Supervisor`] starts a task per enabled account. Each task fetches an IM token
//! through the signed mtop API (merging and persisting `Set-Cookie`s), opens the WebSocket,
//! registers, acks every push at once, decodes every element, keeps the connection alive
//! (heartbeat, silence watchdog, token refresh with re-registration) and reconnects with
//! exponential backoff and jitter. Failures become account states (`connecting`, `online`,
//! `backoff`, `captcha_required`, `session_expired`, `cookie_invalid`, `disabled`). Events are
//! deduplicated, own echoes recognised, manual takeovers pause the chat, and everything is
//! handed to one [`EventHandler`] (plus a debounced per-chat hook); [`HandlerChain`] runs
//! several. The [`OrderWorkflow`] is the handler for orders: it records order signals and
//! delivers paid orders exactly once (see the `delivery` module); [`AutoReplies`] is the
//! handler for automatic replies (the `replies` module walks a buyer message from frame to
//! recorded reply).
//!
//! Among the workspace's crates it depends only on `xianyu-domain` and `goofish-protocol`;
//! storage is reached through the domain's port traits ([`xianyu_domain::ports`]), never
//! through a database or web framework.

mod catchup;
mod config;
mod connection;
mod delivery;
mod dispatch;
mod echo;
mod error;
mod events;
mod handler;
mod images;
mod items;
mod mtop_client;
mod probe;
mod qr_login;
mod replies;
mod sender;
mod supervisor;
mod task;
mod upload;

pub use config::{Endpoints, RunnerConfig};
pub use delivery::{DeliveryConfig, DeliveryReport, OrderWorkflow};
pub use error::{Result, RunnerError};
pub use events::{Origin, RunnerEvent};
pub use handler::{EventContext, EventHandler, HandlerChain, HandlerFuture, NoopHandler};
pub use images::image_message;
pub use items::ItemDetail;
pub use mtop_client::{MtopClient, MtopReply};
pub use probe::{WireObserver, set_wire_observer};
pub use qr_login::{
    QR_POLL_ERROR_BACKOFF, QR_POLL_INTERVAL, QR_SESSION_LIFETIME, QrLoginClient, QrPoll, QrPolled,
    QrTicket,
};
pub use replies::{AutoReplies, DEFAULT_BUYER_NAME, Incoming};
pub use sender::{AccountSender, SendVerdict};
pub use supervisor::{AccountChange, Ports, Supervisor};
pub use upload::{CdnImage, upload_image};

use xianyu_domain::PortError;

/// Now as Unix epoch milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Runs a synchronous port call on the blocking pool.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> std::result::Result<T, PortError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| RunnerError::Port(PortError(format!("port call panicked: {e}"))))?
        .map_err(RunnerError::from)
}

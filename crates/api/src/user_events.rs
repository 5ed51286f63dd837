//! Live events that do not come from the runner (verification tasks, QR logins), addressed to
//! one user and forwarded to that user's `/ws/events` sockets.

use serde_json::Value;
use std::sync::Arc;
use tokio::sync::broadcast;
use xianyu_domain::UserId;

/// How many user events may wait for a slow socket before it is told it lagged.
const CAPACITY: usize = 256;

/// One event for one user's dashboards: a JSON object tagged by `type`.
#[derive(Debug, Clone)]
pub struct UserEvent {
    /// Who may see it.
    pub user: UserId,
    /// The message as sent.
    pub payload: Arc<Value>,
}

/// The user-event feed; cheap to clone.
#[derive(Debug, Clone)]
pub struct UserEvents(broadcast::Sender<UserEvent>);

impl Default for UserEvents {
    fn default() -> Self {
        Self(broadcast::channel(CAPACITY).0)
    }
}

impl UserEvents {
    /// Sends `payload` to `user`'s sockets (nobody listening is fine).
    pub fn publish(&self, user: UserId, payload: Value) {
        let _ = self.0.send(UserEvent {
            user,
            payload: Arc::new(payload),
        });
    }

    /// A receiver of every user's events (filter by `user`).
    pub fn subscribe(&self) -> broadcast::Receiver<UserEvent> {
        self.0.subscribe()
    }
}

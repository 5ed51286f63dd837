//! An optional, process-wide observer of wire timings, for benchmarks and diagnostics.
//!
//! Nothing is installed by default; each hook then costs one atomic load. With an observer
//! installed, every IM session reports when a chat message arrived (the instant the push frame
//! carrying it was read from the socket) and when a send frame was written (and flushed) to the
//! socket. Pairing the two per chat gives the push-to-reply latency of the whole client path:
//! ack, decode, dedupe, ports, handler, debounce and the write (`benches/load.rs` does this).

use goofish_protocol::events::ChatMessage;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use xianyu_domain::AccountId;

/// Observes chat messages arriving on, and sends leaving through, the IM sockets.
///
/// Called inline on the session task: implementations must be quick and must not block.
pub trait WireObserver: Send + Sync + 'static {
    /// A chat message was decoded from a push frame read at `read_at`. Called before dedupe
    /// (duplicates are reported again) and for own echoes too (`message.own`).
    fn chat_received(&self, account: AccountId, message: &ChatMessage, read_at: Instant);

    /// A send frame to chat `cid` was written and flushed to the socket at `written_at`.
    fn send_written(&self, account: AccountId, cid: &str, written_at: Instant);
}

static OBSERVER: OnceLock<Arc<dyn WireObserver>> = OnceLock::new();

/// Installs the process-wide wire observer. Only the first call wins: returns false (and
/// drops `observer`) when one is already installed.
pub fn set_wire_observer(observer: Arc<dyn WireObserver>) -> bool {
    OBSERVER.set(observer).is_ok()
}

/// The installed observer, if any.
pub(crate) fn observer() -> Option<&'static Arc<dyn WireObserver>> {
    OBSERVER.get()
}

//! Recognising the echo of our own sends (spec §3.9 "Echo", §7 quirk 2).
//!
//! The server pushes every sent message back to the sender's connections. An own message that
//! matches a server message id from a send response, or a `(cid, text)` registered shortly
//! before sending, is our echo; any other own message was written by a human.

use goofish_protocol::lwp::SendContent;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The text an echo of `content` displays, used as the fallback match key.
pub(crate) fn content_key(content: &SendContent) -> String {
    match content {
        SendContent::Text(t) => t.clone(),
        SendContent::Image { url, .. } => url.clone(),
    }
}

#[derive(Default)]
struct Inner {
    ids: HashMap<String, Instant>,
    texts: Vec<(String, String, Instant)>,
}

/// Pending sends of one account (message ids and `(cid, text)` pairs), each kept for a window.
pub(crate) struct EchoRegistry {
    window: Duration,
    inner: Mutex<Inner>,
}

impl EchoRegistry {
    /// A registry that remembers sends for `window`.
    pub(crate) fn new(window: Duration) -> Self {
        Self {
            window,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn prune(&self, inner: &mut Inner) {
        let window = self.window;
        inner.ids.retain(|_, at| at.elapsed() < window);
        inner.texts.retain(|(_, _, at)| at.elapsed() < window);
    }

    /// Registers `(cid, text)` right before a send.
    pub(crate) fn register_text(&self, cid: &str, text: &str) {
        let mut inner = self.lock();
        self.prune(&mut inner);
        inner
            .texts
            .push((cid.to_owned(), text.to_owned(), Instant::now()));
    }

    /// Registers the server message id of an accepted send.
    pub(crate) fn register_id(&self, message_id: &str) {
        let mut inner = self.lock();
        self.prune(&mut inner);
        inner.ids.insert(message_id.to_owned(), Instant::now());
    }

    /// Forgets a `(cid, text)` registration whose send was rejected.
    pub(crate) fn forget_text(&self, cid: &str, text: &str) {
        let mut inner = self.lock();
        if let Some(pos) = inner
            .texts
            .iter()
            .position(|(c, t, _)| c == cid && t == text)
        {
            inner.texts.remove(pos);
        }
    }

    /// Whether an own message is the echo of one of our sends; consumes the text registration.
    /// `texts` are the message's display text and decoded content (any may match).
    pub(crate) fn is_echo(&self, cid: &str, message_id: &str, texts: &[&str]) -> bool {
        let mut inner = self.lock();
        self.prune(&mut inner);
        let by_id = !message_id.is_empty() && inner.ids.contains_key(message_id);
        let pos = inner
            .texts
            .iter()
            .position(|(c, t, _)| c == cid && texts.contains(&t.as_str()));
        if let Some(pos) = pos {
            inner.texts.remove(pos);
            return true;
        }
        by_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_or_text_match() {
        let r = EchoRegistry::new(Duration::from_secs(60));
        r.register_text("1", "hi");
        assert!(r.is_echo("1", "9.PNM", &["hi"]));
        assert!(!r.is_echo("1", "9.PNM", &["hi"]));
        r.register_id("9.PNM");
        assert!(r.is_echo("1", "9.PNM", &["other"]));
        assert!(!r.is_echo("2", "8.PNM", &["hi"]));
    }
}

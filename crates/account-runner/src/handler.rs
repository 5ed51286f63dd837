//! The entry point every feature plugs into: [`EventHandler`] and its two hooks.
//!
//! - `on_event` gets every classified, deduplicated event of an account, in arrival order
//!   (orders and delivery use it, see `delivery/`). The dispatcher awaits the returned future
//!   before the next event of the same account, so spawn work that may take long.
//! - `on_chat_settled` gets only the last buyer message of a burst, once the chat has been
//!   quiet for the debounce window and only while automatic replies in that chat are not
//!   paused by a manual takeover (automatic replies use it, see `replies/`). Its
//!   [`EventContext::paused_until`] is the one read of the chat's pause for that decision.
//!
//! [`HandlerChain`] runs several handlers in order.

use crate::events::Origin;
use crate::now_ms;
use crate::sender::AccountSender;
use goofish_protocol::events::{ChatMessage, Event};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use xianyu_domain::AccountId;

/// What a handler knows about a dispatched event.
#[derive(Debug, Clone)]
pub struct EventContext {
    /// The account.
    pub account: AccountId,
    /// The account's Xianyu user id (`unb`).
    pub unb: String,
    /// Where the event came from.
    pub origin: Origin,
    /// Until when auto-replies in the chat are paused (ms): read for `on_chat_settled` (the
    /// one read per decision); in `on_event` it is set only for a manual seller message (the
    /// pause that message just started) and is `None` otherwise.
    pub paused_until: Option<i64>,
    /// Found by the catch-up after a reconnect or a restart rather than pushed live (in
    /// `on_event`; buyer messages too old to answer reach only `on_event`).
    pub caught_up: bool,
    /// Sends through the account's live connection.
    pub sender: AccountSender,
}

impl EventContext {
    /// Whether auto-replies in the event's chat are paused now.
    pub fn is_paused(&self) -> bool {
        self.paused_until.is_some_and(|u| u > now_ms())
    }
}

/// The boxed future an [`EventHandler`] returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The one entry point later features (replies, delivery, notifications) plug into.
///
/// `on_event` receives every classified, deduplicated event of an account, in arrival order:
/// the dispatcher awaits each returned future before the next event of the same account
/// (spawn inside when work may take long). `on_chat_settled` is the debounced per-chat hook:
/// it receives only the last buyer chat message of a burst, once the chat has been quiet for
/// the debounce window, and only while auto-replies in that chat are not paused.
pub trait EventHandler: Send + Sync + 'static {
    /// Called for every deduplicated event.
    fn on_event(&self, ctx: EventContext, event: Event) -> HandlerFuture;

    /// Called for the last buyer message of a burst in a non-paused chat.
    fn on_chat_settled(&self, ctx: EventContext, message: ChatMessage) -> HandlerFuture {
        let _ = (ctx, message);
        Box::pin(async {})
    }
}

/// A handler that does nothing (the runner still dedupes, records and pauses).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoopHandler;

impl EventHandler for NoopHandler {
    fn on_event(&self, _ctx: EventContext, _event: Event) -> HandlerFuture {
        Box::pin(async {})
    }
}

/// Several handlers in order: each event goes to every handler, one after the other.
pub struct HandlerChain(pub Vec<Arc<dyn EventHandler>>);

impl EventHandler for HandlerChain {
    fn on_event(&self, ctx: EventContext, event: Event) -> HandlerFuture {
        let futures: Vec<HandlerFuture> = self
            .0
            .iter()
            .map(|h| h.on_event(ctx.clone(), event.clone()))
            .collect();
        Box::pin(async move {
            for f in futures {
                f.await;
            }
        })
    }

    fn on_chat_settled(&self, ctx: EventContext, message: ChatMessage) -> HandlerFuture {
        let futures: Vec<HandlerFuture> = self
            .0
            .iter()
            .map(|h| h.on_chat_settled(ctx.clone(), message.clone()))
            .collect();
        Box::pin(async move {
            for f in futures {
                f.await;
            }
        })
    }
}

//! Per-account dispatch: dedupe, echo recognition, manual-takeover pause, recording, the
//! handler entry point and the debounced per-chat hook (spec §3.8 steps 3, 8, 12).

use crate::connection::{CatchUpMark, Inbound};
use crate::echo::EchoRegistry;
use crate::events::{Origin, RunnerEvent};
use crate::handler::{EventContext, EventHandler};
use crate::sender::AccountSender;
use crate::{blocking, now_ms};
use goofish_protocol::events::{ChatContent, ChatMessage, Event};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use xianyu_domain::{AccountId, MessageDirection, MessageLog, MessageRecord};

const TARGET: &str = "xianyu_runner::dispatch";
/// How many recent dedupe keys are also kept in memory (fast path before the port).
const RECENT_KEYS: usize = 4096;

/// The dispatcher of one account task.
pub(crate) struct Dispatcher {
    pub account: AccountId,
    pub unb: String,
    pub pause_minutes: Arc<AtomicU16>,
    pub messages: Arc<dyn MessageLog>,
    pub handler: Arc<dyn EventHandler>,
    pub echo: Arc<EchoRegistry>,
    pub events: broadcast::Sender<RunnerEvent>,
    pub sender: AccountSender,
    pub debounce_window: Duration,
}

#[derive(Default)]
struct Recent {
    set: HashSet<String>,
    order: VecDeque<String>,
}

impl Recent {
    fn insert(&mut self, key: &str) -> bool {
        if self.set.contains(key) {
            return false;
        }
        self.set.insert(key.to_owned());
        self.order.push_back(key.to_owned());
        if self.order.len() > RECENT_KEYS
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}

/// Per-chat debounce state: a generation counter per chat.
struct Debouncer {
    gens: Mutex<HashMap<String, u64>>,
    stopped: AtomicBool,
}

impl Dispatcher {
    /// Processes inbound events in order until the channel closes (the task ended).
    pub(crate) async fn run(self, mut rx: mpsc::UnboundedReceiver<Inbound>) {
        let me = Arc::new(self);
        let debouncer = Arc::new(Debouncer {
            gens: Mutex::new(HashMap::new()),
            stopped: AtomicBool::new(false),
        });
        let mut recent = Recent::default();
        while let Some(inbound) = rx.recv().await {
            me.handle(inbound, &mut recent, &debouncer).await;
        }
        debouncer.stopped.store(true, Ordering::SeqCst);
    }

    fn ctx(&self, origin: Origin, paused_until: Option<i64>, caught_up: bool) -> EventContext {
        EventContext {
            account: self.account,
            unb: self.unb.clone(),
            origin,
            paused_until,
            caught_up,
            sender: self.sender.clone(),
        }
    }

    async fn is_duplicate(&self, key: &str, recent: &mut Recent) -> bool {
        if !recent.insert(key) {
            return true;
        }
        let (log, account, key) = (self.messages.clone(), self.account, key.to_owned());
        match blocking(move || log.seen_or_insert(account, &key)).await {
            Ok(seen) => seen,
            Err(e) => {
                log::warn!(target: TARGET, account = self.account.0; "dedupe port failed ({}), using memory only", e.code());
                false
            }
        }
    }

    async fn record(&self, m: &ChatMessage, direction: MessageDirection) {
        let record = MessageRecord {
            account: self.account,
            cid: m.cid.clone(),
            message_id: Some(m.message_id.clone()).filter(|s| !s.is_empty()),
            // A seller's own message (from the phone) names the seller as sender, not the peer.
            peer_id: Some(m.sender_id.clone())
                .filter(|_| direction != MessageDirection::SellerManual),
            peer_name: m
                .sender_name
                .clone()
                .filter(|_| direction == MessageDirection::Buyer),
            item_id: m.item_id.clone(),
            direction,
            text: m.text.clone(),
            at: if m.created_at_ms > 0 {
                m.created_at_ms
            } else {
                now_ms()
            },
        };
        let log = self.messages.clone();
        if let Err(e) = blocking(move || log.record_message(&record)).await {
            log::warn!(target: TARGET, account = self.account.0; "record message failed: {}", e.code());
        }
        self.sender
            .count(xianyu_domain::metrics::MetricEvent::MessageIn);
        let _ = self.events.send(RunnerEvent::MessageReceived {
            account: self.account,
            cid: m.cid.clone(),
            message_id: m.message_id.clone(),
            sender_id: m.sender_id.clone(),
            direction,
            text: m.text.clone(),
        });
    }

    async fn paused_until(&self, cid: &str) -> Option<i64> {
        let (log, account, cid) = (self.messages.clone(), self.account, cid.to_owned());
        blocking(move || log.chat_paused_until(account, &cid))
            .await
            .ok()
            .flatten()
    }

    async fn pause(&self, cid: &str) -> Option<i64> {
        let minutes = self.pause_minutes.load(Ordering::SeqCst);
        if minutes == 0 {
            return None;
        }
        let until = now_ms() + i64::from(minutes) * 60_000;
        let (log, account, c) = (self.messages.clone(), self.account, cid.to_owned());
        if let Err(e) = blocking(move || log.pause_chat(account, &c, until)).await {
            log::warn!(target: TARGET, account = self.account.0; "pause chat failed: {}", e.code());
        }
        log::info!(target: TARGET, account = self.account.0; "manual seller message, chat {cid} paused");
        let _ = self.events.send(RunnerEvent::ChatPaused {
            account: self.account,
            cid: cid.to_owned(),
            until,
        });
        Some(until)
    }

    async fn handle(self: &Arc<Self>, inbound: Inbound, recent: &mut Recent, deb: &Arc<Debouncer>) {
        if let Some(key) = &inbound.dedupe_key
            && self.is_duplicate(key, recent).await
        {
            log::debug!(target: TARGET, account = self.account.0; "duplicate push dropped");
            return;
        }
        let event = inbound.event;
        let catch_up = inbound.catch_up;
        let (origin, paused_until) = match &event {
            // Own messages found by the catch-up are the bot's earlier replies or the seller's
            // from another device: they only decided (in the catch-up) what stays unanswered,
            // and are neither recorded as takeovers nor handed on.
            Event::Chat(m) if m.own && catch_up.is_some() => return,
            Event::Chat(m) if m.own => {
                let mut texts = vec![m.text.as_str()];
                match &m.content {
                    ChatContent::Text(t) => texts.push(t),
                    ChatContent::Image { url, .. } => texts.push(url),
                    _ => {}
                }
                if self.echo.is_echo(&m.cid, &m.message_id, &texts) {
                    (Origin::OwnEcho, None)
                } else {
                    self.record(m, MessageDirection::SellerManual).await;
                    (Origin::ManualSeller, self.pause(&m.cid).await)
                }
            }
            Event::Chat(m) => {
                self.record(m, MessageDirection::Buyer).await;
                // The pause is read once, when the settled hook decides (not for every message
                // of a burst).
                if !m.group && catch_up != Some(CatchUpMark::StoreOnly) {
                    self.schedule_settled(m.clone(), deb);
                }
                (Origin::Buyer, None)
            }
            Event::TradeCard(c) | Event::BargainCard(c) => {
                self.record(&c.chat, MessageDirection::System).await;
                (Origin::Platform, None)
            }
            _ => (Origin::Platform, None),
        };
        let ctx = self.ctx(origin, paused_until, catch_up.is_some());
        self.handler.on_event(ctx, event).await;
    }

    fn schedule_settled(self: &Arc<Self>, message: ChatMessage, deb: &Arc<Debouncer>) {
        let generation = {
            let mut gens = deb.gens.lock().unwrap_or_else(|p| p.into_inner());
            let g = gens.entry(message.cid.clone()).or_insert(0);
            *g += 1;
            *g
        };
        let (me, deb) = (self.clone(), deb.clone());
        tokio::spawn(async move {
            // A zero window must not cost a timer tick (tokio rounds sleeps up to 1 ms).
            if me.debounce_window.is_zero() {
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(me.debounce_window).await;
            }
            if deb.stopped.load(Ordering::SeqCst) {
                return;
            }
            {
                let mut gens = deb.gens.lock().unwrap_or_else(|p| p.into_inner());
                if gens.get(&message.cid) != Some(&generation) {
                    return;
                }
                gens.remove(&message.cid);
            }
            let paused = me.paused_until(&message.cid).await;
            let ctx = me.ctx(Origin::Buyer, paused, false);
            if ctx.is_paused() {
                log::debug!(target: TARGET, account = me.account.0; "chat {} paused, settled hook skipped", message.cid);
                return;
            }
            me.handler.on_chat_settled(ctx, message).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_keys_are_bounded() {
        let mut r = Recent::default();
        assert!(r.insert("a"));
        assert!(!r.insert("a"));
        for i in 0..RECENT_KEYS {
            r.insert(&i.to_string());
        }
        assert!(r.set.len() <= RECENT_KEYS);
        assert!(
            r.insert("a"),
            "evicted keys fall through to the persisted check"
        );
    }
}

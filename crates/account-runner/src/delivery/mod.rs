//! Orders and automatic delivery: the [`OrderWorkflow`] event handler turns trade cards, red
//! reminders, card updates and payment texts into order signals (stored through the domain's
//! [`OrderBook`] port) and delivers paid orders exactly once.
//!
//! Delivery of one order: read the order detail once (spec, quantity, amount), choose the one
//! rule ([`select_rule`](xianyu_domain::delivery::select_rule)), reserve one row per unit (and
//! the stock lines) in one transaction, wait the card's delay, produce and send each fresh
//! unit, record each unit's end, then confirm shipment (`consign.dummy`) when the account
//! auto-confirms. Triggers are not subject to the manual-takeover pause. Duplicate triggers find
//! the rows already reserved and send nothing; rows left `reserved` by a crash become
//! `uncertain` at the next start and wait for a human ([`OrderWorkflow::redeliver`]).

mod execute;
mod fetch;
mod shipping;

use crate::events::RunnerEvent;
use crate::handler::{EventContext, EventHandler, HandlerFuture};
use crate::{blocking, now_ms};
use goofish_protocol::events::texts::{self, OrderStatusText};
use goofish_protocol::events::{Event, TradeCard};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xianyu_domain::delivery::{DeliveryOutcome, OrderBook, OrderObservation};
use xianyu_domain::orders::OrderSignal;
use xianyu_domain::{AccountId, ImageStore};

pub use execute::DeliveryReport;

const TARGET: &str = "xianyu_runner::delivery";
/// How many (account, item) pairs are remembered as already recorded.
const SEEN_ITEMS: usize = 100_000;

/// Tunables of the delivery workflow.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Wait after a bargain card before calling the free-shipping API (spec: 2 s).
    pub bargain_delay: Duration,
    /// Calls of `consign.dummy` / `freeshipping` before giving up (spec: 4).
    pub confirm_attempts: u32,
    /// Pause before the first retry of those calls; doubles each time.
    pub confirm_backoff: Duration,
    /// Test hook: stop right after reserving, as if the process died there.
    pub crash_after_reserve: bool,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            bargain_delay: Duration::from_secs(2),
            confirm_attempts: 4,
            confirm_backoff: Duration::from_secs(2),
            crash_after_reserve: false,
        }
    }
}

/// An order signal with what the event says about the order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sighting {
    signal: OrderSignal,
    order_id: Option<String>,
    cid: String,
    item_id: Option<String>,
    buyer_id: Option<String>,
    buyer_name: Option<String>,
    at_ms: i64,
    /// Whether the signal should start a delivery.
    deliver: bool,
}

/// The order and delivery workflow; plug it in as (part of) the runner's [`EventHandler`].
pub struct OrderWorkflow {
    pub(crate) book: Arc<dyn OrderBook>,
    pub(crate) images: Arc<dyn ImageStore>,
    pub(crate) config: DeliveryConfig,
    pub(crate) fetcher: fetch::Fetcher,
    /// Orders being delivered right now in this process.
    in_flight: Mutex<HashSet<(AccountId, String)>>,
    seen_items: Mutex<HashSet<(AccountId, String)>>,
}

impl OrderWorkflow {
    /// A workflow over the order book, with image cards sent from `images`.
    pub fn new(
        book: Arc<dyn OrderBook>,
        images: Arc<dyn ImageStore>,
        config: DeliveryConfig,
    ) -> Arc<Self> {
        Arc::new(Self {
            book,
            images,
            config,
            fetcher: fetch::Fetcher::default(),
            in_flight: Mutex::new(HashSet::new()),
            seen_items: Mutex::new(HashSet::new()),
        })
    }

    /// Marks deliveries interrupted by the previous process as `uncertain`; call once at start,
    /// before any account connects.
    pub fn recover(&self) -> Result<u64, xianyu_domain::PortError> {
        let n = self.book.mark_interrupted()?;
        if n > 0 {
            log::warn!(target: TARGET, "{n} deliveries were interrupted by the last shutdown and are now uncertain: review them");
        }
        Ok(n)
    }

    /// Claims an order for delivery in this process; `None` when it is already in flight.
    pub(crate) fn claim(self: &Arc<Self>, account: AccountId, order_id: &str) -> Option<Claim> {
        let key = (account, order_id.to_owned());
        let mut set = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(key.clone()).then(|| Claim {
            workflow: self.clone(),
            key,
        })
    }

    async fn record_item(&self, account: AccountId, item_id: &str, title: Option<&str>) {
        {
            let mut seen = self.seen_items.lock().unwrap_or_else(|p| p.into_inner());
            if seen.len() >= SEEN_ITEMS {
                seen.clear();
            }
            if !seen.insert((account, item_id.to_owned())) {
                return;
            }
        }
        let (book, item, title) = (
            self.book.clone(),
            item_id.to_owned(),
            title.map(str::to_owned),
        );
        if let Err(e) =
            blocking(move || book.record_item_seen(account, &item, title.as_deref())).await
        {
            log::warn!(target: TARGET, account = account.0; "recording item: {e}");
        }
    }

    async fn on_sighting(self: Arc<Self>, ctx: EventContext, s: Sighting) {
        let account = ctx.account;
        let order_id = match s.order_id.clone() {
            Some(id) => id,
            None => {
                let (book, cid) = (self.book.clone(), s.cid.clone());
                match blocking(move || book.latest_order_in_chat(account, &cid)).await {
                    Ok(Some(id)) => id,
                    Ok(None) => {
                        log::info!(target: TARGET, account = account.0; "{:?} in chat {} without a known order", s.signal, s.cid);
                        return;
                    }
                    Err(e) => {
                        log::warn!(target: TARGET, account = account.0; "{e}");
                        return;
                    }
                }
            }
        };
        let observation = OrderObservation {
            account,
            order_id: order_id.clone(),
            signal: s.signal,
            at_ms: s.at_ms,
            cid: Some(s.cid.clone()).filter(|c| !c.is_empty()),
            item_id: s.item_id.clone(),
            buyer_id: s.buyer_id.clone(),
            buyer_name: s.buyer_name.clone(),
        };
        let book = self.book.clone();
        let observed = match blocking(move || book.observe_order(&observation)).await {
            Ok(o) => o,
            Err(e) => {
                log::warn!(target: TARGET, account = account.0; "order {order_id}: {e}");
                return;
            }
        };
        if let Some(refused) = &observed.refused {
            log::info!(target: TARGET, account = account.0; "order {order_id}: {refused}");
        } else {
            ctx.sender.publish(RunnerEvent::OrderUpdated {
                account,
                order_id: order_id.clone(),
                state: observed.order.order.state.as_str().to_owned(),
                bargain: observed.order.order.bargain,
            });
        }
        if s.signal == OrderSignal::Bargained {
            let me = self.clone();
            tokio::spawn(async move { me.bargain(ctx.sender, order_id).await });
        } else if s.deliver {
            let me = self.clone();
            tokio::spawn(async move { me.deliver(ctx.sender, order_id).await });
        }
    }
}

/// Holds an order in the in-flight set; released on drop.
pub(crate) struct Claim {
    workflow: Arc<OrderWorkflow>,
    key: (AccountId, String),
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.workflow
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
    }
}

/// The live event of a delivery outcome.
pub(crate) fn outcome_event(
    account: AccountId,
    order_id: &str,
    outcome: DeliveryOutcome,
    message: &str,
) -> RunnerEvent {
    RunnerEvent::Delivery {
        account,
        order_id: order_id.to_owned(),
        outcome: outcome.code().to_owned(),
        message: message.to_owned(),
    }
}

fn signal_of(status: OrderStatusText) -> OrderSignal {
    match status {
        OrderStatusText::Placed => OrderSignal::Placed,
        OrderStatusText::Paid => OrderSignal::Paid,
        OrderStatusText::Shipped => OrderSignal::Shipped,
        OrderStatusText::Completed => OrderSignal::Completed,
        OrderStatusText::Closed => OrderSignal::Closed,
        OrderStatusText::Refunding => OrderSignal::RefundRequested,
        OrderStatusText::RefundCancelled => OrderSignal::RefundCancelled,
    }
}

fn card_sighting(card: &TradeCard, own_unb: &str, bargain: bool) -> Option<Sighting> {
    let chat = &card.chat;
    let signal = if bargain {
        OrderSignal::Bargained
    } else if texts::is_refunded(&chat.text) {
        OrderSignal::Refunded
    } else {
        signal_of(card.state?)
    };
    let buyer = (!chat.own && chat.sender_id != own_unb && !chat.sender_id.is_empty())
        .then(|| chat.sender_id.clone());
    Some(Sighting {
        signal,
        order_id: card.order_id.clone(),
        cid: chat.cid.clone(),
        item_id: chat.item_id.clone(),
        buyer_name: buyer.as_ref().and(chat.sender_name.clone()),
        buyer_id: buyer,
        at_ms: if chat.created_at_ms > 0 {
            chat.created_at_ms
        } else {
            now_ms()
        },
        deliver: signal == OrderSignal::Paid,
    })
}

/// What an event says about an order, if anything (§3.8 B–D, steps 4, 5, 10, 11, 13).
fn sighting(event: &Event, own_unb: &str) -> Option<Sighting> {
    match event {
        Event::TradeCard(card) => card_sighting(card, own_unb, false),
        Event::BargainCard(card) => card_sighting(card, own_unb, true),
        Event::RedReminder(r) => {
            let signal = signal_of(texts::red_reminder_status(&r.text)?);
            Some(Sighting {
                signal,
                order_id: None,
                cid: r.cid.clone(),
                item_id: None,
                buyer_id: None,
                buyer_name: None,
                at_ms: if r.at_ms > 0 { r.at_ms } else { now_ms() },
                deliver: signal == OrderSignal::Paid,
            })
        }
        Event::CardUpdate(u) => {
            let status = texts::order_status_for(&u.text)?;
            let signal = signal_of(status);
            Some(Sighting {
                signal,
                order_id: u.order_id.clone(),
                cid: u.cid.clone(),
                item_id: u.item_id.clone(),
                buyer_id: u.sender_id.clone().filter(|s| s != own_unb),
                buyer_name: None,
                at_ms: if u.at_ms > 0 { u.at_ms } else { now_ms() },
                deliver: signal == OrderSignal::Paid,
            })
        }
        _ => None,
    }
}

/// A handler that feeds the workflow; wrap it with others in a [`crate::HandlerChain`].
impl EventHandler for Arc<OrderWorkflow> {
    fn on_event(&self, ctx: EventContext, event: Event) -> HandlerFuture {
        let me = self.clone();
        Box::pin(async move {
            if let Event::Chat(m) = &event
                && !m.own
                && let Some(item) = &m.item_id
            {
                me.record_item(ctx.account, item, None).await;
            }
            if let Some(s) = sighting(&event, &ctx.unb) {
                if let Some(item) = &s.item_id {
                    me.record_item(ctx.account, item, None).await;
                }
                me.on_sighting(ctx, s).await;
            }
        })
    }
}

#[cfg(test)]
mod tests;

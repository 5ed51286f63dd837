//! Executing a delivery: order detail, rule choice, reservation, content, send, record,
//! shipment confirmation; the bargain flow; the manual re-send.

use super::{Claim, OrderWorkflow, TARGET, outcome_event};
use crate::blocking;
use crate::error::{Result, RunnerError};
use crate::sender::AccountSender;
use goofish_protocol::lwp::SendContent;
use goofish_protocol::mtop;
use serde::Serialize;
use std::sync::Arc;
use xianyu_domain::AccountId;
use xianyu_domain::MessageDirection;
use xianyu_domain::delivery::{
    Card, CardKind, DeliveryInput, DeliveryOutcome, DeliveryState, DeliveryUnit, DeliveryUpdate,
    NoDelivery, OrderDetail, OrderFacts, Reservation, render_message, select_rule, units,
};
use xianyu_domain::orders::{OrderState, can_deliver};

/// What a (re-)delivery did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// How it ended.
    pub outcome: DeliveryOutcome,
    /// Details for the seller.
    pub message: String,
    /// Units sent by this call.
    pub sent: u32,
}

impl DeliveryReport {
    pub(crate) fn new(outcome: DeliveryOutcome, message: impl Into<String>, sent: u32) -> Self {
        Self {
            outcome,
            message: message.into(),
            sent,
        }
    }
}

/// Order facts for rule selection and templates.
fn facts_of(input: &DeliveryInput) -> OrderFacts {
    let o = &input.order;
    let item = input.item.clone().unwrap_or_default();
    OrderFacts {
        user_id: input.user_id,
        item_id: o.item_id.clone().unwrap_or_default(),
        item_title: item.title,
        item_description: item.description,
        spec: o.spec.clone(),
        quantity: o.quantity,
        amount_fen: o.amount_fen.unwrap_or(0),
        order_id: o.order_id.clone(),
        buyer_id: o.buyer_id.clone().unwrap_or_default(),
    }
}

impl OrderWorkflow {
    pub(crate) async fn input(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<Option<DeliveryInput>> {
        let (book, id) = (self.book.clone(), order_id.to_owned());
        blocking(move || book.delivery_input(account, &id)).await
    }

    pub(crate) async fn outcome(
        &self,
        sender: &AccountSender,
        order_id: &str,
        report: DeliveryReport,
    ) -> DeliveryReport {
        let account = sender.account();
        let (book, id, msg) = (
            self.book.clone(),
            order_id.to_owned(),
            report.message.clone(),
        );
        let outcome = report.outcome;
        if let Err(e) = blocking(move || book.record_outcome(account, &id, outcome, &msg)).await {
            log::warn!(target: TARGET, account = account.0; "order {order_id}: recording outcome: {e}");
        }
        log::info!(target: TARGET, account = account.0; "order {order_id}: {}: {}", outcome.code(), report.message);
        sender.count(xianyu_domain::metrics::MetricEvent::Delivery {
            outcome: outcome.code(),
        });
        sender.publish(outcome_event(account, order_id, outcome, &report.message));
        report
    }

    /// Reads the order detail once per order (spec, quantity, amount, buyer).
    pub(crate) async fn fill_detail(&self, sender: &AccountSender, order_id: &str) {
        let data = match sender.mtop(&mtop::order_detail(order_id)).await {
            Ok(d) => d,
            Err(e) => {
                log::warn!(target: TARGET, account = sender.account().0; "order {order_id}: order detail unavailable ({}), delivering with what the card said", e.code());
                return;
            }
        };
        let info = mtop::parse_order_detail(&data);
        let detail = OrderDetail {
            item_id: info.item_id,
            buyer_id: info.buyer_id,
            spec: info.spec,
            quantity: info.quantity,
            amount_fen: info.amount_fen,
        };
        let (book, account, id) = (self.book.clone(), sender.account(), order_id.to_owned());
        if let Err(e) = blocking(move || book.save_order_detail(account, &id, &detail)).await {
            log::warn!(target: TARGET, account = account.0; "order {order_id}: saving detail: {e}");
        }
    }

    /// Records the title of an item the account has not synced yet, from the item detail.
    async fn learn_item_title(&self, sender: &AccountSender, item_id: &str) {
        let account = sender.account();
        let title = match sender.fetch_item_detail(item_id).await {
            Ok(detail) if !detail.title.is_empty() => detail.title,
            Ok(_) => return,
            Err(e) => {
                log::info!(target: TARGET, account = account.0; "item {item_id}: detail unavailable: {}", e.code());
                return;
            }
        };
        let (book, item) = (self.book.clone(), item_id.to_owned());
        if let Err(e) = blocking(move || book.record_item_seen(account, &item, Some(&title))).await
        {
            log::warn!(target: TARGET, account = account.0; "item {item_id}: {e}");
        }
    }

    /// Delivers a paid order automatically (fresh units only).
    pub(crate) async fn deliver(self: Arc<Self>, sender: AccountSender, order_id: String) {
        let Some(_claim) = self.claim(sender.account(), &order_id) else {
            log::debug!(target: TARGET, "order {order_id}: delivery already in progress");
            return;
        };
        if let Err(e) = self.deliver_claimed(&sender, &order_id, false).await {
            log::warn!(target: TARGET, account = sender.account().0; "order {order_id}: delivery stopped: {e}");
        }
    }

    pub(crate) async fn deliver_claimed(
        &self,
        sender: &AccountSender,
        order_id: &str,
        manual: bool,
    ) -> Result<DeliveryReport> {
        let account = sender.account();
        let Some(mut input) = self.input(account, order_id).await? else {
            return Err(RunnerError::UnknownOrder(order_id.to_owned()));
        };
        let state = input.order.order.state;
        if !manual && !can_deliver(&input.order.order) {
            log::info!(target: TARGET, account = account.0; "order {order_id} is {state}: not delivering");
            return Ok(DeliveryReport::new(
                DeliveryOutcome::AlreadyDelivered,
                format!("order is {state}"),
                0,
            ));
        }
        if manual && state.is_terminal() {
            return Ok(DeliveryReport::new(
                DeliveryOutcome::AlreadyDelivered,
                format!("order is {state}"),
                0,
            ));
        }
        if !input.order.detail_fetched {
            self.fill_detail(sender, order_id).await;
            input = self.input(account, order_id).await?.unwrap_or(input);
        }
        if input.item.as_ref().is_none_or(|i| i.title.is_empty())
            && let Some(item_id) = input.order.item_id.clone()
        {
            // keyword rules need the title: read it once (one item, never in bulk)
            self.learn_item_title(sender, &item_id).await;
            input = self.input(account, order_id).await?.unwrap_or(input);
        }
        let facts = facts_of(&input);
        let rule = match select_rule(&input.rules, &facts) {
            Ok(rule) => rule.clone(),
            Err(NoDelivery::NoRule) => {
                let msg = format!(
                    "no enabled delivery rule matches item {} (spec {})",
                    facts.item_id,
                    spec_text(&facts)
                );
                let report = DeliveryReport::new(DeliveryOutcome::NoRule, msg, 0);
                return Ok(self.outcome(sender, order_id, report).await);
            }
            Err(NoDelivery::Ambiguous { rule_ids }) => {
                let ids: Vec<String> = rule_ids.iter().map(|r| r.0.to_string()).collect();
                let msg = format!("rules {} all match; make them unambiguous", ids.join(", "));
                let report = DeliveryReport::new(DeliveryOutcome::Ambiguous, msg, 0);
                return Ok(self.outcome(sender, order_id, report).await);
            }
        };
        let Some(card) = input.cards.iter().find(|c| c.id == rule.card_id).cloned() else {
            let msg = format!("card {} of rule {} is missing", rule.card_id.0, rule.id.0);
            let report = DeliveryReport::new(DeliveryOutcome::CardInvalid, msg, 0);
            return Ok(self.outcome(sender, order_id, report).await);
        };
        let multi = input
            .item
            .as_ref()
            .is_some_and(|i| i.multi_quantity_delivery);
        let n = units(&rule, &facts, multi);
        let (book, id, c2) = (self.book.clone(), order_id.to_owned(), card.clone());
        let rule_id = rule.id;
        let reservation =
            blocking(move || book.reserve_delivery(account, &id, rule_id, &c2, n)).await?;
        let (rows, remaining) = match reservation {
            Reservation::OutOfStock { needed, available } => {
                let msg = format!(
                    "card {} has {available} line(s) left, {needed} needed",
                    card.name
                );
                let report = DeliveryReport::new(DeliveryOutcome::OutOfStock, msg, 0);
                return Ok(self.outcome(sender, order_id, report).await);
            }
            Reservation::Reserved {
                units,
                stock_remaining,
            } => (units, stock_remaining),
        };
        let fresh: Vec<DeliveryUnit> = rows.into_iter().filter(|u| u.fresh).collect();
        if fresh.is_empty() {
            log::info!(target: TARGET, account = account.0; "order {order_id}: every unit already has a delivery: nothing sent");
            return Ok(DeliveryReport::new(
                DeliveryOutcome::AlreadyDelivered,
                "every unit already has a delivery",
                0,
            ));
        }
        if self.config.crash_after_reserve {
            log::warn!(target: TARGET, account = account.0; "order {order_id}: test hook: stopping after the reservation");
            return Err(RunnerError::Shutdown);
        }
        if card.delay_secs > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(u64::from(card.delay_secs))).await;
        }
        let report = self.send_units(sender, &input, &card, &facts, &fresh).await;
        let report = self.outcome(sender, order_id, report).await;
        if let Some(left) = remaining
            && card.is_low_stock(usize::try_from(left).unwrap_or(usize::MAX))
        {
            log::warn!(target: TARGET, account = account.0; "card {} has {left} line(s) left", card.name);
            sender.publish(crate::RunnerEvent::LowStock {
                account,
                card_id: card.id.0,
                card_name: card.name.clone(),
                remaining: left,
            });
        }
        if report.outcome == DeliveryOutcome::Delivered && input.auto_confirm {
            return Ok(self.confirm(sender, order_id, report).await);
        }
        Ok(report)
    }

    /// Produces, sends and records each unit; the report says how the order's delivery ended.
    async fn send_units(
        &self,
        sender: &AccountSender,
        input: &DeliveryInput,
        card: &Card,
        facts: &OrderFacts,
        rows: &[DeliveryUnit],
    ) -> DeliveryReport {
        let mut sent = 0;
        let mut failure: Option<(DeliveryOutcome, String)> = None;
        for row in rows {
            let result = self.send_unit(sender, input, card, facts, row).await;
            let update = match &result {
                Ok((content, message_id)) => DeliveryUpdate {
                    state: DeliveryState::Sent,
                    content: Some(content.clone()),
                    message_id: message_id.clone(),
                    error: None,
                },
                Err((_, content, error)) => DeliveryUpdate {
                    state: DeliveryState::Failed,
                    content: content.clone(),
                    message_id: None,
                    error: Some(error.clone()),
                },
            };
            let (book, id) = (self.book.clone(), row.id);
            if let Err(e) = blocking(move || book.finish_delivery(id, &update)).await {
                // the row stays `reserved` and becomes `uncertain` at the next start
                log::warn!(target: TARGET, "delivery {}: recording the send: {e}", row.id);
            }
            match result {
                Ok(_) => sent += 1,
                Err((outcome, _, error)) => {
                    failure.get_or_insert((outcome, format!("unit {}: {error}", row.unit)));
                }
            }
        }
        match failure {
            None => DeliveryReport::new(
                DeliveryOutcome::Delivered,
                format!("{sent} unit(s) of card {} sent", card.name),
                sent,
            ),
            Some((outcome, msg)) => DeliveryReport::new(
                outcome,
                format!("{msg}; {sent} of {} unit(s) sent", rows.len()),
                sent,
            ),
        }
    }

    /// One unit: its content, the message, the send. `Ok((content, message id))`, or the
    /// failure's outcome, the content if produced, and why.
    async fn send_unit(
        &self,
        sender: &AccountSender,
        input: &DeliveryInput,
        card: &Card,
        facts: &OrderFacts,
        row: &DeliveryUnit,
    ) -> std::result::Result<(String, Option<String>), (DeliveryOutcome, Option<String>, String)>
    {
        let buyer = facts.buyer_id.clone();
        let cid = match input.order.cid.clone() {
            Some(cid) => cid,
            None => sender
                .create_conversation(&buyer, &facts.item_id)
                .await
                .map_err(|e| (DeliveryOutcome::SendRejected, None, e.to_string()))?,
        };
        let (content, message) = match &card.kind {
            CardKind::Image { image_ref } => {
                let msg = crate::images::image_message(&self.images, sender, image_ref)
                    .await
                    .map_err(|e| (DeliveryOutcome::CardInvalid, None, e.to_string()))?;
                (image_ref.clone(), msg)
            }
            kind => {
                let content = match (kind, &row.content) {
                    (_, Some(existing)) => existing.clone(),
                    (CardKind::Text { text }, None) => text.clone(),
                    (CardKind::HttpFetch(spec), None) => self
                        .fetcher
                        .fetch(spec, facts)
                        .await
                        .map_err(|e| (DeliveryOutcome::FetchFailed, None, e))?,
                    _ => {
                        return Err((
                            DeliveryOutcome::OutOfStock,
                            None,
                            "no stock line reserved".to_owned(),
                        ));
                    }
                };
                let text = render_message(card, &content, facts);
                (content, SendContent::Text(text))
            }
        };
        let verdict = sender
            .send(&cid, &buyer, message, MessageDirection::Delivery)
            .await
            .map_err(|e| {
                (
                    DeliveryOutcome::SendRejected,
                    Some(content.clone()),
                    e.to_string(),
                )
            })?;
        match verdict {
            crate::SendVerdict::Rejected { reason } => {
                Err((DeliveryOutcome::SendRejected, Some(content), reason))
            }
            crate::SendVerdict::Accepted { message_id } => Ok((content, message_id)),
            crate::SendVerdict::Unconfirmed => Ok((content, None)),
        }
    }

    /// Re-sends an order's delivery by hand: the units that were not sent (failed, uncertain,
    /// reserved) go again with the same content — a stock line is never consumed twice — and
    /// when every unit was sent, all of them go again (the buyer says nothing arrived). An order
    /// without rows is delivered as if it had just been paid (rules, stock and all), whatever
    /// its state, unless it is closed or refunded.
    pub async fn redeliver(
        self: &Arc<Self>,
        sender: AccountSender,
        order_id: &str,
    ) -> Result<DeliveryReport> {
        let account = sender.account();
        let _claim: Claim = self
            .claim(account, order_id)
            .ok_or_else(|| RunnerError::Busy(format!("order {order_id} is being delivered")))?;
        let (book, id) = (self.book.clone(), order_id.to_owned());
        let rows = blocking(move || book.order_deliveries(account, &id)).await?;
        if rows.is_empty() {
            return self.deliver_claimed(&sender, order_id, true).await;
        }
        let Some(input) = self.input(account, order_id).await? else {
            return Err(RunnerError::UnknownOrder(order_id.to_owned()));
        };
        if input.order.order.state == OrderState::Refunded
            || input.order.order.state == OrderState::Closed
        {
            return Ok(DeliveryReport::new(
                DeliveryOutcome::AlreadyDelivered,
                format!("order is {}", input.order.order.state),
                0,
            ));
        }
        let facts = facts_of(&input);
        let card_id = rows.iter().find_map(|r| r.card_id);
        let Some(card) = card_id.and_then(|id| input.cards.iter().find(|c| c.id == id).cloned())
        else {
            let report = DeliveryReport::new(
                DeliveryOutcome::CardInvalid,
                "the card of the earlier delivery is missing or its rule is disabled",
                0,
            );
            return Ok(self.outcome(&sender, order_id, report).await);
        };
        let unsent: Vec<DeliveryUnit> = rows
            .iter()
            .filter(|r| r.state != DeliveryState::Sent)
            .cloned()
            .collect();
        let targets = if unsent.is_empty() { rows } else { unsent };
        let report = self
            .send_units(&sender, &input, &card, &facts, &targets)
            .await;
        let report = self.outcome(&sender, order_id, report).await;
        if report.outcome == DeliveryOutcome::Delivered
            && input.auto_confirm
            && input.order.order.state == OrderState::Paid
        {
            return Ok(self.confirm(&sender, order_id, report).await);
        }
        Ok(report)
    }
}

fn spec_text(facts: &OrderFacts) -> String {
    facts
        .spec
        .as_ref()
        .map_or_else(|| "none".to_owned(), |(n, v)| format!("{n}:{v}"))
}

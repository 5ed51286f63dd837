use crate::ApiError;
use crate::error::ErrorCode;
use crate::routes::common::{PageQuery, bad_cursor, from_ms};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xianyu_domain::AccountId;
use xianyu_domain::clock::{DAY_MS, local_day_start_ms};
use xianyu_domain::orders::{OrderState, Transition};
use xianyu_persistence::{
    DaySummary, DeliveryRecord, OrderDetails, OrderEvent, OrderFilter, OrderRecord,
};

/// The longest order summary, in days.
pub const MAX_SUMMARY_DAYS: i64 = 366;

/// The order summary's length when `days` is absent.
pub const DEFAULT_SUMMARY_DAYS: i64 = 30;

/// An empty query parameter counts as absent.
pub(crate) fn present(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn parse_date(v: &Option<String>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    present(v)
        .map(|s| {
            NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidDate,
                    format!("{name} must be a date YYYY-MM-DD"),
                )
            })
        })
        .transpose()
}

/// `GET /api/v1/orders` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// Only this account.
    pub account_id: Option<i64>,
    /// Only this state: placed, paid, shipped, completed, closed, refunding, refund_closed or
    /// refunded.
    pub state: Option<String>,
    /// Only orders created on or after this Asia/Shanghai day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only orders created on or before this Asia/Shanghai day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Only orders of this item.
    pub item_id: Option<String>,
    /// Only orders of this buyer.
    pub buyer_id: Option<String>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl OrderQuery {
    /// The paging part.
    pub fn page(&self) -> PageQuery {
        PageQuery {
            limit: self.limit,
            cursor: self.cursor.clone(),
        }
    }

    /// The validated filters: 400 `invalid_state_filter` or `invalid_date`.
    pub fn filter(&self) -> Result<OrderFilter, ApiError> {
        let state = present(&self.state)
            .map(|s| {
                s.parse::<OrderState>().map_err(|_| {
                    ApiError::new(
                        ErrorCode::InvalidStateFilter,
                        format!("unknown order state {s:?}"),
                    )
                })
            })
            .transpose()?;
        let from = parse_date(&self.from, "from")?;
        let to = parse_date(&self.to, "to")?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(ApiError::new(
                ErrorCode::InvalidDate,
                "from must not be after to",
            ));
        }
        Ok(OrderFilter {
            account: self.account_id.map(AccountId),
            state,
            created_from_ms: from.map(local_day_start_ms),
            created_before_ms: to.map(|d| local_day_start_ms(d) + DAY_MS),
            item_id: present(&self.item_id),
            buyer_id: present(&self.buyer_id),
        })
    }

    /// The cursor `<created_at>_<id>` as a pair.
    pub fn cursor(&self) -> Result<Option<(i64, i64)>, ApiError> {
        match self.cursor.as_deref() {
            None | Some("") => Ok(None),
            Some(c) => {
                let (at, id) = c.split_once('_').ok_or_else(bad_cursor)?;
                Ok(Some((
                    at.parse().map_err(|_| bad_cursor())?,
                    id.parse().map_err(|_| bad_cursor())?,
                )))
            }
        }
    }
}

/// The cursor of an order row.
pub fn order_cursor(o: &OrderRecord) -> String {
    format!("{}_{}", o.created_at, o.id)
}

/// An order of one of the caller's accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    /// Row id: the `{id}` of the order routes.
    pub id: i64,
    /// The Xianyu order id.
    pub order_id: String,
    /// The seller account.
    pub account_id: i64,
    /// placed, paid, shipped, completed, closed, refunding, refund_closed or refunded.
    pub state: String,
    /// Whether the buyer bargained (小刀).
    pub bargain: bool,
    /// The chat of the order.
    pub cid: Option<String>,
    /// The item.
    pub item_id: Option<String>,
    /// The item's title, when the item is known locally.
    pub item_title: Option<String>,
    /// The buyer's user id.
    pub buyer_id: Option<String>,
    /// The buyer's nick.
    pub buyer_name: Option<String>,
    /// The ordered spec's name (规格).
    pub spec_name: Option<String>,
    /// The ordered spec's value.
    pub spec_value: Option<String>,
    /// Ordered quantity.
    pub quantity: i32,
    /// Paid amount in fen.
    pub amount_fen: Option<i64>,
    /// How automatic delivery ended: delivered, no_rule, ambiguous, out_of_stock,
    /// fetch_failed, send_rejected, confirm_failed, card_invalid, free_shipping_failed or already_delivered.
    pub delivery_outcome: Option<String>,
    /// Details recorded with the outcome.
    pub delivery_message: Option<String>,
    /// Shipment confirmation: none, confirmed or failed.
    pub confirm_state: String,
    /// When the order was first seen.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
    /// When it was seen paid.
    pub paid_at: Option<DateTime<Utc>>,
}

impl From<&OrderRecord> for OrderView {
    fn from(o: &OrderRecord) -> Self {
        let (spec_name, spec_value) = o.spec.clone().unzip();
        Self {
            id: o.id,
            order_id: o.order_id.clone(),
            account_id: o.account_id.0,
            state: o.state.as_str().to_owned(),
            bargain: o.bargain,
            cid: o.cid.clone(),
            item_id: o.item_id.clone(),
            item_title: o.item_title.clone(),
            buyer_id: o.buyer_id.clone(),
            buyer_name: o.buyer_name.clone(),
            spec_name,
            spec_value,
            quantity: o.quantity,
            amount_fen: o.amount_fen,
            delivery_outcome: o.delivery_outcome.clone(),
            delivery_message: o.delivery_message.clone(),
            confirm_state: o.confirm_state.clone(),
            created_at: from_ms(o.created_at),
            updated_at: from_ms(o.updated_at),
            paid_at: o.paid_at.and_then(from_ms),
        }
    }
}

/// One accepted state change.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    /// The state before.
    pub from: String,
    /// The state after (equal to `from` when only the bargain flag was set).
    pub to: String,
    /// The observed signal: placed, paid, shipped, completed, closed, refund_requested,
    /// refund_cancelled, refunded or bargained.
    pub signal: String,
    /// When it was observed.
    pub at: Option<DateTime<Utc>>,
}

impl From<&Transition> for TransitionView {
    fn from(t: &Transition) -> Self {
        Self {
            from: t.from.as_str().to_owned(),
            to: t.to.as_str().to_owned(),
            signal: serde_json::to_value(t.signal)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            at: from_ms(t.at_ms),
        }
    }
}

/// A refused signal, a delivery outcome or a shipment confirmation attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderEventView {
    /// Event id.
    pub id: i64,
    /// refused, delivery or confirm.
    pub kind: String,
    /// `illegal_order_transition`, a delivery outcome, or confirmed / failed.
    pub code: String,
    /// Details.
    pub message: String,
    /// When.
    pub at: Option<DateTime<Utc>>,
}

impl From<&OrderEvent> for OrderEventView {
    fn from(e: &OrderEvent) -> Self {
        Self {
            id: e.id,
            kind: e.kind.clone(),
            code: e.code.clone(),
            message: e.message.clone(),
            at: from_ms(e.at),
        }
    }
}

/// One unit's delivery of an order, with what was delivered.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDeliveryView {
    /// Delivery id.
    pub id: i64,
    /// Unit number, 1-based.
    pub unit: i32,
    /// reserved, sent, failed or uncertain.
    pub state: String,
    /// The reserved stock line, or the message sent (the buyer's goods).
    pub content: Option<String>,
    /// Goofish's message id of the send.
    pub message_id: Option<String>,
    /// How many times it was sent.
    pub sends: i32,
    /// Why it failed or is uncertain.
    pub error: Option<String>,
    /// The card.
    pub card_id: Option<i64>,
    /// The rule that chose the card.
    pub rule_id: Option<i64>,
    /// Reserved at.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<&DeliveryRecord> for OrderDeliveryView {
    fn from(d: &DeliveryRecord) -> Self {
        Self {
            id: d.id,
            unit: d.unit,
            state: d.state.as_str().to_owned(),
            content: d.content.clone(),
            message_id: d.message_id.clone(),
            sends: d.sends,
            error: d.error.clone(),
            card_id: d.card_id,
            rule_id: d.rule_id,
            created_at: from_ms(d.created_at),
            updated_at: from_ms(d.updated_at),
        }
    }
}

/// An order with its history, events and deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetailView {
    /// The order.
    #[serde(flatten)]
    pub order: OrderView,
    /// Accepted state changes, oldest first.
    pub history: Vec<TransitionView>,
    /// Refusals, delivery outcomes and confirmations, oldest first.
    pub events: Vec<OrderEventView>,
    /// Deliveries by unit.
    pub deliveries: Vec<OrderDeliveryView>,
}

impl From<&OrderDetails> for OrderDetailView {
    fn from(d: &OrderDetails) -> Self {
        Self {
            order: OrderView::from(&d.order),
            history: d.history.iter().map(TransitionView::from).collect(),
            events: d.events.iter().map(OrderEventView::from).collect(),
            deliveries: d.deliveries.iter().map(OrderDeliveryView::from).collect(),
        }
    }
}

/// `GET /api/v1/accounts/{id}/orders/summary` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Days ending today (Asia/Shanghai), 1–366 (default 30).
    pub days: Option<i64>,
}

impl SummaryQuery {
    /// The number of days: 400 `invalid_days` outside 1–366.
    pub fn days(&self) -> Result<u32, ApiError> {
        let days = self.days.unwrap_or(DEFAULT_SUMMARY_DAYS);
        if (1..=MAX_SUMMARY_DAYS).contains(&days) {
            Ok(u32::try_from(days).unwrap_or(1))
        } else {
            Err(ApiError::new(
                ErrorCode::InvalidDays,
                format!("days must be between 1 and {MAX_SUMMARY_DAYS}"),
            ))
        }
    }
}

/// One Asia/Shanghai day of an account's orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct DaySummaryView {
    /// The day, `YYYY-MM-DD`.
    pub day: NaiveDate,
    /// Orders first seen that day.
    pub placed: u64,
    /// Orders seen paid that day.
    pub paid: u64,
    /// Sum of the known amounts of those paid orders, in fen.
    pub paid_amount_fen: i64,
    /// Deliveries sent that day.
    pub deliveries_sent: u64,
}

impl From<&DaySummary> for DaySummaryView {
    fn from(d: &DaySummary) -> Self {
        Self {
            day: d.day,
            placed: d.placed,
            paid: d.paid,
            paid_amount_fen: d.paid_amount_fen,
            deliveries_sent: d.deliveries_sent,
        }
    }
}

/// An account's orders per day.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummaryView {
    /// The account.
    pub account_id: i64,
    /// The calendar the days follow (always `Asia/Shanghai`).
    pub timezone: String,
    /// One entry per day, oldest first, today last.
    pub days: Vec<DaySummaryView>,
}

/// What a manual re-delivery did.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedeliverResult {
    /// How it ended: delivered, no_rule, ambiguous, out_of_stock, fetch_failed,
    /// send_rejected, confirm_failed, card_invalid, free_shipping_failed or already_delivered.
    pub outcome: String,
    /// Details for the seller.
    pub message: String,
    /// Units sent by this call.
    pub sent: u32,
}

impl From<xianyu_runner::DeliveryReport> for RedeliverResult {
    fn from(r: xianyu_runner::DeliveryReport) -> Self {
        Self {
            outcome: r.outcome.code().to_owned(),
            message: r.message,
            sent: r.sent,
        }
    }
}

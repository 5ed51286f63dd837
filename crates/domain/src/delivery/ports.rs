//! What the order and delivery workflow needs from storage: the [`OrderBook`] port, implemented
//! by `xianyu-persistence`, and the plain data it exchanges.
//!
//! Exactly-once delivery rests on [`OrderBook::reserve_delivery`]: one row per
//! (account, order, unit) under a unique key, created in the same transaction that takes the
//! stock lines. A row stays `reserved` until the send's outcome is recorded; rows still
//! `reserved` when the process starts are turned `uncertain` ([`OrderBook::mark_interrupted`])
//! and never sent again without a human asking for it.

use super::{Card, CardId, DeliveryRule, DeliveryRuleId};
use crate::ids::{AccountId, UserId};
use crate::orders::{IllegalTransition, Order, OrderSignal};
use crate::ports::PortError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The state of one delivery row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Created and stock reserved; the send's outcome is not recorded yet.
    Reserved,
    /// The message was sent and not rejected.
    Sent,
    /// Definitely not delivered (fetch failed, send rejected, not connected).
    Failed,
    /// Interrupted between reservation and confirmation: maybe sent. Needs a human.
    Uncertain,
}

const DELIVERY_STATES: [(DeliveryState, &str); 4] = [
    (DeliveryState::Reserved, "reserved"),
    (DeliveryState::Sent, "sent"),
    (DeliveryState::Failed, "failed"),
    (DeliveryState::Uncertain, "uncertain"),
];

impl DeliveryState {
    /// The snake_case name, as stored and shown by the API.
    pub fn as_str(self) -> &'static str {
        DELIVERY_STATES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("", |(_, n)| *n)
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeliveryState {
    type Err = PortError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DELIVERY_STATES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(st, _)| *st)
            .ok_or_else(|| PortError(format!("unknown delivery state {s:?}")))
    }
}

/// How an order's automatic delivery ended; stored with the order and published live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// Every unit was sent.
    Delivered,
    /// No enabled rule matches the item and spec.
    NoRule,
    /// Several rules match equally.
    Ambiguous,
    /// The stock card has fewer lines than units needed; nothing was reserved.
    OutOfStock,
    /// The HTTP card's endpoint did not give content (after retries).
    FetchFailed,
    /// Goofish rejected the message (content filter), or the account was not connected.
    SendRejected,
    /// Delivered, but the shipment confirmation (`consign.dummy`) failed.
    ConfirmFailed,
    /// The rule's card is missing or invalid.
    CardInvalid,
    /// Every unit already had a delivery row: nothing new was sent (a duplicate trigger).
    AlreadyDelivered,
    /// The free-shipping call of a bargain (小刀) order failed, so nothing was delivered.
    FreeShippingFailed,
}

impl DeliveryOutcome {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::NoRule => "no_rule",
            Self::Ambiguous => "ambiguous",
            Self::OutOfStock => "out_of_stock",
            Self::FetchFailed => "fetch_failed",
            Self::SendRejected => "send_rejected",
            Self::ConfirmFailed => "confirm_failed",
            Self::CardInvalid => "card_invalid",
            Self::AlreadyDelivered => "already_delivered",
            Self::FreeShippingFailed => "free_shipping_failed",
        }
    }
}

/// Something the runner observed about an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderObservation {
    /// The seller account.
    pub account: AccountId,
    /// The Xianyu order id.
    pub order_id: String,
    /// What happened.
    pub signal: OrderSignal,
    /// When it was observed (ms).
    pub at_ms: i64,
    /// The chat the card arrived in, if known.
    pub cid: Option<String>,
    /// The item, if known.
    pub item_id: Option<String>,
    /// The buyer's user id, if known.
    pub buyer_id: Option<String>,
    /// The buyer's nick, if known.
    pub buyer_name: Option<String>,
}

/// An order as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrder {
    /// The seller account.
    pub account: AccountId,
    /// The Xianyu order id.
    pub order_id: String,
    /// The chat of the order, if known.
    pub cid: Option<String>,
    /// The item, if known.
    pub item_id: Option<String>,
    /// The buyer, if known.
    pub buyer_id: Option<String>,
    /// State, bargain flag and history.
    pub order: Order,
    /// The ordered spec `(name, value)`, if known.
    pub spec: Option<(String, String)>,
    /// Ordered quantity (1 until the order detail says otherwise).
    pub quantity: u32,
    /// Paid amount in fen, if known.
    pub amount_fen: Option<i64>,
    /// Whether the order-detail API was read for this order.
    pub detail_fetched: bool,
}

/// The result of [`OrderBook::observe_order`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The order after the observation (unchanged when refused).
    pub order: StoredOrder,
    /// Whether the order did not exist before.
    pub created: bool,
    /// The refusal, when the state machine did not accept the signal (also recorded as an
    /// order event).
    pub refused: Option<IllegalTransition>,
}

/// What the order-detail API said about an order (spec §2.4.6).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderDetail {
    /// `itemInfo.itemId`.
    pub item_id: Option<String>,
    /// `buyerUserId` / `peerUserId`.
    pub buyer_id: Option<String>,
    /// `itemInfo.skuInfo` split at the first `:`.
    pub spec: Option<(String, String)>,
    /// `itemInfo.buyAmount`.
    pub quantity: Option<u32>,
    /// The paid amount in fen.
    pub amount_fen: Option<i64>,
}

/// What storage knows about an order's item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFacts {
    /// The title.
    pub title: String,
    /// The local description (used for keyword rules).
    pub description: String,
    /// Deliver `units_per_order × quantity` instead of `units_per_order`.
    pub multi_quantity_delivery: bool,
    /// The listed price in fen, when known (for `{item_price}` in replies).
    pub price_fen: Option<i64>,
}

/// Everything the delivery decision for one order needs, read in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryInput {
    /// The user owning the account.
    pub user_id: UserId,
    /// Whether the account confirms shipment after delivery.
    pub auto_confirm: bool,
    /// The order.
    pub order: StoredOrder,
    /// The order's item, when it is known locally.
    pub item: Option<ItemFacts>,
    /// The user's enabled delivery rules.
    pub rules: Vec<DeliveryRule>,
    /// The cards those rules refer to.
    pub cards: Vec<Card>,
}

/// One unit's delivery row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryUnit {
    /// The row id.
    pub id: i64,
    /// The unit number, 1-based.
    pub unit: u32,
    /// Its state.
    pub state: DeliveryState,
    /// The reserved stock line, or what was sent.
    pub content: Option<String>,
    /// The card it was reserved for.
    pub card_id: Option<CardId>,
    /// Whether this reservation call created the row (only fresh rows are sent automatically).
    pub fresh: bool,
}

/// The result of [`OrderBook::reserve_delivery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Every unit has a row now; the fresh ones were created (with their stock lines) by this
    /// call.
    Reserved {
        /// The rows, by unit.
        units: Vec<DeliveryUnit>,
        /// Stock lines left on a stock card after the reservation (`None` for other kinds).
        stock_remaining: Option<u64>,
    },
    /// Fewer free stock lines than fresh units; nothing was reserved.
    OutOfStock {
        /// Lines needed.
        needed: u32,
        /// Lines available.
        available: u64,
    },
}

/// The recorded end of one unit's send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryUpdate {
    /// The new state (`Sent`, `Failed` or `Uncertain`).
    pub state: DeliveryState,
    /// What was sent (the rendered message), when known.
    pub content: Option<String>,
    /// The server message id, when the send answered with one.
    pub message_id: Option<String>,
    /// Why it failed, human readable.
    pub error: Option<String>,
}

/// An item as the seller's item list shows it (spec §2.4.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemSnapshot {
    /// The item id.
    pub item_id: String,
    /// The title.
    pub title: String,
    /// The price in fen, when it parsed.
    pub price_fen: Option<i64>,
    /// `itemStatus`, as text.
    pub status: String,
    /// The main picture.
    pub pic_url: Option<String>,
}

/// Storage of orders, deliveries and seen items, as the runner's workflow needs it. Every call
/// is scoped to one account; rules and cards are read only for the account's owner.
pub trait OrderBook: Send + Sync {
    /// Applies an observation to the account's order (created in state `placed` when unknown),
    /// filling cid, item and buyer when they were unknown; a refused signal is recorded as an
    /// order event and leaves the order unchanged.
    fn observe_order(&self, observation: &OrderObservation) -> Result<Observed, PortError>;

    /// The order id of the newest order in a chat (red reminders carry only the chat).
    fn latest_order_in_chat(
        &self,
        account: AccountId,
        cid: &str,
    ) -> Result<Option<String>, PortError>;

    /// Stores what the order-detail API said and marks the detail as fetched.
    fn save_order_detail(
        &self,
        account: AccountId,
        order_id: &str,
        detail: &OrderDetail,
    ) -> Result<(), PortError>;

    /// The order, its item, the owner's enabled rules and their cards; `None` when the order
    /// is unknown.
    fn delivery_input(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<Option<DeliveryInput>, PortError>;

    /// In one transaction: creates the missing rows for units `1..=units` of the order (unique
    /// per account, order and unit) and, for a stock card, takes one free line per new row.
    /// Existing rows are returned unchanged with `fresh == false`.
    fn reserve_delivery(
        &self,
        account: AccountId,
        order_id: &str,
        rule: DeliveryRuleId,
        card: &Card,
        units: u32,
    ) -> Result<Reservation, PortError>;

    /// The delivery rows of an order, by unit.
    fn order_deliveries(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<Vec<DeliveryUnit>, PortError>;

    /// Records how one unit's send ended (a manual re-send increments its send count).
    fn finish_delivery(&self, delivery_id: i64, update: &DeliveryUpdate) -> Result<(), PortError>;

    /// Records the order's delivery outcome (kept on the order and as an order event).
    fn record_outcome(
        &self,
        account: AccountId,
        order_id: &str,
        outcome: DeliveryOutcome,
        message: &str,
    ) -> Result<(), PortError>;

    /// Records a shipment confirmation attempt (`confirmed` or `failed`) as an order event and
    /// on the order.
    fn record_confirmation(
        &self,
        account: AccountId,
        order_id: &str,
        confirmed: bool,
        message: &str,
    ) -> Result<(), PortError>;

    /// Turns every `reserved` row into `uncertain` (called once at start-up, before any
    /// account connects); returns how many.
    fn mark_interrupted(&self) -> Result<u64, PortError>;

    /// Records an item seen in a chat or an order (kept if already known; the title fills an
    /// empty one).
    fn record_item_seen(
        &self,
        account: AccountId,
        item_id: &str,
        title: Option<&str>,
    ) -> Result<(), PortError>;
}

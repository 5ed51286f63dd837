//! The order state machine: what the bot believes about each Xianyu order, and how it got there.
//!
//! Pure: the caller observes the protocol (trade cards, red reminders, order-status texts),
//! turns each observation into an [`OrderSignal`] and calls [`apply`] with the time it saw it.
//! Refused signals come back as [`IllegalTransition`]; the caller logs them (this crate does no
//! logging) and keeps the order unchanged. Every accepted change is kept in [`Order::history`].
//!
//! # Mapping from the protocol crate (done by the caller)
//!
//! | observation (`goofish-protocol`)                              | signal                       |
//! |---------------------------------------------------------------|------------------------------|
//! | `OrderStatusText::Placed` (`[我已拍下，待付款]`)              | [`OrderSignal::Placed`]      |
//! | `OrderStatusText::Paid` (payment texts and triggers, red reminder `等待卖家发货`) | [`OrderSignal::Paid`] |
//! | `OrderStatusText::Shipped` (`[你已发货]`…), our own successful shipment confirmation | [`OrderSignal::Shipped`] |
//! | `OrderStatusText::Completed` (`[买家确认收货，交易成功]`…)    | [`OrderSignal::Completed`]   |
//! | `OrderStatusText::Closed` (`[你关闭了订单…]`, red reminder `交易关闭`) | [`OrderSignal::Closed`] |
//! | the exact text `[退款成功，钱款已原路退返]` (also `Closed` in the protocol table), refund card button `已同意` | [`OrderSignal::Refunded`] |
//! | `OrderStatusText::Refunding` (refund card `我发起了退款申请`) | [`OrderSignal::RefundRequested`] |
//! | `OrderStatusText::RefundCancelled` (refund card button `已撤销`) | [`OrderSignal::RefundCancelled`] |
//! | bargain card title `我已小刀，待刀成`                         | [`OrderSignal::Bargained`]   |
//!
//! A caller that only has `OrderStatusText::Closed` may send [`OrderSignal::Closed`]: while a
//! refund is in progress a close is read as the refund succeeding (see the table below).
//!
//! # Transition table
//!
//! Rows are the current state, columns the signal. `=` means "accepted, nothing changes"
//! (duplicates are normal: the server redelivers and reminders repeat), `✗` means refused.
//! Skipping forward is allowed because signals can be missed while the bot is offline; going
//! backwards (a late or out-of-order signal) is refused.
//!
//! | state \ signal | Placed | Paid | Shipped | Completed | Closed | RefundRequested | RefundCancelled | Refunded | Bargained |
//! |----------------|--------|------|---------|-----------|--------|-----------------|-----------------|----------|-----------|
//! | placed         | =      | paid | shipped | completed | closed | ✗               | ✗               | ✗        | flag      |
//! | paid           | ✗      | =    | shipped | completed | closed | refunding       | ✗               | refunded | flag      |
//! | shipped        | ✗      | ✗    | =       | completed | closed | refunding       | ✗               | refunded | ✗         |
//! | completed      | ✗      | ✗    | ✗       | =         | closed | refunding       | ✗               | refunded | ✗         |
//! | refunding      | ✗      | ✗    | ✗       | completed | refunded | =             | refund_closed   | refunded | ✗         |
//! | refund_closed  | ✗      | resume¹ | resume¹ | resume¹ | closed | refunding       | =               | refunded | ✗         |
//! | closed         | ✗      | ✗    | ✗       | ✗         | =      | ✗               | ✗               | ✗        | ✗         |
//! | refunded       | ✗      | ✗    | ✗       | ✗         | =      | ✗               | ✗               | =        | ✗         |
//!
//! "flag" sets [`Order::bargain`] without changing the state (`=` when already set).
//! ¹ After a withdrawn refund the order resumes: `Paid`, `Shipped` or `Completed` are accepted
//! when they are not behind the state the order had when the refund was requested (so a
//! paid-but-unshipped order can be delivered again once the buyer withdraws the refund).

mod machine;

pub use machine::{apply, can_deliver};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Where an order stands, as far as the bot has observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Ordered, not paid yet.
    Placed,
    /// Paid, waiting for the seller to ship (deliver).
    Paid,
    /// Shipped (delivered) by the seller.
    Shipped,
    /// The buyer confirmed receipt: the trade succeeded.
    Completed,
    /// Closed without a refund in progress (cancelled, or closed and refunded by the seller).
    Closed,
    /// The buyer requested a refund; it is neither granted nor withdrawn yet.
    Refunding,
    /// The buyer withdrew the refund request; the order goes on.
    RefundClosed,
    /// The refund was paid out.
    Refunded,
}

/// Every state, in declaration order.
const STATES: [(OrderState, &str); 8] = [
    (OrderState::Placed, "placed"),
    (OrderState::Paid, "paid"),
    (OrderState::Shipped, "shipped"),
    (OrderState::Completed, "completed"),
    (OrderState::Closed, "closed"),
    (OrderState::Refunding, "refunding"),
    (OrderState::RefundClosed, "refund_closed"),
    (OrderState::Refunded, "refunded"),
];

impl OrderState {
    /// The snake_case name, as stored and shown by the API.
    pub fn as_str(self) -> &'static str {
        STATES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("", |(_, n)| *n)
    }

    /// Whether no further signal can change the state.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Closed | Self::Refunded)
    }
}

impl fmt::Display for OrderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no [`OrderState`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown order state {0:?}")]
pub struct UnknownOrderState(pub String);

impl FromStr for OrderState {
    type Err = UnknownOrderState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        STATES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(st, _)| *st)
            .ok_or_else(|| UnknownOrderState(s.to_owned()))
    }
}

/// What the protocol layer observed about an order (see the mapping table in the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderSignal {
    /// The buyer placed the order.
    Placed,
    /// The buyer paid.
    Paid,
    /// The order was shipped (by us or by a human seller).
    Shipped,
    /// The buyer confirmed receipt.
    Completed,
    /// The trade was closed.
    Closed,
    /// The buyer requested a refund.
    RefundRequested,
    /// The buyer withdrew the refund request.
    RefundCancelled,
    /// The refund was paid out.
    Refunded,
    /// The buyer bargained (小刀) on the order.
    Bargained,
}

/// One accepted change of an order, kept in [`Order::history`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The state before.
    pub from: OrderState,
    /// The state after (equal to `from` when only the bargain flag was set).
    pub to: OrderState,
    /// When the signal was observed, milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The signal that caused the change.
    pub signal: OrderSignal,
}

/// A signal that the order's current state does not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("order in state {from} refuses signal {signal:?}")]
pub struct IllegalTransition {
    /// The order's state when the signal arrived.
    pub from: OrderState,
    /// The refused signal.
    pub signal: OrderSignal,
}

impl IllegalTransition {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        "illegal_order_transition"
    }
}

/// The bot's view of one order: its state, the bargain flag and how it got there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The current state.
    pub state: OrderState,
    /// Whether the buyer bargained (小刀) on this order.
    pub bargain: bool,
    /// Every accepted change, oldest first.
    pub history: Vec<Transition>,
}

impl Default for Order {
    fn default() -> Self {
        Self::new()
    }
}

impl Order {
    /// A freshly placed order without history.
    pub fn new() -> Self {
        Self {
            state: OrderState::Placed,
            bargain: false,
            history: Vec::new(),
        }
    }

    /// The state the order had when its latest refund was requested, if it ever was.
    pub fn state_before_refund(&self) -> Option<OrderState> {
        self.history
            .iter()
            .rev()
            .find(|t| {
                t.to == OrderState::Refunding
                    && !matches!(t.from, OrderState::Refunding | OrderState::RefundClosed)
            })
            .map(|t| t.from)
    }
}

#[cfg(test)]
mod tests;

//! Orders, their events and delivery rows: the [`OrderBook`](xianyu_domain::delivery::OrderBook)
//! port the runner's delivery workflow writes through (`book.rs`, `reserve.rs`) and the
//! user-scoped reads of the dashboard (`queries.rs`, `summary.rs`).
//!
//! Writes that read before they write run in a transaction that serializes writers: `BEGIN
//! IMMEDIATE` on SQLite (the database write lock is taken up front, so a concurrent writer
//! waits on the busy timeout instead of failing on lock upgrade) and row locks (`FOR UPDATE`)
//! on PostgreSQL. Exactly-once delivery rests on the unique key of `deliveries`
//! (account, order, unit) and on the card row lock taken before stock lines are picked.

mod book;
mod queries;
mod reserve;
mod summary;

pub use queries::{
    DeliveryFilter, DeliveryRecord, OrderDetails, OrderEvent, OrderFilter, OrderRecord,
};
pub use summary::DaySummary;

use crate::StoreError;
use crate::schema::{cards, orders};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use xianyu_domain::AccountId;
use xianyu_domain::orders::{Order, OrderState, Transition};

pub(crate) use crate::connection::write_tx;

/// Row locks inside [`write_tx`]: `SELECT … FOR UPDATE` on PostgreSQL; nothing on SQLite,
/// where the `IMMEDIATE` transaction already holds the database's only write lock.
pub(crate) trait RowLock {
    /// Locks an order row until the transaction ends.
    fn lock_order(&mut self, account: AccountId, order_id: &str) -> QueryResult<()>;
    /// Locks a card row until the transaction ends (serializes takers of its stock lines).
    fn lock_card(&mut self, card: i64) -> QueryResult<()>;
}

impl RowLock for PgConnection {
    fn lock_order(&mut self, account: AccountId, order_id: &str) -> QueryResult<()> {
        orders::table
            .filter(orders::account_id.eq(account.0))
            .filter(orders::order_id.eq(order_id))
            .select(orders::id)
            .for_update()
            .load::<i64>(self)
            .map(drop)
    }

    fn lock_card(&mut self, card: i64) -> QueryResult<()> {
        cards::table
            .filter(cards::id.eq(card))
            .select(cards::id)
            .for_update()
            .load::<i64>(self)
            .map(drop)
    }
}

impl RowLock for SqliteConnection {
    fn lock_order(&mut self, _account: AccountId, _order_id: &str) -> QueryResult<()> {
        Ok(())
    }

    fn lock_card(&mut self, _card: i64) -> QueryResult<()> {
        Ok(())
    }
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The columns of an order row read by the workflow, in [`OrderRow`] order.
pub(crate) type OrderColumns = (
    orders::id,
    orders::account_id,
    orders::order_id,
    orders::cid,
    orders::item_id,
    orders::buyer_id,
    orders::buyer_name,
    orders::state,
    orders::bargain,
    orders::spec_name,
    orders::spec_value,
    orders::quantity,
    orders::amount_fen,
    orders::detail_fetched,
    orders::history,
    orders::paid_at,
);

pub(crate) const ORDER_COLUMNS: OrderColumns = (
    orders::id,
    orders::account_id,
    orders::order_id,
    orders::cid,
    orders::item_id,
    orders::buyer_id,
    orders::buyer_name,
    orders::state,
    orders::bargain,
    orders::spec_name,
    orders::spec_value,
    orders::quantity,
    orders::amount_fen,
    orders::detail_fetched,
    orders::history,
    orders::paid_at,
);

/// An order row as the workflow reads it.
#[derive(Debug, Clone, Queryable)]
pub(crate) struct OrderRow {
    pub id: i64,
    pub account_id: i64,
    pub order_id: String,
    pub cid: Option<String>,
    pub item_id: Option<String>,
    pub buyer_id: Option<String>,
    pub buyer_name: Option<String>,
    pub state: String,
    pub bargain: bool,
    pub spec_name: Option<String>,
    pub spec_value: Option<String>,
    pub quantity: i32,
    pub amount_fen: Option<i64>,
    pub detail_fetched: bool,
    pub history: String,
    pub paid_at: Option<i64>,
}

/// Parses a stored order state.
pub(crate) fn parse_state(s: &str) -> Result<OrderState, StoreError> {
    s.parse()
        .map_err(|e| StoreError::Database(format!("stored order is unreadable: {e}")))
}

/// Parses a stored order history (JSON array of transitions).
pub(crate) fn parse_history(s: &str) -> Result<Vec<Transition>, StoreError> {
    serde_json::from_str(s)
        .map_err(|e| StoreError::Database(format!("stored order history is unreadable: {e}")))
}

/// Joins a stored spec name and value.
pub(crate) fn spec(name: Option<String>, value: Option<String>) -> Option<(String, String)> {
    name.zip(value)
}

impl OrderRow {
    /// The state machine's view of the row.
    pub(crate) fn order(&self) -> Result<Order, StoreError> {
        Ok(Order {
            state: parse_state(&self.state)?,
            bargain: self.bargain,
            history: parse_history(&self.history)?,
        })
    }

    /// The domain's stored order.
    pub(crate) fn stored(&self) -> Result<xianyu_domain::delivery::StoredOrder, StoreError> {
        Ok(xianyu_domain::delivery::StoredOrder {
            account: AccountId(self.account_id),
            order_id: self.order_id.clone(),
            cid: self.cid.clone(),
            item_id: self.item_id.clone(),
            buyer_id: self.buyer_id.clone(),
            order: self.order()?,
            spec: spec(self.spec_name.clone(), self.spec_value.clone()),
            quantity: u32::try_from(self.quantity).unwrap_or(1).max(1),
            amount_fen: self.amount_fen,
            detail_fetched: self.detail_fetched,
        })
    }
}

//! The dashboard's reads of orders and deliveries, always scoped by the owning user: another
//! user's order answers [`StoreError::NotFound`] exactly like a missing one.

use super::{parse_history, parse_state, spec};
use crate::schema::{accounts, deliveries, items, order_events, orders};
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::delivery::DeliveryState;
use xianyu_domain::orders::{OrderState, Transition};
use xianyu_domain::{AccountId, UserId};

/// Filters of [`Store::list_orders`]; `None` does not filter.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Only this account (it must be the user's).
    pub account: Option<AccountId>,
    /// Only orders in this state.
    pub state: Option<OrderState>,
    /// Only orders created at or after this instant (ms).
    pub created_from_ms: Option<i64>,
    /// Only orders created before this instant (ms).
    pub created_before_ms: Option<i64>,
    /// Only orders of this item.
    pub item_id: Option<String>,
    /// Only orders of this buyer.
    pub buyer_id: Option<String>,
}

/// An order as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// Row id (the API's order id).
    pub id: i64,
    /// The seller account.
    pub account_id: AccountId,
    /// The Xianyu order id.
    pub order_id: String,
    /// The chat of the order.
    pub cid: Option<String>,
    /// The state.
    pub state: OrderState,
    /// Whether the buyer bargained.
    pub bargain: bool,
    /// The item.
    pub item_id: Option<String>,
    /// The item's title, when the item is known locally.
    pub item_title: Option<String>,
    /// The buyer's user id.
    pub buyer_id: Option<String>,
    /// The buyer's nick.
    pub buyer_name: Option<String>,
    /// The ordered spec `(name, value)`.
    pub spec: Option<(String, String)>,
    /// Ordered quantity.
    pub quantity: i32,
    /// Paid amount in fen.
    pub amount_fen: Option<i64>,
    /// How automatic delivery ended (`DeliveryOutcome::code`), if it ran.
    pub delivery_outcome: Option<String>,
    /// The message recorded with the outcome.
    pub delivery_message: Option<String>,
    /// Shipment confirmation: `none`, `confirmed` or `failed`.
    pub confirm_state: String,
    /// First observed (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// When it was seen paid (ms).
    pub paid_at: Option<i64>,
}

/// Something that happened to an order besides accepted transitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    /// Row id.
    pub id: i64,
    /// `refused`, `delivery` or `confirm`.
    pub kind: String,
    /// A stable code (`illegal_order_transition`, a delivery outcome, `confirmed`/`failed`).
    pub code: String,
    /// Human-readable detail.
    pub message: String,
    /// When (ms).
    pub at: i64,
}

/// One delivery row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// Row id.
    pub id: i64,
    /// The account.
    pub account_id: AccountId,
    /// The order's row id.
    pub order_row_id: i64,
    /// The Xianyu order id.
    pub order_id: String,
    /// Unit number, 1-based.
    pub unit: i32,
    /// The state.
    pub state: DeliveryState,
    /// The rule that chose the card.
    pub rule_id: Option<i64>,
    /// The card.
    pub card_id: Option<i64>,
    /// What was reserved or sent (only read for a single order; `None` in lists).
    pub content: Option<String>,
    /// Goofish's message id of the send.
    pub message_id: Option<String>,
    /// Why it failed or is uncertain.
    pub error: Option<String>,
    /// How many times it was sent.
    pub sends: i32,
    /// Reserved at (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
}

/// An order with its history, events and deliveries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDetails {
    /// The order.
    pub order: OrderRecord,
    /// Accepted transitions, oldest first.
    pub history: Vec<Transition>,
    /// Events, oldest first.
    pub events: Vec<OrderEvent>,
    /// Delivery rows by unit, with their content.
    pub deliveries: Vec<DeliveryRecord>,
}

/// Filters of [`Store::list_deliveries`]; `None` does not filter.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only this account (it must be the user's).
    pub account: Option<AccountId>,
    /// Only rows in this state.
    pub state: Option<DeliveryState>,
}

type RecordRow = (
    (
        i64,
        i64,
        String,
        Option<String>,
        String,
        bool,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
    (
        Option<String>,
        i32,
        Option<i64>,
        Option<String>,
        Option<String>,
        String,
        i64,
        i64,
        Option<i64>,
    ),
);

type DeliveryRow = (
    i64,
    i64,
    i64,
    String,
    i32,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    i32,
    i64,
    i64,
);

macro_rules! record_columns {
    () => {
        (
            (
                orders::id,
                orders::account_id,
                orders::order_id,
                orders::cid,
                orders::state,
                orders::bargain,
                orders::item_id,
                items::title.nullable(),
                orders::buyer_id,
                orders::buyer_name,
                orders::spec_name,
            ),
            (
                orders::spec_value,
                orders::quantity,
                orders::amount_fen,
                orders::delivery_outcome,
                orders::delivery_message,
                orders::confirm_state,
                orders::created_at,
                orders::updated_at,
                orders::paid_at,
            ),
        )
    };
}

macro_rules! delivery_columns {
    () => {
        (
            deliveries::id,
            deliveries::account_id,
            deliveries::order_row_id,
            deliveries::order_id,
            deliveries::unit,
            deliveries::state,
            deliveries::rule_id,
            deliveries::card_id,
            deliveries::message_id,
            deliveries::error,
            deliveries::sends,
            deliveries::created_at,
            deliveries::updated_at,
        )
    };
}

fn record(r: RecordRow) -> Result<OrderRecord, StoreError> {
    let (
        (
            id,
            account,
            order_id,
            cid,
            state,
            bargain,
            item_id,
            item_title,
            buyer_id,
            buyer_name,
            spec_name,
        ),
        (
            spec_value,
            quantity,
            amount_fen,
            outcome,
            message,
            confirm,
            created_at,
            updated_at,
            paid_at,
        ),
    ) = r;
    Ok(OrderRecord {
        id,
        account_id: AccountId(account),
        order_id,
        cid,
        state: parse_state(&state)?,
        bargain,
        item_id,
        item_title,
        buyer_id,
        buyer_name,
        spec: spec(spec_name, spec_value),
        quantity,
        amount_fen,
        delivery_outcome: outcome,
        delivery_message: message,
        confirm_state: confirm,
        created_at,
        updated_at,
        paid_at,
    })
}

fn delivery(r: DeliveryRow, content: Option<String>) -> Result<DeliveryRecord, StoreError> {
    let (
        id,
        account,
        order_row_id,
        order_id,
        unit,
        state,
        rule_id,
        card_id,
        message_id,
        error,
        sends,
        created_at,
        updated_at,
    ) = r;
    Ok(DeliveryRecord {
        id,
        account_id: AccountId(account),
        order_row_id,
        order_id,
        unit,
        state: state
            .parse()
            .map_err(|e: xianyu_domain::PortError| StoreError::Database(e.0))?,
        rule_id,
        card_id,
        content,
        message_id,
        error,
        sends,
        created_at,
        updated_at,
    })
}

/// `orders` joined with the owning account and the order's item (when known).
macro_rules! orders_joined {
    () => {
        orders::table.inner_join(accounts::table).left_join(
            items::table.on(items::account_id
                .eq(orders::account_id)
                .and(items::item_id.nullable().eq(orders::item_id))),
        )
    };
}

impl Store {
    /// Orders of `user`'s accounts, newest first (by creation time, then id), before the cursor
    /// `(created_at, id)` when given. An account filter naming another user's account is
    /// `NotFound`.
    pub fn list_orders(
        &self,
        user: UserId,
        filter: &OrderFilter,
        before: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        if let Some(account) = filter.account {
            self.get_account(user, account)?;
        }
        let (at, id) = before.unwrap_or((i64::MAX, i64::MAX));
        let mut query = orders_joined!()
            .filter(accounts::user_id.eq(user.0))
            .filter(
                orders::created_at
                    .lt(at)
                    .or(orders::created_at.eq(at).and(orders::id.lt(id))),
            )
            .into_boxed();
        if let Some(account) = filter.account {
            query = query.filter(orders::account_id.eq(account.0));
        }
        if let Some(state) = filter.state {
            query = query.filter(orders::state.eq(state.as_str()));
        }
        if let Some(from) = filter.created_from_ms {
            query = query.filter(orders::created_at.ge(from));
        }
        if let Some(to) = filter.created_before_ms {
            query = query.filter(orders::created_at.lt(to));
        }
        if let Some(item) = filter.item_id.clone() {
            query = query.filter(orders::item_id.eq(item));
        }
        if let Some(buyer) = filter.buyer_id.clone() {
            query = query.filter(orders::buyer_id.eq(buyer));
        }
        let mut conn = self.conn()?;
        let rows: Vec<RecordRow> = query
            .order((orders::created_at.desc(), orders::id.desc()))
            .limit(limit)
            .select(record_columns!())
            .load(&mut *conn)?;
        rows.into_iter().map(record).collect()
    }

    /// One order of `user` (by row id) with its history, events and deliveries (with content).
    pub fn get_order(&self, user: UserId, id: i64) -> Result<OrderDetails, StoreError> {
        let mut conn = self.conn()?;
        let (row, history): (RecordRow, String) = orders_joined!()
            .filter(orders::id.eq(id))
            .filter(accounts::user_id.eq(user.0))
            .select((record_columns!(), orders::history))
            .first(&mut *conn)?;
        let events: Vec<(i64, String, String, String, i64)> = order_events::table
            .filter(order_events::order_row_id.eq(id))
            .order(order_events::id.asc())
            .select((
                order_events::id,
                order_events::kind,
                order_events::code,
                order_events::message,
                order_events::at,
            ))
            .load(&mut *conn)?;
        let rows: Vec<(DeliveryRow, Option<String>)> = deliveries::table
            .filter(deliveries::order_row_id.eq(id))
            .order(deliveries::unit.asc())
            .select((delivery_columns!(), deliveries::content))
            .load(&mut *conn)?;
        Ok(OrderDetails {
            order: record(row)?,
            history: parse_history(&history)?,
            events: events
                .into_iter()
                .map(|(id, kind, code, message, at)| OrderEvent {
                    id,
                    kind,
                    code,
                    message,
                    at,
                })
                .collect(),
            deliveries: rows
                .into_iter()
                .map(|(r, content)| delivery(r, content))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Delivery rows of `user`'s accounts, newest first, with ids below `before`; without
    /// their content. An account filter naming another user's account is `NotFound`.
    pub fn list_deliveries(
        &self,
        user: UserId,
        filter: &DeliveryFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        if let Some(account) = filter.account {
            self.get_account(user, account)?;
        }
        let mut query = deliveries::table
            .inner_join(accounts::table.on(accounts::id.eq(deliveries::account_id)))
            .filter(accounts::user_id.eq(user.0))
            .filter(deliveries::id.lt(before.unwrap_or(i64::MAX)))
            .into_boxed();
        if let Some(account) = filter.account {
            query = query.filter(deliveries::account_id.eq(account.0));
        }
        if let Some(state) = filter.state {
            query = query.filter(deliveries::state.eq(state.as_str()));
        }
        let mut conn = self.conn()?;
        let rows: Vec<DeliveryRow> = query
            .order(deliveries::id.desc())
            .limit(limit)
            .select(delivery_columns!())
            .load(&mut *conn)?;
        rows.into_iter().map(|r| delivery(r, None)).collect()
    }
}

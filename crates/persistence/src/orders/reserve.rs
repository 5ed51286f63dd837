//! [`Store::reserve`]: the one transaction that makes automatic delivery exactly-once.
//!
//! Units are claimed by inserting their `deliveries` rows under the unique key (account,
//! order, unit): a unit whose row exists is never claimed again, whoever inserted it. For a
//! stock card the card row is locked first (PostgreSQL; SQLite's `IMMEDIATE` transaction holds
//! the write lock), then the lowest free lines are taken, one per fresh row. Too few free lines
//! roll everything back.

use super::{RowLock, now_ms, write_tx};
use crate::schema::{accounts, card_stock, deliveries, orders};
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::AccountId;
use xianyu_domain::delivery::{
    Card, CardId, CardKind, DeliveryRuleId, DeliveryState, DeliveryUnit, Reservation,
};

/// The columns of a delivery row read by the workflow, in [`UnitRow`] order.
pub(crate) type UnitColumns = (
    deliveries::id,
    deliveries::unit,
    deliveries::state,
    deliveries::content,
    deliveries::card_id,
);

pub(crate) const UNIT_COLUMNS: UnitColumns = (
    deliveries::id,
    deliveries::unit,
    deliveries::state,
    deliveries::content,
    deliveries::card_id,
);

/// A delivery row as the workflow reads it.
#[derive(Debug, Clone, Queryable)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub unit: i32,
    pub state: String,
    pub content: Option<String>,
    pub card_id: Option<i64>,
}

impl UnitRow {
    /// The domain's delivery unit.
    pub(crate) fn unit(self, fresh: bool) -> Result<DeliveryUnit, StoreError> {
        Ok(DeliveryUnit {
            id: self.id,
            unit: u32::try_from(self.unit).unwrap_or(0),
            state: self.state.parse::<DeliveryState>().map_err(|e| {
                StoreError::Database(format!("stored delivery is unreadable: {}", e.0))
            })?,
            content: self.content,
            card_id: self.card_id.map(CardId),
            fresh,
        })
    }
}

/// Why the reservation transaction rolled back.
enum Rollback {
    Store(StoreError),
    OutOfStock { needed: u32, available: u64 },
}

impl From<diesel::result::Error> for Rollback {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

impl From<StoreError> for Rollback {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// See [`OrderBook::reserve_delivery`](xianyu_domain::delivery::OrderBook::reserve_delivery).
    pub(crate) fn reserve(
        &self,
        account: AccountId,
        order_id: &str,
        rule: DeliveryRuleId,
        card: &Card,
        units: u32,
    ) -> Result<Reservation, StoreError> {
        let stock = matches!(card.kind, CardKind::Stock { .. });
        let last_unit = i32::try_from(units)
            .map_err(|_| StoreError::Database(format!("too many units: {units}")))?;
        let now = now_ms();
        let mut conn = self.conn()?;
        let result = write_tx!(&mut *conn, Rollback, |c| {
            let (order_row, owner): (i64, i64) = orders::table
                .inner_join(accounts::table)
                .filter(orders::account_id.eq(account.0))
                .filter(orders::order_id.eq(order_id))
                .select((orders::id, accounts::user_id))
                .first(c)?;
            if owner != card.user_id.0 {
                return Err(Rollback::Store(StoreError::Database(format!(
                    "card {} does not belong to the owner of account {account}",
                    card.id
                ))));
            }
            if stock {
                c.lock_card(card.id.0)?;
            }
            let mut fresh: Vec<i64> = Vec::new();
            for unit in 1..=last_unit {
                let id: Option<i64> = diesel::insert_into(deliveries::table)
                    .values((
                        deliveries::account_id.eq(account.0),
                        deliveries::order_row_id.eq(order_row),
                        deliveries::order_id.eq(order_id),
                        deliveries::unit.eq(unit),
                        deliveries::rule_id.eq(rule.0),
                        deliveries::card_id.eq(card.id.0),
                        deliveries::state.eq(DeliveryState::Reserved.as_str()),
                        deliveries::created_at.eq(now),
                        deliveries::updated_at.eq(now),
                    ))
                    .on_conflict_do_nothing()
                    .returning(deliveries::id)
                    .get_result(c)
                    .optional()?;
                fresh.extend(id);
            }
            let free = card_stock::table
                .filter(card_stock::card_id.eq(card.id.0))
                .filter(card_stock::consumed.eq(false));
            let mut stock_remaining = None;
            if stock {
                let lines: Vec<(i64, String)> = free
                    .order(card_stock::id.asc())
                    .limit(i64::try_from(fresh.len()).unwrap_or(i64::MAX))
                    .select((card_stock::id, card_stock::line))
                    .load(c)?;
                if lines.len() < fresh.len() {
                    return Err(Rollback::OutOfStock {
                        needed: u32::try_from(fresh.len()).unwrap_or(u32::MAX),
                        available: count(free.count().get_result(c)?),
                    });
                }
                for (&delivery, (line_id, line)) in fresh.iter().zip(&lines) {
                    let taken = diesel::update(
                        card_stock::table
                            .filter(card_stock::id.eq(line_id))
                            .filter(card_stock::consumed.eq(false)),
                    )
                    .set((
                        card_stock::consumed.eq(true),
                        card_stock::delivery_id.eq(delivery),
                    ))
                    .execute(c)?;
                    if taken != 1 {
                        return Err(Rollback::Store(StoreError::Conflict("stock line")));
                    }
                    diesel::update(deliveries::table.find(delivery))
                        .set(deliveries::content.eq(line))
                        .execute(c)?;
                }
                stock_remaining = Some(count(free.count().get_result(c)?));
            }
            let rows: Vec<UnitRow> = deliveries::table
                .filter(deliveries::account_id.eq(account.0))
                .filter(deliveries::order_id.eq(order_id))
                .filter(deliveries::unit.le(last_unit))
                .order(deliveries::unit.asc())
                .select(UNIT_COLUMNS)
                .load(c)?;
            let units = rows
                .into_iter()
                .map(|r| {
                    let is_fresh = fresh.contains(&r.id);
                    r.unit(is_fresh)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Reservation::Reserved {
                units,
                stock_remaining,
            })
        });
        match result {
            Ok(r) => Ok(r),
            Err(Rollback::OutOfStock { needed, available }) => {
                Ok(Reservation::OutOfStock { needed, available })
            }
            Err(Rollback::Store(e)) => Err(e),
        }
    }
}

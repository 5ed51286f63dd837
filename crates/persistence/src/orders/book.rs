//! `impl OrderBook for Store`: observing orders through the state machine, order details,
//! delivery outcomes and confirmations, and the start-up sweep of interrupted deliveries.

use super::{ORDER_COLUMNS, OrderRow, RowLock, now_ms, write_tx};
use crate::schema::{accounts, deliveries, items, order_events, orders};
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::delivery::{
    Card, DeliveryInput, DeliveryOutcome, DeliveryRuleId, DeliveryState, DeliveryUnit,
    DeliveryUpdate, Observed, OrderBook, OrderDetail, OrderObservation, Reservation,
};
use xianyu_domain::orders::{IllegalTransition, OrderSignal, OrderState, apply};
use xianyu_domain::{AccountId, PortError, UserId};

/// The error of a delivery row left `reserved` by a process that stopped.
pub const INTERRUPTED_ERROR: &str = "interrupted between reservation and confirmation";

fn port<T>(r: Result<T, StoreError>) -> Result<T, PortError> {
    r.map_err(PortError::from)
}

/// The snake_case name of a signal, as the API spells it.
fn signal_name(signal: OrderSignal) -> String {
    serde_json::to_value(signal)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{signal:?}"))
}

/// Whether a move from `from` to `to` means the buyer has paid (a missed `Paid` signal is
/// implied by a later shipment or completion).
fn becomes_paid(from: OrderState, to: OrderState) -> bool {
    from == OrderState::Placed
        && matches!(
            to,
            OrderState::Paid | OrderState::Shipped | OrderState::Completed
        )
}

/// An order-event row to insert.
type EventValues<'a> = (
    diesel::dsl::Eq<order_events::order_row_id, i64>,
    diesel::dsl::Eq<order_events::kind, &'a str>,
    diesel::dsl::Eq<order_events::code, &'a str>,
    diesel::dsl::Eq<order_events::message, &'a str>,
    diesel::dsl::Eq<order_events::at, i64>,
);

fn event<'a>(row: i64, kind: &'a str, code: &'a str, message: &'a str, at: i64) -> EventValues<'a> {
    (
        order_events::order_row_id.eq(row),
        order_events::kind.eq(kind),
        order_events::code.eq(code),
        order_events::message.eq(message),
        order_events::at.eq(at),
    )
}

impl Store {
    fn observe(&self, o: &OrderObservation) -> Result<Observed, StoreError> {
        let now = now_ms();
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, StoreError, |c| {
            let created = diesel::insert_into(orders::table)
                .values((
                    orders::account_id.eq(o.account.0),
                    orders::order_id.eq(&o.order_id),
                    orders::cid.eq(o.cid.as_deref()),
                    orders::item_id.eq(o.item_id.as_deref()),
                    orders::buyer_id.eq(o.buyer_id.as_deref()),
                    orders::buyer_name.eq(o.buyer_name.as_deref()),
                    orders::state.eq(OrderState::Placed.as_str()),
                    orders::history.eq("[]"),
                    orders::quantity.eq(1),
                    orders::created_at.eq(o.at_ms),
                    orders::updated_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(c)?
                == 1;
            c.lock_order(o.account, &o.order_id)?;
            let mut row: OrderRow = orders::table
                .filter(orders::account_id.eq(o.account.0))
                .filter(orders::order_id.eq(&o.order_id))
                .select(ORDER_COLUMNS)
                .first(c)?;
            let current = row.order()?;
            let refused = match apply(&current, o.signal, o.at_ms) {
                Ok(next) => {
                    let history = serde_json::to_string(&next.history).map_err(|e| {
                        StoreError::Database(format!("cannot encode order history: {e}"))
                    })?;
                    if row.paid_at.is_none() && becomes_paid(current.state, next.state) {
                        row.paid_at = Some(o.at_ms);
                    }
                    row.cid = row.cid.or_else(|| o.cid.clone());
                    row.item_id = row.item_id.or_else(|| o.item_id.clone());
                    row.buyer_id = row.buyer_id.or_else(|| o.buyer_id.clone());
                    row.buyer_name = row.buyer_name.or_else(|| o.buyer_name.clone());
                    row.state = next.state.as_str().to_owned();
                    row.bargain = next.bargain;
                    row.history = history;
                    diesel::update(orders::table.find(row.id))
                        .set((
                            orders::state.eq(&row.state),
                            orders::bargain.eq(row.bargain),
                            orders::history.eq(&row.history),
                            orders::paid_at.eq(row.paid_at),
                            orders::cid.eq(row.cid.as_deref()),
                            orders::item_id.eq(row.item_id.as_deref()),
                            orders::buyer_id.eq(row.buyer_id.as_deref()),
                            orders::buyer_name.eq(row.buyer_name.as_deref()),
                            orders::updated_at.eq(now),
                        ))
                        .execute(c)?;
                    None
                }
                Err(refused) => {
                    let IllegalTransition { from, signal } = refused;
                    let message = format!(
                        "order in state {from} refuses signal {}",
                        signal_name(signal)
                    );
                    diesel::insert_into(order_events::table)
                        .values(event(row.id, "refused", refused.code(), &message, o.at_ms))
                        .execute(c)?;
                    Some(refused)
                }
            };
            Ok(Observed {
                order: row.stored()?,
                created,
                refused,
            })
        })
    }

    fn order_row(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<Option<OrderRow>, StoreError> {
        let mut conn = self.conn()?;
        Ok(orders::table
            .filter(orders::account_id.eq(account.0))
            .filter(orders::order_id.eq(order_id))
            .select(ORDER_COLUMNS)
            .first(&mut *conn)
            .optional()?)
    }

    fn save_detail(
        &self,
        account: AccountId,
        order_id: &str,
        d: &OrderDetail,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, StoreError, |c| {
            c.lock_order(account, order_id)?;
            let row: OrderRow = orders::table
                .filter(orders::account_id.eq(account.0))
                .filter(orders::order_id.eq(order_id))
                .select(ORDER_COLUMNS)
                .first(c)?;
            let (spec_name, spec_value) = match &d.spec {
                Some((n, v)) => (Some(n.clone()), Some(v.clone())),
                None => (row.spec_name, row.spec_value),
            };
            let quantity = d
                .quantity
                .and_then(|q| i32::try_from(q).ok())
                .filter(|q| *q > 0)
                .unwrap_or(row.quantity);
            diesel::update(orders::table.find(row.id))
                .set((
                    orders::spec_name.eq(spec_name),
                    orders::spec_value.eq(spec_value),
                    orders::quantity.eq(quantity),
                    orders::amount_fen.eq(d.amount_fen.or(row.amount_fen)),
                    orders::item_id.eq(d.item_id.clone().or(row.item_id)),
                    orders::buyer_id.eq(d.buyer_id.clone().or(row.buyer_id)),
                    orders::detail_fetched.eq(true),
                    orders::updated_at.eq(now_ms()),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    fn input(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<Option<DeliveryInput>, StoreError> {
        let Some(row) = self.order_row(account, order_id)? else {
            return Ok(None);
        };
        let (user, auto_confirm): (i64, bool) = {
            let mut conn = self.conn()?;
            accounts::table
                .find(account.0)
                .select((accounts::user_id, accounts::auto_confirm))
                .first(&mut *conn)?
        };
        let item = match row.item_id.as_deref() {
            Some(item_id) => self.item_facts(account, item_id)?,
            None => None,
        };
        let (rules, cards) = self.user_rules_and_cards(UserId(user))?;
        Ok(Some(DeliveryInput {
            user_id: UserId(user),
            auto_confirm,
            order: row.stored()?,
            item,
            rules,
            cards,
        }))
    }

    fn deliveries_of(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<Vec<DeliveryUnit>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<super::reserve::UnitRow> = deliveries::table
            .filter(deliveries::account_id.eq(account.0))
            .filter(deliveries::order_id.eq(order_id))
            .order(deliveries::unit.asc())
            .select(super::reserve::UNIT_COLUMNS)
            .load(&mut *conn)?;
        rows.into_iter().map(|r| r.unit(false)).collect()
    }

    fn finish(&self, delivery_id: i64, u: &DeliveryUpdate) -> Result<(), StoreError> {
        let sent = i32::from(u.state == DeliveryState::Sent);
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, StoreError, |c| {
            let target = deliveries::table.find(delivery_id);
            let n = diesel::update(target)
                .set((
                    deliveries::state.eq(u.state.as_str()),
                    deliveries::error.eq(u.error.as_deref()),
                    deliveries::sends.eq(deliveries::sends + sent),
                    deliveries::updated_at.eq(now_ms()),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            if let Some(content) = u.content.as_deref() {
                diesel::update(target)
                    .set(deliveries::content.eq(content))
                    .execute(c)?;
            }
            if let Some(id) = u.message_id.as_deref() {
                diesel::update(target)
                    .set(deliveries::message_id.eq(id))
                    .execute(c)?;
            }
            Ok(())
        })
    }

    /// Sets the order's delivery outcome and/or confirmation state and records an order event,
    /// in one transaction.
    fn order_event(
        &self,
        account: AccountId,
        order_id: &str,
        (kind, code, message): (&str, &str, &str),
        outcome: Option<&str>,
        confirm: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, StoreError, |c| {
            let id: i64 = orders::table
                .filter(orders::account_id.eq(account.0))
                .filter(orders::order_id.eq(order_id))
                .select(orders::id)
                .first(c)?;
            let target = orders::table.find(id);
            if let Some(outcome) = outcome {
                diesel::update(target)
                    .set((
                        orders::delivery_outcome.eq(outcome),
                        orders::delivery_message.eq(message),
                        orders::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
            if let Some(confirm) = confirm {
                diesel::update(target)
                    .set((
                        orders::confirm_state.eq(confirm),
                        orders::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
            diesel::insert_into(order_events::table)
                .values(event(id, kind, code, message, now))
                .execute(c)?;
            Ok(())
        })
    }

    fn interrupted(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn()?;
        let n = diesel::update(
            deliveries::table.filter(deliveries::state.eq(DeliveryState::Reserved.as_str())),
        )
        .set((
            deliveries::state.eq(DeliveryState::Uncertain.as_str()),
            deliveries::error.eq(INTERRUPTED_ERROR),
            deliveries::updated_at.eq(now_ms()),
        ))
        .execute(&mut *conn)?;
        Ok(n as u64)
    }

    fn item_seen(
        &self,
        account: AccountId,
        item_id: &str,
        title: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        let mut conn = self.conn()?;
        crate::connection::with_backend!(&mut *conn, |c| diesel::insert_into(items::table)
            .values((
                items::account_id.eq(account.0),
                items::item_id.eq(item_id),
                items::title.eq(title.unwrap_or("")),
                items::source.eq("chat"),
                items::created_at.eq(now),
                items::updated_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
        if let Some(title) = title {
            diesel::update(
                items::table
                    .filter(items::account_id.eq(account.0))
                    .filter(items::item_id.eq(item_id))
                    .filter(items::title.eq("")),
            )
            .set((items::title.eq(title), items::updated_at.eq(now)))
            .execute(&mut *conn)?;
        }
        Ok(())
    }
}

impl OrderBook for Store {
    fn observe_order(&self, observation: &OrderObservation) -> Result<Observed, PortError> {
        port(self.observe(observation))
    }

    fn latest_order_in_chat(
        &self,
        account: AccountId,
        cid: &str,
    ) -> Result<Option<String>, PortError> {
        let mut conn = port(self.conn())?;
        port(
            orders::table
                .filter(orders::account_id.eq(account.0))
                .filter(orders::cid.eq(cid))
                .order((orders::created_at.desc(), orders::id.desc()))
                .select(orders::order_id)
                .first(&mut *conn)
                .optional()
                .map_err(StoreError::from),
        )
    }

    fn save_order_detail(
        &self,
        account: AccountId,
        order_id: &str,
        detail: &OrderDetail,
    ) -> Result<(), PortError> {
        port(self.save_detail(account, order_id, detail))
    }

    fn delivery_input(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<Option<DeliveryInput>, PortError> {
        port(self.input(account, order_id))
    }

    fn reserve_delivery(
        &self,
        account: AccountId,
        order_id: &str,
        rule: DeliveryRuleId,
        card: &Card,
        units: u32,
    ) -> Result<Reservation, PortError> {
        port(self.reserve(account, order_id, rule, card, units))
    }

    fn order_deliveries(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<Vec<DeliveryUnit>, PortError> {
        port(self.deliveries_of(account, order_id))
    }

    fn finish_delivery(&self, delivery_id: i64, update: &DeliveryUpdate) -> Result<(), PortError> {
        port(self.finish(delivery_id, update))
    }

    fn record_outcome(
        &self,
        account: AccountId,
        order_id: &str,
        outcome: DeliveryOutcome,
        message: &str,
    ) -> Result<(), PortError> {
        let code = outcome.code();
        port(self.order_event(
            account,
            order_id,
            ("delivery", code, message),
            Some(code),
            None,
        ))
    }

    fn record_confirmation(
        &self,
        account: AccountId,
        order_id: &str,
        confirmed: bool,
        message: &str,
    ) -> Result<(), PortError> {
        let state = if confirmed { "confirmed" } else { "failed" };
        port(self.order_event(
            account,
            order_id,
            ("confirm", state, message),
            None,
            Some(state),
        ))
    }

    fn mark_interrupted(&self) -> Result<u64, PortError> {
        port(self.interrupted())
    }

    fn record_item_seen(
        &self,
        account: AccountId,
        item_id: &str,
        title: Option<&str>,
    ) -> Result<(), PortError> {
        port(self.item_seen(account, item_id, title))
    }
}

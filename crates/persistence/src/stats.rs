//! Totals of one Asia/Shanghai day over all of a user's accounts, for the dashboard overview.

use crate::schema::{accounts, auto_replies, chat_messages, deliveries, orders};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use diesel::prelude::*;
use xianyu_domain::UserId;
use xianyu_domain::clock::{DAY_MS, local_day_start_ms};
use xianyu_domain::delivery::DeliveryState;
use xianyu_domain::ports::MessageDirection;

/// What happened on one day across a user's accounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayTotals {
    /// Buyer messages received.
    pub messages_received: u64,
    /// Automatic replies sent (any verdict).
    pub auto_replies: u64,
    /// Orders first seen.
    pub orders_placed: u64,
    /// Orders seen paid.
    pub orders_paid: u64,
    /// Sum of the known amounts of those paid orders, in fen.
    pub paid_amount_fen: i64,
    /// Delivery rows sent.
    pub deliveries_sent: u64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// The totals of Asia/Shanghai day `day` over every account of `user`.
    pub fn day_totals(&self, user: UserId, day: NaiveDate) -> Result<DayTotals, StoreError> {
        let (start, end) = (local_day_start_ms(day), local_day_start_ms(day) + DAY_MS);
        let mine = accounts::table
            .filter(accounts::user_id.eq(user.0))
            .select(accounts::id);
        let mut conn = self.conn()?;
        let messages_received: i64 = chat_messages::table
            .filter(chat_messages::account_id.eq_any(mine))
            .filter(chat_messages::direction.eq(MessageDirection::Buyer.as_str()))
            .filter(chat_messages::at.ge(start))
            .filter(chat_messages::at.lt(end))
            .count()
            .get_result(&mut *conn)?;
        let auto_replies: i64 = auto_replies::table
            .filter(auto_replies::account_id.eq_any(mine))
            .filter(auto_replies::at.ge(start))
            .filter(auto_replies::at.lt(end))
            .count()
            .get_result(&mut *conn)?;
        let orders_placed: i64 = orders::table
            .filter(orders::account_id.eq_any(mine))
            .filter(orders::created_at.ge(start))
            .filter(orders::created_at.lt(end))
            .count()
            .get_result(&mut *conn)?;
        // Amounts are summed here: SUM over BIGINT is NUMERIC on PostgreSQL.
        let paid: Vec<Option<i64>> = orders::table
            .filter(orders::account_id.eq_any(mine))
            .filter(orders::paid_at.ge(start))
            .filter(orders::paid_at.lt(end))
            .select(orders::amount_fen)
            .load(&mut *conn)?;
        let deliveries_sent: i64 = deliveries::table
            .filter(deliveries::account_id.eq_any(mine))
            .filter(deliveries::state.eq(DeliveryState::Sent.as_str()))
            .filter(deliveries::updated_at.ge(start))
            .filter(deliveries::updated_at.lt(end))
            .count()
            .get_result(&mut *conn)?;
        Ok(DayTotals {
            messages_received: count(messages_received),
            auto_replies: count(auto_replies),
            orders_placed: count(orders_placed),
            orders_paid: u64::try_from(paid.len()).unwrap_or(0),
            paid_amount_fen: paid.iter().flatten().sum(),
            deliveries_sent: count(deliveries_sent),
        })
    }
}

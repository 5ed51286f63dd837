//! The per-day summary of an account's orders. Days are Asia/Shanghai calendar days
//! (`xianyu_domain::clock`), the calendar Xianyu sellers work in.

use crate::schema::{deliveries, orders};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use diesel::prelude::*;
use xianyu_domain::clock::{DAY_MS, local_day, local_day_start_ms};
use xianyu_domain::delivery::DeliveryState;
use xianyu_domain::{AccountId, UserId};

/// One Asia/Shanghai day of an account's orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySummary {
    /// The day.
    pub day: NaiveDate,
    /// Orders first seen that day.
    pub placed: u64,
    /// Orders seen paid that day.
    pub paid: u64,
    /// Sum of the known amounts of those paid orders, in fen.
    pub paid_amount_fen: i64,
    /// Delivery rows sent that day.
    pub deliveries_sent: u64,
}

impl Store {
    /// Per Asia/Shanghai day, the `days` days ending with `today` (oldest first): orders first
    /// seen, orders seen paid with their amount, and delivery rows sent, of an account of
    /// `user`.
    pub fn order_summary(
        &self,
        user: UserId,
        account: AccountId,
        days: u32,
        today: NaiveDate,
    ) -> Result<Vec<DaySummary>, StoreError> {
        self.get_account(user, account)?;
        let days = i64::from(days.max(1));
        let start = local_day_start_ms(today) - (days - 1) * DAY_MS;
        let end = local_day_start_ms(today) + DAY_MS;
        let mut out: Vec<DaySummary> = (0..days)
            .map(|i| DaySummary {
                day: local_day(start + i * DAY_MS),
                placed: 0,
                paid: 0,
                paid_amount_fen: 0,
                deliveries_sent: 0,
            })
            .collect();
        let slot = |ms: i64| usize::try_from((ms - start).div_euclid(DAY_MS)).ok();
        let mut conn = self.conn()?;
        let created: Vec<i64> = orders::table
            .filter(orders::account_id.eq(account.0))
            .filter(orders::created_at.ge(start))
            .filter(orders::created_at.lt(end))
            .select(orders::created_at)
            .load(&mut *conn)?;
        for ms in created {
            if let Some(d) = slot(ms).and_then(|i| out.get_mut(i)) {
                d.placed += 1;
            }
        }
        let paid: Vec<(Option<i64>, Option<i64>)> = orders::table
            .filter(orders::account_id.eq(account.0))
            .filter(orders::paid_at.ge(start))
            .filter(orders::paid_at.lt(end))
            .select((orders::paid_at, orders::amount_fen))
            .load(&mut *conn)?;
        for (ms, amount) in paid {
            if let Some(d) = ms.and_then(slot).and_then(|i| out.get_mut(i)) {
                d.paid += 1;
                d.paid_amount_fen += amount.unwrap_or(0);
            }
        }
        let sent: Vec<i64> = deliveries::table
            .filter(deliveries::account_id.eq(account.0))
            .filter(deliveries::state.eq(DeliveryState::Sent.as_str()))
            .filter(deliveries::updated_at.ge(start))
            .filter(deliveries::updated_at.lt(end))
            .select(deliveries::updated_at)
            .load(&mut *conn)?;
        for ms in sent {
            if let Some(d) = slot(ms).and_then(|i| out.get_mut(i)) {
                d.deliveries_sent += 1;
            }
        }
        Ok(out)
    }
}

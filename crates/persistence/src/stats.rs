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

/// The automatic-reply source of a stored decision (from its `decided_by` level).
fn reply_source(decision_json: &str) -> String {
    #[derive(serde::Deserialize)]
    struct DecidedBy {
        decided_by: Option<xianyu_domain::replies::Level>,
    }
    serde_json::from_str::<DecidedBy>(decision_json)
        .ok()
        .and_then(|d| d.decided_by)
        .map_or("unknown", |l| l.source())
        .to_owned()
}

impl Store {
    /// Figures per Asia/Shanghai day from `from` to `to` (inclusive) over `user`'s accounts,
    /// or over one of them; every read is an indexed range.
    pub fn day_stats(
        &self,
        user: UserId,
        account: Option<xianyu_domain::AccountId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<xianyu_domain::stats::DayStats>, StoreError> {
        use crate::schema::order_events;
        use xianyu_domain::stats::{ChatRow, StatsInput, per_day};
        let ids: Vec<i64> = match account {
            Some(a) => vec![self.get_account(user, a)?.id.0],
            None => self.account_ids(user)?.into_iter().map(|a| a.0).collect(),
        };
        let (start, end) = (local_day_start_ms(from), local_day_start_ms(to) + DAY_MS);
        let mut conn = self.conn()?;
        let messages: Vec<(i64, String, String, i64)> = chat_messages::table
            .filter(chat_messages::account_id.eq_any(&ids))
            .filter(chat_messages::at.ge(start))
            .filter(chat_messages::at.lt(end))
            .select((
                chat_messages::account_id,
                chat_messages::cid,
                chat_messages::direction,
                chat_messages::at,
            ))
            .load(&mut *conn)?;
        let replies: Vec<(i64, String)> = auto_replies::table
            .filter(auto_replies::account_id.eq_any(&ids))
            .filter(auto_replies::at.ge(start))
            .filter(auto_replies::at.lt(end))
            .select((auto_replies::at, auto_replies::decision))
            .load(&mut *conn)?;
        let placed: Vec<i64> = orders::table
            .filter(orders::account_id.eq_any(&ids))
            .filter(orders::created_at.ge(start))
            .filter(orders::created_at.lt(end))
            .select(orders::created_at)
            .load(&mut *conn)?;
        let paid: Vec<(Option<i64>, Option<i64>)> = orders::table
            .filter(orders::account_id.eq_any(&ids))
            .filter(orders::paid_at.ge(start))
            .filter(orders::paid_at.lt(end))
            .select((orders::paid_at, orders::amount_fen))
            .load(&mut *conn)?;
        let deliveries: Vec<(i64, String)> = order_events::table
            .inner_join(orders::table.on(orders::id.eq(order_events::order_row_id)))
            .filter(order_events::kind.eq("delivery"))
            .filter(order_events::at.ge(start))
            .filter(order_events::at.lt(end))
            .filter(orders::account_id.eq_any(&ids))
            .select((order_events::at, order_events::code))
            .load(&mut *conn)?;
        // each buyer's first message ever, kept when it falls in the range
        let firsts: Vec<(i64, Option<String>, Option<i64>)> = chat_messages::table
            .filter(chat_messages::account_id.eq_any(&ids))
            .filter(chat_messages::direction.eq(MessageDirection::Buyer.as_str()))
            .group_by((chat_messages::account_id, chat_messages::peer_id))
            .select((
                chat_messages::account_id,
                chat_messages::peer_id,
                diesel::dsl::min(chat_messages::at),
            ))
            .load(&mut *conn)?;
        let input = StatsInput {
            messages: messages
                .into_iter()
                .filter_map(|(account_id, cid, direction, at)| {
                    Some(ChatRow {
                        account_id,
                        cid,
                        direction: MessageDirection::ALL
                            .into_iter()
                            .find(|d| d.as_str() == direction)?,
                        at,
                    })
                })
                .collect(),
            auto_replies: replies
                .into_iter()
                .map(|(at, json)| (at, reply_source(&json)))
                .collect(),
            orders_placed: placed,
            orders_paid: paid
                .into_iter()
                .filter_map(|(at, fen)| Some((at?, fen)))
                .collect(),
            deliveries,
            first_contacts: firsts
                .into_iter()
                .filter_map(|(_, peer, at)| peer.and(at))
                .filter(|at| (start..end).contains(at))
                .collect(),
        };
        Ok(per_day(from, to, &input))
    }
}

//! Statistics per Asia/Shanghai day, as pure functions over rows the store reads with indexed
//! range queries: message counts, automatic replies by source, manual replies, the time from a
//! buyer's message to the first answer (median and p90), orders, revenue, deliveries by outcome
//! and new buyers.

use crate::clock::local_day;
use crate::ports::MessageDirection;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One stored chat message, as the statistics need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRow {
    /// The account.
    pub account_id: i64,
    /// The conversation.
    pub cid: String,
    /// Who wrote it.
    pub direction: MessageDirection,
    /// When (epoch ms).
    pub at: i64,
}

/// What the store read for a range of days.
#[derive(Debug, Clone, Default)]
pub struct StatsInput {
    /// Chat messages in the range, any order.
    pub messages: Vec<ChatRow>,
    /// Automatic replies: when, and the source (`item`, `keyword`, `ai`, `default`).
    pub auto_replies: Vec<(i64, String)>,
    /// When orders were first seen.
    pub orders_placed: Vec<i64>,
    /// When orders were seen paid, with their amount in fen when known.
    pub orders_paid: Vec<(i64, Option<i64>)>,
    /// Delivery outcomes recorded: when, and the outcome code.
    pub deliveries: Vec<(i64, String)>,
    /// When each buyer wrote for the first time ever (per account).
    pub first_contacts: Vec<i64>,
}

/// The figures of one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayStats {
    /// The day.
    pub day: NaiveDate,
    /// Buyer messages received.
    pub buyer_messages: u64,
    /// Automatic replies by source.
    pub auto_replies: BTreeMap<String, u64>,
    /// Messages the seller wrote (phone, web or this dashboard).
    pub manual_replies: u64,
    /// Median time from a buyer's message to the first answer (ms).
    pub response_median_ms: Option<i64>,
    /// 90th percentile of that time (ms).
    pub response_p90_ms: Option<i64>,
    /// Orders first seen.
    pub orders_placed: u64,
    /// Orders seen paid.
    pub orders_paid: u64,
    /// Known amount of those paid orders, in fen.
    pub revenue_fen: i64,
    /// Delivery outcomes by code.
    pub deliveries: BTreeMap<String, u64>,
    /// Buyers who wrote for the first time.
    pub new_buyers: u64,
}

/// Every day from `from` to `to` (inclusive), each with its figures; days outside are ignored.
pub fn per_day(from: NaiveDate, to: NaiveDate, input: &StatsInput) -> Vec<DayStats> {
    let mut days: BTreeMap<NaiveDate, DayStats> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|day| {
            (
                day,
                DayStats {
                    day,
                    ..DayStats::default()
                },
            )
        })
        .collect();
    for m in &input.messages {
        if let Some(d) = days.get_mut(&local_day(m.at)) {
            match m.direction {
                MessageDirection::Buyer => d.buyer_messages += 1,
                MessageDirection::SellerManual | MessageDirection::Dashboard => {
                    d.manual_replies += 1
                }
                _ => {}
            }
        }
    }
    for (ms, source) in &input.auto_replies {
        if let Some(d) = days.get_mut(&local_day(*ms)) {
            *d.auto_replies.entry(source.clone()).or_default() += 1;
        }
    }
    for ms in &input.orders_placed {
        if let Some(d) = days.get_mut(&local_day(*ms)) {
            d.orders_placed += 1;
        }
    }
    for (ms, fen) in &input.orders_paid {
        if let Some(d) = days.get_mut(&local_day(*ms)) {
            d.orders_paid += 1;
            d.revenue_fen += fen.unwrap_or(0);
        }
    }
    for (ms, outcome) in &input.deliveries {
        if let Some(d) = days.get_mut(&local_day(*ms)) {
            *d.deliveries.entry(outcome.clone()).or_default() += 1;
        }
    }
    for ms in &input.first_contacts {
        if let Some(d) = days.get_mut(&local_day(*ms)) {
            d.new_buyers += 1;
        }
    }
    let mut waits: BTreeMap<NaiveDate, Vec<i64>> = BTreeMap::new();
    for (asked_at, ms) in response_times(&input.messages) {
        waits.entry(local_day(asked_at)).or_default().push(ms);
    }
    for (day, mut w) in waits {
        if let Some(d) = days.get_mut(&day) {
            w.sort_unstable();
            d.response_median_ms = percentile(&w, 50);
            d.response_p90_ms = percentile(&w, 90);
        }
    }
    days.into_values().collect()
}

/// For each conversation: the first buyer message after the last answer, and how long until
/// the next answer (automatic or by hand; deliveries and system notices do not count).
/// Returns `(when the buyer asked, wait in ms)`; questions still unanswered are left out.
pub fn response_times(messages: &[ChatRow]) -> Vec<(i64, i64)> {
    let mut sorted: Vec<&ChatRow> = messages.iter().collect();
    sorted.sort_by(|a, b| (a.account_id, &a.cid, a.at).cmp(&(b.account_id, &b.cid, b.at)));
    let mut out = Vec::new();
    let mut waiting: Option<(i64, &str, i64)> = None; // (account, cid, asked at)
    for m in sorted {
        if waiting.is_some_and(|(a, c, _)| a != m.account_id || c != m.cid) {
            waiting = None;
        }
        match m.direction {
            MessageDirection::Buyer => {
                if waiting.is_none() {
                    waiting = Some((m.account_id, m.cid.as_str(), m.at));
                }
            }
            MessageDirection::AutoReply
            | MessageDirection::SellerManual
            | MessageDirection::Dashboard => {
                if let Some((_, _, asked)) = waiting.take() {
                    out.push((asked, m.at - asked));
                }
            }
            MessageDirection::Delivery | MessageDirection::System => {}
        }
    }
    out
}

/// The `p`th percentile (nearest rank) of sorted values; `None` when empty.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::clock::local_day_start_ms;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn row(cid: &str, direction: MessageDirection, at: i64) -> ChatRow {
        ChatRow {
            account_id: 1,
            cid: cid.into(),
            direction,
            at,
        }
    }

    #[test]
    fn the_wait_runs_from_the_first_unanswered_question_to_the_first_answer() {
        use MessageDirection::*;
        let t = 1_000_000;
        let rows = vec![
            row("a", Buyer, t),
            row("a", Buyer, t + 5_000),    // same question, still waiting
            row("a", Delivery, t + 6_000), // not an answer
            row("a", AutoReply, t + 10_000),
            row("a", SellerManual, t + 11_000), // nobody was waiting
            row("b", Buyer, t + 1_000),
            row("b", Dashboard, t + 61_000),
            row("c", Buyer, t + 2_000), // never answered
        ];
        let mut waits = response_times(&rows);
        waits.sort_unstable();
        assert_eq!(waits, vec![(t, 10_000), (t + 1_000, 60_000)]);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!((percentile(&v, 50), percentile(&v, 90)), (Some(5), Some(9)));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn figures_land_on_their_shanghai_day_and_empty_days_are_listed() {
        let d1 = local_day_start_ms(day("2026-12-01"));
        let d2 = local_day_start_ms(day("2026-12-02"));
        let input = StatsInput {
            messages: vec![
                row("a", MessageDirection::Buyer, d1 + 10),
                row("a", MessageDirection::AutoReply, d1 + 2_010),
                row("a", MessageDirection::Buyer, d2 - 1), // last ms of day 1
                row("a", MessageDirection::Dashboard, d2 + 30_000),
            ],
            auto_replies: vec![(d1 + 2_010, "keyword".into())],
            orders_placed: vec![d1 + 5],
            orders_paid: vec![(d2 + 5, Some(990)), (d2 + 6, None)],
            deliveries: vec![
                (d2 + 7, "delivered".into()),
                (d2 + 8, "out_of_stock".into()),
            ],
            first_contacts: vec![d1 + 10, d1 - 1],
        };
        let days = per_day(day("2026-12-01"), day("2026-12-03"), &input);
        assert_eq!(days.len(), 3);
        let (a, b, c) = (&days[0], &days[1], &days[2]);
        assert_eq!(
            (
                a.buyer_messages,
                a.manual_replies,
                a.orders_placed,
                a.new_buyers
            ),
            (2, 0, 1, 1)
        );
        assert_eq!(a.auto_replies.get("keyword"), Some(&1));
        // both waits started on day 1: 2 s, and 30 s + 1 ms across midnight
        assert_eq!(
            (a.response_median_ms, a.response_p90_ms),
            (Some(2_000), Some(30_001))
        );
        assert_eq!(
            (b.manual_replies, b.orders_paid, b.revenue_fen),
            (1, 2, 990)
        );
        assert_eq!(b.deliveries.get("out_of_stock"), Some(&1));
        assert_eq!(
            c,
            &DayStats {
                day: day("2026-12-03"),
                ..DayStats::default()
            }
        );
    }
}

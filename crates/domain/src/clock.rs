//! Sellers' local time: Asia/Shanghai (UTC+8, no daylight saving), the calendar Xianyu sellers
//! work in. Storage keeps UTC epoch milliseconds; these pure conversions give the local time
//! of day (quiet hours, `{time}`), the local calendar day (summaries, filters) and back. Nothing
//! here reads a clock: the caller passes the instant in.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

/// The time zone name shown with local days and times.
pub const TIMEZONE: &str = "Asia/Shanghai";
/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// Asia/Shanghai's offset from UTC, in milliseconds.
const OFFSET_MS: i64 = 8 * 3_600_000;

/// The Asia/Shanghai wall-clock time of an instant (epoch ms); `None` out of chrono's range.
pub fn local_time(ms: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp_millis(ms.checked_add(OFFSET_MS)?).map(|t| t.naive_utc())
}

/// The Asia/Shanghai calendar day of an instant (epoch ms).
pub fn local_day(ms: i64) -> NaiveDate {
    let days = ms.saturating_add(OFFSET_MS).div_euclid(DAY_MS);
    TimeDelta::try_days(days)
        .and_then(|d| NaiveDate::default().checked_add_signed(d))
        .unwrap_or_default()
}

/// The first instant (epoch ms) of an Asia/Shanghai calendar day.
pub fn local_day_start_ms(day: NaiveDate) -> i64 {
    let days = day.signed_duration_since(NaiveDate::default()).num_days();
    days * DAY_MS - OFFSET_MS
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// 2026-11-26 00:00:00 UTC.
    const T0: i64 = 1_795_651_200_000;

    #[test]
    fn local_day_turns_at_shanghai_midnight() {
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 15:59:59.999 UTC is 23:59:59.999 in Shanghai; 16:00 UTC is the next day.
        assert_eq!(local_day(T0 + 16 * 3_600_000 - 1), day("2026-11-26"));
        assert_eq!(local_day(T0 + 16 * 3_600_000), day("2026-11-27"));
        assert_eq!(local_day_start_ms(day("2026-11-27")), T0 + 16 * 3_600_000);
        assert_eq!(
            local_day(local_day_start_ms(day("1969-12-31"))),
            day("1969-12-31")
        );
    }

    #[test]
    fn local_time_is_eight_hours_ahead() {
        let t = local_time(T0).unwrap();
        assert_eq!(t.to_string(), "2026-11-26 08:00:00");
        assert!(local_time(i64::MAX).is_none());
    }
}

//! Which records a query asks for and which records its caller may see: pure predicates over a
//! [`LogRecord`], shared by the ring's queries and the live tail.

use crate::LogRecord;
use std::collections::HashSet;

/// A query's filters; every set field must match.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    /// This level and the more severe ones (`warn` = warn and error).
    pub min_level: Option<log::Level>,
    /// The target starts with this.
    pub target: Option<String>,
    /// The record concerns this account.
    pub account_id: Option<i64>,
    /// The record concerns this user.
    pub user_id: Option<i64>,
    /// Logged at or after (epoch ms).
    pub from_ms: Option<i64>,
    /// Logged before (epoch ms).
    pub to_ms: Option<i64>,
    /// The message contains this, ignoring case.
    pub text: Option<String>,
}

impl LogQuery {
    /// Whether `r` passes every filter.
    pub fn matches(&self, r: &LogRecord) -> bool {
        self.min_level.is_none_or(|l| r.level <= l)
            && self
                .target
                .as_deref()
                .is_none_or(|t| r.target.starts_with(t))
            && self.account_id.is_none_or(|a| r.account_id == Some(a))
            && self.user_id.is_none_or(|u| r.user_id == Some(u))
            && self.from_ms.is_none_or(|f| r.time_ms >= f)
            && self.to_ms.is_none_or(|t| r.time_ms < t)
            && self
                .text
                .as_deref()
                .is_none_or(|q| contains_ignoring_case(&r.message, q))
    }
}

fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    if needle.is_ascii() && haystack.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        return n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// Whose records a caller may read.
#[derive(Debug, Clone)]
pub enum LogScope {
    /// An administrator: everything, including records that concern nobody (start-up,
    /// migrations).
    Everything,
    /// A user: records of their own requests and of the accounts they own.
    Owner {
        /// The user.
        user_id: i64,
        /// The accounts they own.
        accounts: HashSet<i64>,
    },
}

impl LogScope {
    /// Whether the caller may read `r`.
    pub fn allows(&self, r: &LogRecord) -> bool {
        match self {
            Self::Everything => true,
            Self::Owner { user_id, accounts } => {
                r.user_id == Some(*user_id) || r.account_id.is_some_and(|a| accounts.contains(&a))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(level: log::Level, account: Option<i64>, user: Option<i64>, msg: &str) -> LogRecord {
        LogRecord {
            time_ms: 1_000,
            level,
            target: "xianyu_runner::task".into(),
            message: msg.into(),
            account_id: account,
            user_id: user,
        }
    }

    #[test]
    fn level_is_a_minimum_and_text_ignores_case() {
        let q = LogQuery {
            min_level: Some(log::Level::Warn),
            text: Some("OFFLINE".into()),
            ..LogQuery::default()
        };
        assert!(q.matches(&rec(log::Level::Error, None, None, "went offline")));
        assert!(q.matches(&rec(log::Level::Warn, None, None, "账号 Offline 了")));
        assert!(!q.matches(&rec(log::Level::Info, None, None, "went offline")));
        assert!(!q.matches(&rec(log::Level::Warn, None, None, "online")));
        let t = LogQuery {
            target: Some("xianyu_runner".into()),
            from_ms: Some(1_000),
            to_ms: Some(1_001),
            ..LogQuery::default()
        };
        assert!(t.matches(&rec(log::Level::Info, None, None, "")));
    }

    #[test]
    fn a_user_sees_their_accounts_and_requests_never_ownerless_records() {
        let scope = LogScope::Owner {
            user_id: 2,
            accounts: HashSet::from([5]),
        };
        assert!(scope.allows(&rec(log::Level::Info, Some(5), None, "mine")));
        assert!(scope.allows(&rec(log::Level::Info, None, Some(2), "my request")));
        assert!(!scope.allows(&rec(log::Level::Info, Some(6), None, "another's account")));
        assert!(!scope.allows(&rec(log::Level::Info, None, Some(1), "another's request")));
        assert!(!scope.allows(&rec(log::Level::Info, None, None, "server start")));
        assert!(LogScope::Everything.allows(&rec(log::Level::Info, None, None, "server start")));
    }
}

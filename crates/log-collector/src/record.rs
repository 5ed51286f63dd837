//! A log record as the collector keeps it: owned, redacted, with the account and user it
//! concerns as fields.

use log::kv::{Key, Source};
use serde::Serialize;
use std::sync::Arc;

/// One redacted record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogRecord {
    /// When it was logged (epoch ms).
    pub time_ms: i64,
    /// Its level.
    #[serde(serialize_with = "level_name")]
    pub level: log::Level,
    /// The module or `target:` it came from.
    pub target: String,
    /// The message, secrets redacted.
    pub message: String,
    /// The account it concerns (`account = id`).
    pub account_id: Option<i64>,
    /// The user it concerns (`user = id`).
    pub user_id: Option<i64>,
}

fn level_name<S: serde::Serializer>(l: &log::Level, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&l.as_str().to_ascii_lowercase())
}

impl LogRecord {
    /// The collector's copy of a `log` record: message formatted and redacted, fields read.
    pub fn capture(record: &log::Record<'_>, time_ms: i64) -> Self {
        let kv = record.key_values();
        let message = record.args().to_string();
        Self {
            time_ms,
            level: record.level(),
            target: record.target().to_owned(),
            message: crate::redact(&message).into_owned(),
            account_id: int_field(kv, "account"),
            user_id: int_field(kv, "user"),
        }
    }
}

fn int_field(kv: &dyn Source, key: &str) -> Option<i64> {
    kv.get(Key::from_str(key)).and_then(|v| v.to_i64())
}

/// A record with its position in a collector's ring (the cursor of queries).
#[derive(Debug, Clone)]
pub struct Entry {
    /// Increasing within one collector.
    pub id: u64,
    /// The record, shared by every sink.
    pub record: Arc<LogRecord>,
}

//! `xianyu-logs`: the log collector. One `log::Log` implementation, installed once per
//! process by the binary, redacts every record (cookies, tokens, JWTs, API keys) and tees it to
//! the console (env_logger's format and `RUST_LOG` filter), and to every attached
//! [`Collector`]: a bounded in-memory ring that answers queries and feeds live tails (which
//! read it by position), and daily files with retention and a size cap.
//!
//! Records name the account and the user they concern through `log`'s key-values
//! (`info!(account = id; "…")`, `user = id`), so queries never parse message text. Logging never
//! blocks the caller on a slow consumer: a full ring or file queue drops the oldest records
//! and counts them, and a tail that falls a whole ring behind learns how many it missed.
//!
//! It depends on `xianyu-domain` only among internal crates (for the sellers' calendar day).

mod collector;
mod error;
mod files;
mod owners;
mod query;
mod record;
mod redact;
mod ring;

pub use collector::{
    Collector, CollectorConfig, DropCounts, Tail, TailBatch, install, is_installed,
};
pub use error::LogError;
pub use files::{LogFile, file_name, parse_file_name};
pub use query::{LogQuery, LogScope};
pub use record::{Entry, LogRecord};
pub use redact::redact;
pub use ring::LogPage;

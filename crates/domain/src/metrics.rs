//! The port through which the account runner counts what it does, per account, for
//! operations metrics (`/metrics`). The runner only names events; an adapter outside (the API
//! server) turns them into Prometheus series. Counting must be cheap and must never fail or
//! block the caller.

use crate::AccountId;

/// One countable thing an account's connection did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricEvent<'a> {
    /// The live connection ended and will be opened again.
    Reconnect,
    /// A token request finished: `ok`, or the error's code.
    TokenRefresh {
        /// `ok` or a stable error code.
        result: &'a str,
    },
    /// A buyer's (or the seller's phone's) chat message was received.
    MessageIn,
    /// A message was sent through the connection (`accepted`, `rejected`, `unconfirmed`).
    MessageOut {
        /// The server's verdict.
        verdict: &'a str,
    },
    /// An automatic reply was decided (`item`, `keyword`, `ai`, `default`, `none`).
    AutoReply {
        /// The kind of rule that answered ([`crate::Decision::source`]).
        source: &'a str,
    },
    /// An order's delivery ended with this outcome code.
    Delivery {
        /// The outcome's code (`delivered`, `out_of_stock`, …).
        outcome: &'a str,
    },
    /// An mtop call finished.
    Mtop {
        /// The API name, e.g. `mtop.taobao.idlemessage.pc.login.token`.
        api: &'a str,
        /// `ok` or a stable error code.
        result: &'a str,
    },
    /// Goofish's risk control stepped in (`captcha_required`, `session_expired`, …).
    Risk {
        /// What it demanded.
        kind: &'a str,
    },
}

/// Receives the runner's counts.
pub trait Metrics: Send + Sync {
    /// Counts one event of `account`.
    fn record(&self, account: AccountId, event: MetricEvent<'_>);
}

/// Counts nothing (tests, embedders without metrics).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoMetrics;

impl Metrics for NoMetrics {
    fn record(&self, _: AccountId, _: MetricEvent<'_>) {}
}

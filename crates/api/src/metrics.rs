//! `/metrics`: Prometheus series of the server, built with `prometheus-client` (the Prometheus
//! project's Rust client: typed label sets, no global registry, no background thread). The
//! runner's per-account counts arrive through the domain's `Metrics` port; HTTP requests are
//! counted by a middleware under their route pattern (never the raw path); connection states,
//! the database pool and the log collector's drops are read when scraped.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::Mutex;
use xianyu_domain::metrics::{MetricEvent, Metrics};
use xianyu_domain::{AccountId, AccountStatus};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AccountLabels {
    account_id: i64,
}

/// Label sets of an account and one named value (`result`, `verdict`, …).
macro_rules! account_and {
    ($($name:ident { $field:ident }),* $(,)?) => {$(
        #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
        struct $name {
            account_id: i64,
            $field: String,
        }
    )*};
}

account_and! {
    ResultLabels { result },
    VerdictLabels { verdict },
    SourceLabels { source },
    OutcomeLabels { outcome },
    KindLabels { kind },
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    account_id: i64,
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MtopLabels {
    account_id: i64,
    api: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabel {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SinkLabel {
    sink: &'static str,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms … ~4 s
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

/// The server's series; one per server, shared by the runner (as its `Metrics` port), the
/// request middleware and the scrape handler.
pub struct ServerMetrics {
    registry: Registry,
    state: Family<StateLabels, Gauge>,
    reconnects: Family<AccountLabels, Counter>,
    token_refreshes: Family<ResultLabels, Counter>,
    messages_in: Family<AccountLabels, Counter>,
    messages_out: Family<VerdictLabels, Counter>,
    auto_replies: Family<SourceLabels, Counter>,
    deliveries: Family<OutcomeLabels, Counter>,
    mtop_calls: Family<MtopLabels, Counter>,
    risk: Family<KindLabels, Counter>,
    http_requests: Family<HttpLabels, Counter>,
    http_seconds: Family<HttpLabels, Histogram, fn() -> Histogram>,
    db_connections: Family<PoolLabel, Gauge>,
    log_dropped: Family<SinkLabel, Gauge>,
    log_buffered: Gauge,
    /// Serialises scrapes (the state gauges are rebuilt for each).
    scrape: Mutex<()>,
}

impl std::fmt::Debug for ServerMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerMetrics").finish_non_exhaustive()
    }
}

impl Default for ServerMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerMetrics {
    /// Registers every series (names under `xianyu_`).
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("xianyu");
        let m = Self {
            state: Family::default(),
            reconnects: Family::default(),
            token_refreshes: Family::default(),
            messages_in: Family::default(),
            messages_out: Family::default(),
            auto_replies: Family::default(),
            deliveries: Family::default(),
            mtop_calls: Family::default(),
            risk: Family::default(),
            http_requests: Family::default(),
            http_seconds: Family::new_with_constructor(latency_histogram),
            db_connections: Family::default(),
            log_dropped: Family::default(),
            log_buffered: Gauge::default(),
            scrape: Mutex::new(()),
            registry: Registry::default(),
        };
        macro_rules! reg {
            ($($name:literal, $help:literal, $metric:ident;)*) => {
                $( registry.register($name, $help, m.$metric.clone()); )*
            };
        }
        reg! {
            "account_state", "1 for the state each running account's connection is in, 0 for the others", state;
            "account_reconnects", "Reconnect attempts scheduled after a failure or a lost connection", reconnects;
            "account_token_refreshes", "IM token requests by result (ok or an error code)", token_refreshes;
            "account_messages_received", "Chat messages received", messages_in;
            "account_messages_sent", "Messages sent by verdict (accepted, rejected, unconfirmed)", messages_out;
            "account_auto_replies", "Automatic reply decisions by source (item, keyword, ai, default, none)", auto_replies;
            "account_deliveries", "Order deliveries by outcome", deliveries;
            "account_mtop_calls", "Goofish mtop calls by API and result", mtop_calls;
            "account_risk_events", "Risk control steps by kind (captcha_required, session_expired, cookie_invalid)", risk;
            "http_requests", "HTTP requests by route pattern, method and status", http_requests;
            "http_request_duration_seconds", "HTTP request latency by route pattern, method and status", http_seconds;
            "db_pool_connections", "Database pool connections by state (in_use, idle)", db_connections;
            "log_records_dropped", "Log records let go of, by sink (ring_evicted, file, tail), since start", log_dropped;
            "log_records_buffered", "Log records held in memory", log_buffered;
        }
        Self { registry, ..m }
    }

    /// Counts one HTTP request under its route pattern (`/api/v1/accounts/{id}`, or
    /// `unmatched`).
    pub fn http(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let labels = HttpLabels {
            route: route.to_owned(),
            method: method.to_owned(),
            status,
        };
        self.http_requests.get_or_create(&labels).inc();
        self.http_seconds.get_or_create(&labels).observe(seconds);
    }

    /// The exposition text, with the connection states, pool and log figures read now.
    pub fn scrape(
        &self,
        states: &[(AccountId, AccountStatus)],
        pool: (u32, u32),
        logs: &xianyu_logs::Collector,
    ) -> String {
        let _one = self.scrape.lock().unwrap_or_else(|p| p.into_inner());
        self.state.clear();
        for (id, current) in states {
            for s in AccountStatus::ALL {
                let labels = StateLabels {
                    account_id: id.0,
                    state: s.as_str(),
                };
                self.state
                    .get_or_create(&labels)
                    .set(i64::from(s == *current));
            }
        }
        let (open, idle) = pool;
        self.db_connections
            .get_or_create(&PoolLabel { state: "in_use" })
            .set(i64::from(open.saturating_sub(idle)));
        self.db_connections
            .get_or_create(&PoolLabel { state: "idle" })
            .set(i64::from(idle));
        let d = logs.drops();
        for (sink, n) in [
            ("ring_evicted", d.ring_evicted),
            ("file", d.file),
            ("tail", d.tail),
        ] {
            self.log_dropped
                .get_or_create(&SinkLabel { sink })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        self.log_buffered
            .set(i64::try_from(logs.buffered()).unwrap_or(i64::MAX));
        let mut out = String::with_capacity(64 * 1024);
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Metrics for ServerMetrics {
    fn record(&self, account: AccountId, event: MetricEvent<'_>) {
        let account_id = account.0;
        let own = |v: &str| v.to_owned();
        match event {
            MetricEvent::Reconnect => {
                self.reconnects
                    .get_or_create(&AccountLabels { account_id })
                    .inc();
            }
            MetricEvent::TokenRefresh { result } => {
                let l = ResultLabels {
                    account_id,
                    result: own(result),
                };
                self.token_refreshes.get_or_create(&l).inc();
            }
            MetricEvent::MessageIn => {
                self.messages_in
                    .get_or_create(&AccountLabels { account_id })
                    .inc();
            }
            MetricEvent::MessageOut { verdict } => {
                let l = VerdictLabels {
                    account_id,
                    verdict: own(verdict),
                };
                self.messages_out.get_or_create(&l).inc();
            }
            MetricEvent::AutoReply { source } => {
                let l = SourceLabels {
                    account_id,
                    source: own(source),
                };
                self.auto_replies.get_or_create(&l).inc();
            }
            MetricEvent::Delivery { outcome } => {
                let l = OutcomeLabels {
                    account_id,
                    outcome: own(outcome),
                };
                self.deliveries.get_or_create(&l).inc();
            }
            MetricEvent::Mtop { api, result } => {
                let labels = MtopLabels {
                    account_id,
                    api: api.to_owned(),
                    result: result.to_owned(),
                };
                self.mtop_calls.get_or_create(&labels).inc();
            }
            MetricEvent::Risk { kind } => {
                let l = KindLabels {
                    account_id,
                    kind: own(kind),
                };
                self.risk.get_or_create(&l).inc();
            }
        }
    }
}

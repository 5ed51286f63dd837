//! Figures of `/metrics` (not a test): the time to build the exposition for 1,000 accounts,
//! each with the per-account series a day of work leaves (states, token refreshes, messages,
//! replies by source, deliveries, mtop calls), plus 40 HTTP routes.
//!
//! `cargo bench -p xianyu-api --bench metrics`
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;
use xianyu_api::metrics::ServerMetrics;
use xianyu_domain::metrics::{MetricEvent, Metrics};
use xianyu_domain::{AccountId, AccountStatus};

fn main() {
    const ACCOUNTS: i64 = 1_000;
    let m = ServerMetrics::new();
    for a in 1..=ACCOUNTS {
        let id = AccountId(a);
        for e in [
            MetricEvent::Reconnect,
            MetricEvent::TokenRefresh { result: "ok" },
            MetricEvent::MessageIn,
            MetricEvent::MessageOut {
                verdict: "accepted",
            },
            MetricEvent::AutoReply { source: "keyword" },
            MetricEvent::AutoReply { source: "default" },
            MetricEvent::Delivery {
                outcome: "delivered",
            },
            MetricEvent::Mtop {
                api: "mtop.taobao.idlemessage.pc.login.token",
                result: "ok",
            },
            MetricEvent::Mtop {
                api: "mtop.idle.web.xyh.item.list",
                result: "ok",
            },
        ] {
            m.record(id, e);
        }
    }
    for r in 0..40 {
        m.http(&format!("/api/v1/route{r}/{{id}}"), "GET", 200, 0.002);
    }
    let states: Vec<(AccountId, AccountStatus)> = (1..=ACCOUNTS)
        .map(|a| (AccountId(a), AccountStatus::Online))
        .collect();
    let logs = xianyu_logs::Collector::new(xianyu_logs::CollectorConfig::default()).unwrap();
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..20 {
        let start = Instant::now();
        let text = m.scrape(&states, (4, 3), &logs);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        bytes = text.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "scrape of {ACCOUNTS} accounts: median {:.1} ms, worst {:.1} ms, {} KiB of text",
        times[times.len() / 2],
        times[times.len() - 1],
        bytes / 1024
    );
}

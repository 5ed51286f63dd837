//! First-load figures of the dashboard in a cold headless Chromium (not a test; prints
//! numbers). Run by `scripts/bench-dashboard.sh`, which starts a release server and passes
//! `DASHBOARD_URL` and `DASHBOARD_TOKEN` (a logged-in admin with accounts).
//!
//! Per run, a new browser (empty cache and profile) opens the accounts page; the figures are
//! the bytes transferred (Resource Timing `transferSize`, i.e. gzip'd bodies plus headers) of
//! everything the page loaded from the server, and the time from navigation start to the
//! `accounts-ready` mark the page sets when its rows are shown.

use serde_json::{Value, json};
use xianyu_tests::browser::Browser;

const MEASURE: &str = r#"
const nav = performance.getEntriesByType('navigation')[0];
const res = performance.getEntriesByType('resource').filter(r => r.name.startsWith(location.origin));
const ready = performance.getEntriesByName('accounts-ready')[0];
return {
  transfer: (nav ? nav.transferSize : 0) + res.reduce((s, r) => s + r.transferSize, 0),
  decoded: (nav ? nav.decodedBodySize : 0) + res.reduce((s, r) => s + r.decodedBodySize, 0),
  files: res.length + 1,
  assets_transfer: res.filter(r => r.name.includes('/assets/')).reduce((s, r) => s + r.transferSize, 0),
  ready_ms: ready ? ready.startTime : null,
};
"#;

fn main() {
    let (Ok(url), Ok(token)) = (
        std::env::var("DASHBOARD_URL"),
        std::env::var("DASHBOARD_TOKEN"),
    ) else {
        eprintln!("run scripts/bench-dashboard.sh (it sets DASHBOARD_URL and DASHBOARD_TOKEN)");
        return;
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut figures: Vec<Value> = Vec::new();
    rt.block_on(async {
        for _ in 0..runs {
            let Some(b) = Browser::start(&url).await else {
                return;
            };
            // the session token goes in before the dashboard loads (on a non-dashboard page,
            // so the asset cache stays cold)
            b.client
                .goto(&format!("{url}/health"))
                .await
                .expect("health");
            b.client
                .execute(
                    "localStorage.setItem('xy.token', arguments[0]);",
                    vec![json!(token)],
                )
                .await
                .expect("token");
            b.open("/accounts").await;
            b.find("account-row").await;
            b.until(
                "the accounts-ready mark",
                "performance.getEntriesByName('accounts-ready').length",
            )
            .await;
            let v = b.js(MEASURE, vec![]).await;
            if let Ok(extra) = std::env::var("WATERFALL") {
                let js = std::fs::read_to_string(extra).expect("waterfall script");
                let w = b.js(&js, vec![]).await;
                println!("waterfall: {w:#}");
            }
            println!("run: {v}");
            figures.push(v);
            // the same page again with a warm cache, for comparison
            b.client.refresh().await.expect("reload");
            b.find("account-row").await;
            let warm = b
                .until(
                    "the accounts-ready mark after a reload",
                    "performance.getEntriesByName('accounts-ready')[0]?.startTime",
                )
                .await;
            println!("warm reload: ready after {warm} ms");
        }
    });
    if figures.is_empty() {
        return;
    }
    let kb = |v: &Value, k: &str| v[k].as_f64().unwrap_or(0.0) / 1024.0;
    let mut ready: Vec<f64> = figures
        .iter()
        .filter_map(|v| v["ready_ms"].as_f64())
        .collect();
    ready.sort_by(f64::total_cmp);
    let first = &figures[0];
    println!(
        "first load (cold cache): {:.1} KB transferred ({:.1} KB of assets, {} files), {:.1} KB decoded",
        kb(first, "transfer"),
        kb(first, "assets_transfer"),
        first["files"],
        kb(first, "decoded")
    );
    println!(
        "navigation → accounts page with rows, {} cold browsers: median {:.0} ms, min {:.0} ms, max {:.0} ms",
        ready.len(),
        ready.get(ready.len() / 2).copied().unwrap_or_default(),
        ready.first().copied().unwrap_or_default(),
        ready.last().copied().unwrap_or_default()
    );
}

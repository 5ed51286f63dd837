//! Delivery figures (not a test): how long from the buyer's payment until the goods message
//! reaches the simulator, one order at a time, and how many orders per second are delivered
//! when many pay at once from one stock card. SQLite always; PostgreSQL when
//! `TEST_DATABASE_URL` is set. Run: `cargo bench -p xianyu-tests --bench delivery`.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../tests/delivery_support/mod.rs"]
mod delivery_support;

use delivery_support::Shop;
use serde_json::json;
use std::time::{Duration, Instant};
use xianyu_tests::Backend;

const SEQUENTIAL: usize = 30;
const BURST: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn wait_for(shop: &Shop, buyer: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while shop.sent_to(buyer).await.len() < n {
        assert!(
            Instant::now() < deadline,
            "delivery to {buyer} did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn run(backend: Backend) {
    let Some(shop) = Shop::open(backend, "基准测试商品").await else {
        println!("{backend:?}: skipped (TEST_DATABASE_URL is not set)");
        return;
    };
    let lines: Vec<String> = (0..SEQUENTIAL + BURST)
        .map(|i| format!("BENCH-{i:05}"))
        .collect();
    let card = shop.stock_card("基准", &lines, None).await;
    shop.rule(json!({"match_kind": "item_id", "match_value": shop.item, "card_id": card}))
        .await;

    // one order at a time: payment → message at the simulator
    let mut latencies = Vec::new();
    for i in 0..SEQUENTIAL {
        let buyer = format!("23000000{i:05}");
        let order = shop.order(json!({"buyer_id": buyer})).await;
        let t = Instant::now();
        shop.pay(&order).await;
        wait_for(&shop, &buyer, 1).await;
        latencies.push(t.elapsed());
    }
    latencies.sort();
    println!(
        "{backend:?}: paid → delivered, {SEQUENTIAL} orders one at a time: p50 {:?}, p95 {:?}, max {:?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95),
        latencies[latencies.len() - 1]
    );

    // many at once from one stock card
    let mut orders = Vec::new();
    for i in 0..BURST {
        let buyer = format!("24000000{i:05}");
        orders.push((shop.order(json!({"buyer_id": buyer})).await, buyer));
    }
    let t = Instant::now();
    futures_util::future::join_all(orders.iter().map(|(o, _)| shop.pay(o))).await;
    for (_, buyer) in &orders {
        wait_for(&shop, buyer, 1).await;
    }
    let took = t.elapsed();
    println!(
        "{backend:?}: {BURST} orders paid at once: all delivered in {took:?} ({:.0} orders/s)",
        BURST as f64 / took.as_secs_f64()
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        run(Backend::Sqlite).await;
        run(Backend::Postgres).await;
    });
}

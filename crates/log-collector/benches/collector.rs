//! Figures of the collector (not a test): the cost of one `info!` through the installed logger
//! with the console (formatted into a null writer), the ring, a connected live tail and the file
//! sink; then a sustained 10,000 records/s with the RSS growth beside the ring's own size.
//!
//! `cargo bench -p xianyu-logs --bench collector` (`BENCH_SECS` sets the sustained phase, 60 s
//! by default).
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};
use xianyu_logs::{Collector, CollectorConfig};

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    let typical = "connecting -> online after 12 ms";
    let start = Instant::now();
    for _ in 0..1_000_000 {
        std::hint::black_box(xianyu_logs::redact(std::hint::black_box(typical)));
    }
    let jar = "cookie unb=2219000000001; cookie2=abc; _m_h5_tk=x_1";
    let plain = start.elapsed().as_nanos() as f64 / 1e6;
    let start = Instant::now();
    for _ in 0..100_000 {
        std::hint::black_box(xianyu_logs::redact(std::hint::black_box(jar)));
    }
    println!(
        "redaction alone: {plain:.0} ns for a plain message, {:.0} ns for a cookie string",
        start.elapsed().as_nanos() as f64 / 1e5
    );
    let mut console = env_logger::Builder::new();
    console
        .filter_level(log::LevelFilter::Info)
        .format_timestamp_millis()
        .target(env_logger::Target::Pipe(Box::new(std::io::sink())));
    xianyu_logs::install(console).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::new(CollectorConfig {
        dir: Some(dir.path().join("logs")),
        // the cap is not what is measured here
        max_file_bytes: 8 << 30,
        ..CollectorConfig::default()
    })
    .unwrap();
    collector.attach();
    // a live tail that looks every 100 ms, as the dashboard's does
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (c, stop) = (collector.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut tail = c.tail();
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += tail.poll(&c, 100_000).entries.len() as u64;
                std::thread::sleep(Duration::from_millis(100));
            }
            n
        })
    };

    // sustained 10,000 records/s from an empty ring
    let secs: u64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let before = rss_kb();
    let start = Instant::now();
    let mut sent = 0u64;
    let mut full_at = None;
    let mut in_calls = Duration::ZERO;
    while start.elapsed() < Duration::from_secs(secs) {
        let t = Instant::now();
        for _ in 0..100 {
            log::info!(target: "xianyu::http", user = 1; "GET /api/v1/accounts 200 1.20ms record {sent}");
            sent += 1;
        }
        in_calls += t.elapsed();
        if full_at.is_none() && collector.buffered() >= 20_000 {
            full_at = Some(rss_kb());
        }
        let due = Duration::from_micros(sent * 100); // 10,000/s
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    collector.flush();
    let after = rss_kb();
    let full = full_at.unwrap_or(after);
    let page = collector.query(
        &xianyu_logs::LogQuery::default(),
        &xianyu_logs::LogScope::Everything,
        None,
        500,
    );
    let per_record: usize = page
        .entries
        .iter()
        .map(|e| {
            std::mem::size_of::<xianyu_logs::LogRecord>()
                + 16
                + e.record.message.capacity()
                + e.record.target.capacity()
                + 32
        })
        .sum::<usize>()
        / page.entries.len().max(1);
    println!(
        "sustained: {:.0} ns per info! spent in the caller (console + ring + file, a tail polling; 100 at a time)",
        in_calls.as_nanos() as f64 / sent as f64
    );
    println!(
        "sustained: {sent} records in {secs} s at 10,000/s; RSS {before} kB before, {full} kB when the ring was full, {after} kB at the end (+{} kB in all, +{} kB after the ring filled); the ring's {} records ≈ {} kB ({per_record} B each); file records dropped: {}",
        after.saturating_sub(before),
        after.saturating_sub(full),
        collector.buffered(),
        collector.buffered() * per_record / 1024,
        collector.drops().file
    );

    // the cost per record: every sink, then the console alone (collector detached)
    for round in 1..=3 {
        let n = 200_000;
        let start = Instant::now();
        for i in 0..n {
            log::info!(target: "xianyu_runner::task", account = i % 50; "connecting -> online after {i} ms");
        }
        let per = start.elapsed().as_nanos() as f64 / f64::from(n);
        collector.flush();
        println!("round {round}: {per:.0} ns per info! (console + ring + file, a tail polling)");
    }
    let start = Instant::now();
    for i in 0..100_000 {
        log::info!(target: "xianyu::accounts", account = 1; "cookie unb=22190000{i}; cookie2=abc{i}; _m_h5_tk=x_{i}");
    }
    println!(
        "{:.0} ns per info! that carries a cookie string (redacted), all sinks",
        start.elapsed().as_nanos() as f64 / 100_000.0
    );
    collector.flush();
    collector.detach();
    let start = Instant::now();
    for i in 0..200_000 {
        log::info!(target: "xianyu_runner::task", account = i % 50; "connecting -> online after {i} ms");
    }
    println!(
        "{:.0} ns per info! with the console alone (no collector attached)",
        start.elapsed().as_nanos() as f64 / 200_000.0
    );
    println!("drops: {:?}", collector.drops());
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let tailed = reader.join().unwrap();
    println!("the live tail received {tailed} records");
}

//! Load figures of the account runner against a separate `goofish-sim` process (not a test: it
//! prints numbers; `cargo test` does not run it).
//!
//! ```sh
//! cargo build --release -p goofish-sim
//! cargo bench -p xianyu-runner --bench load -- --accounts 1,100,1000 --secs 30
//! ```
//!
//! Options: `--accounts N[,N…]` (default `1,100,1000`), `--secs S` load phase (default 30),
//! `--idle-secs S` idle CPU window (default 15 = one heartbeat period), `--settle-secs S` quiet
//! time between "all online" and the idle measurements (default 12), `--rate R` buyer messages
//! per account per second (default 1), `--warmup S` load seconds left out of the latency
//! figures (default 2), `--sim-bin PATH` (default: `goofish-sim` next to the bench's own
//! profile directory, e.g. `target/release/goofish-sim`; or env `GOOFISH_SIM_BIN`),
//! `--reply-on-event` (diagnostic: reply from `on_event` instead of the debounced hook).
//!
//! Every account count runs in a fresh child process (this binary re-executed with `--child`),
//! so each process's memory and CPU figures are its own; the child starts its own simulator as a
//! separate process, so the measured process holds only the runner (a `Supervisor` with lean
//! in-memory ports, production timings, `debounce_window = 0`, and a handler that replies once
//! to each settled buyer message) plus the load driver, which posts buyer messages through the
//! simulator's control API over HTTP from its own thread and runtime. The driver is idle while
//! CPU is measured idle.
//!
//! Figures: resident memory (`VmRSS`) when all accounts are online and again after the settle
//! time, peak (`VmHWM`); idle CPU of the process in % of one core (`/proc/self/stat` utime +
//! stime over the window); and the push-to-reply latency: from the instant the runner read the
//! push frame carrying a buyer message to the instant the reply frame was written and flushed
//! (taken with `xianyu_runner::set_wire_observer`), percentiles over the load phase minus the
//! warm-up. Also printed: CPU during the load phase of the runner process (driver included), of
//! the simulator and of the whole machine (the machine is shared: a busy machine stretches the
//! latency tail), open sockets and threads.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use xianyu_domain::{AccountId, AccountStatus, RunnableAccount};
use xianyu_runner::{Endpoints, Ports, RunnerConfig, Supervisor};

#[derive(Debug, Clone)]
pub(crate) struct Args {
    pub(crate) accounts: Vec<usize>,
    pub(crate) secs: u64,
    pub(crate) idle_secs: u64,
    pub(crate) settle_secs: u64,
    pub(crate) rate: f64,
    pub(crate) warmup: u64,
    pub(crate) sim_bin: Option<PathBuf>,
    /// Reply from `on_event` instead of the debounced `on_chat_settled` hook (diagnostic).
    pub(crate) reply_on_event: bool,
    pub(crate) child: bool,
    pub(crate) bench: bool,
}

impl Args {
    fn parse() -> Result<Self> {
        let mut a = Args {
            accounts: vec![1, 100, 1000],
            secs: 30,
            idle_secs: 15,
            settle_secs: 12,
            rate: 1.0,
            warmup: 2,
            sim_bin: std::env::var_os("GOOFISH_SIM_BIN").map(PathBuf::from),
            reply_on_event: false,
            child: false,
            bench: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            let mut value = || it.next().ok_or_else(|| anyhow!("{arg} needs a value"));
            match arg.as_str() {
                "--accounts" => {
                    a.accounts = value()?
                        .split(',')
                        .map(|s| s.trim().parse().context("--accounts"))
                        .collect::<Result<_>>()?;
                }
                "--secs" => a.secs = value()?.parse().context("--secs")?,
                "--idle-secs" => a.idle_secs = value()?.parse().context("--idle-secs")?,
                "--settle-secs" => a.settle_secs = value()?.parse().context("--settle-secs")?,
                "--rate" => a.rate = value()?.parse().context("--rate")?,
                "--warmup" => a.warmup = value()?.parse().context("--warmup")?,
                "--sim-bin" => a.sim_bin = Some(PathBuf::from(value()?)),
                "--reply-on-event" => a.reply_on_event = true,
                "--child" => a.child = true,
                // cargo bench passes --bench; anything else cargo may add is ignored too.
                "--bench" => a.bench = true,
                other if other.starts_with("--") => eprintln!("load bench: ignoring {other}"),
                other => bail!("unexpected argument {other:?}"),
            }
        }
        if a.accounts.is_empty() || a.accounts.contains(&0) {
            bail!("--accounts needs positive counts");
        }
        Ok(a)
    }

    fn child_args(&self, n: usize) -> Vec<String> {
        let mut v = vec![
            "--child".to_owned(),
            "--accounts".to_owned(),
            n.to_string(),
            "--secs".to_owned(),
            self.secs.to_string(),
            "--idle-secs".to_owned(),
            self.idle_secs.to_string(),
            "--settle-secs".to_owned(),
            self.settle_secs.to_string(),
            "--rate".to_owned(),
            self.rate.to_string(),
            "--warmup".to_owned(),
            self.warmup.to_string(),
        ];
        if self.reply_on_event {
            v.push("--reply-on-event".to_owned());
        }
        if let Some(p) = &self.sim_bin {
            v.push("--sim-bin".to_owned());
            v.push(p.display().to_string());
        }
        v
    }
}

pub(crate) fn main() -> Result<()> {
    let args = Args::parse()?;
    if args.child {
        let n = args.accounts[0];
        let result = run_child(&args, n)?;
        println!("RESULT {result}");
        return Ok(());
    }
    if !args.bench {
        // `cargo test --benches` runs bench binaries without `--bench`: nothing to do.
        eprintln!("load bench: skipped (run it with `cargo bench --bench load`)");
        return Ok(());
    }
    let exe = std::env::current_exe()?;
    let mut rows = Vec::new();
    for &n in &args.accounts {
        eprintln!("=== {n} account(s)");
        let out = Command::new(&exe)
            .args(args.child_args(n))
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .context("run the child")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout.lines().find_map(|l| l.strip_prefix("RESULT "));
        match (out.status.success(), line) {
            (true, Some(line)) => rows.push(serde_json::from_str::<Value>(line)?),
            _ => {
                eprintln!("{n} account(s): child failed ({})", out.status);
                rows.push(json!({"accounts": n, "failed": true}));
            }
        }
    }
    print_table(&rows);
    Ok(())
}

pub(crate) fn print_table(rows: &[Value]) {
    println!();
    println!(
        "| accounts | all online after | RSS online / settled / peak (MB) | idle CPU % of 1 core: runner (sim, machine) | msgs/s | replies/msgs | p50 ms | p90 ms | p99 ms | max ms | load CPU % runner / sim / machine |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        if r["failed"].as_bool() == Some(true) {
            println!("| {} | failed | | | | | | | | | |", r["accounts"]);
            continue;
        }
        let ms = |k: &str| r["latency_us"][k].as_f64().unwrap_or(f64::NAN) / 1000.0;
        println!(
            "| {} | {:.1} s | {:.1} / {:.1} / {:.1} | {:.2} ({:.1}, {:.0}) | {:.0} | {}/{} | {:.3} | {:.3} | {:.3} | {:.3} | {:.0} / {:.0} / {:.0} |",
            r["accounts"],
            r["online_after_s"].as_f64().unwrap_or(f64::NAN),
            r["rss_online_mb"].as_f64().unwrap_or(f64::NAN),
            r["rss_settled_mb"].as_f64().unwrap_or(f64::NAN),
            r["rss_peak_mb"].as_f64().unwrap_or(f64::NAN),
            r["idle_cpu_pct"].as_f64().unwrap_or(f64::NAN),
            r["sim_idle_cpu_pct"].as_f64().unwrap_or(f64::NAN),
            r["machine_idle_window_cpu_pct"]
                .as_f64()
                .unwrap_or(f64::NAN),
            r["load"]["msgs_per_s"].as_f64().unwrap_or(f64::NAN),
            r["load"]["replies_written"],
            r["load"]["posted"],
            ms("p50"),
            ms("p90"),
            ms("p99"),
            ms("max"),
            r["load"]["cpu_pct"].as_f64().unwrap_or(f64::NAN),
            r["load"]["sim_cpu_pct"].as_f64().unwrap_or(f64::NAN),
            r["load"]["machine_cpu_pct"].as_f64().unwrap_or(f64::NAN),
        );
    }
}

mod harness;
mod procfs;
use harness::*;
use procfs::*;

// One measured run

pub(crate) fn run_child(args: &Args, n: usize) -> Result<Value> {
    let need = 2 * n as u64 + 256;
    if let Some(limit) = max_open_files()
        && limit < need
    {
        bail!(
            "open-file limit {limit} is too low for {n} accounts (need ~{need}): raise `ulimit -n`"
        );
    }
    let hz = clock_ticks_per_s();
    let sim = start_sim(args)?;
    let sim_pid = sim.child.id().to_string();
    let t_setup = Instant::now();
    let accounts = create_accounts(&sim.base, n)?;
    eprintln!(
        "  {n} sim accounts created in {:.1} s",
        t_setup.elapsed().as_secs_f64()
    );

    let probe = Arc::new(Probe::default());
    if !xianyu_runner::set_wire_observer(probe.clone()) {
        bail!("wire observer already installed");
    }
    let ports = Arc::new(LeanPorts::default());
    {
        let mut map = lock(&ports.accounts);
        for (i, a) in accounts.iter().enumerate() {
            let id = AccountId(i as i64 + 1);
            map.insert(
                id,
                RunnableAccount {
                    id,
                    xianyu_user_id: a.unb.clone(),
                    cookie: a.cookie.clone(),
                    pause_minutes: 10,
                },
            );
        }
    }
    let ids: Vec<AccountId> = (1..=n as i64).map(AccountId).collect();
    let endpoints = Endpoints {
        h5api_base: sim.base.clone(),
        ws_url: sim.ws_url.clone(),
        passport_base: sim.base.clone(),
        upload_url: format!("{}/api/upload.api", sim.base),
    };
    let config = RunnerConfig {
        debounce_window: Duration::ZERO,
        ..RunnerConfig::default()
    };
    let replier = Arc::new(Replier {
        on_event: args.reply_on_event,
        ..Replier::default()
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut out = json!({
        "accounts": n,
        "cores": std::thread::available_parallelism()?.get(),
        "reply_hook": if args.reply_on_event { "on_event" } else { "on_chat_settled" },
    });

    rt.block_on(async {
        let start = Instant::now();
        let sup = Supervisor::start(
            Ports {
                accounts: ports.clone(),
                cookies: ports.clone(),
                status: ports.clone(),
                messages: ports.clone(),
                metrics: Arc::new(xianyu_domain::metrics::NoMetrics),
            },
            endpoints,
            config,
            Arc::new(Handler(replier.clone())),
        )
        .await?;
        let online = |sup: &Supervisor| {
            ids.iter()
                .filter(|id| sup.status(**id).map(|s| s.status) == Some(AccountStatus::Online))
                .count()
        };
        let deadline = Instant::now() + Duration::from_secs(120 + n as u64 / 10);
        loop {
            let k = online(&sup);
            if k == n {
                break;
            }
            if Instant::now() > deadline {
                bail!("only {k}/{n} accounts online after {:?}", start.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let online_after = start.elapsed();
        out["online_after_s"] = json!(online_after.as_secs_f64());
        out["rss_online_mb"] = json!(rss_mb());
        out["threads_online"] = json!(threads());
        out["fds_online"] = json!(open_fds());
        eprintln!(
            "  all {n} online after {:.2} s, RSS {:.1} MB, {} threads, {} fds",
            online_after.as_secs_f64(),
            rss_mb(),
            threads(),
            open_fds()
        );

        // Quiet: let startup transients go (tokio's idle blocking threads exit after 10 s).
        tokio::time::sleep(Duration::from_secs(args.settle_secs)).await;
        out["rss_settled_mb"] = json!(rss_mb());
        out["threads_settled"] = json!(threads());
        out["fds_settled"] = json!(open_fds());

        // Idle CPU: no traffic, the driver not started yet.
        let me = CpuMeter::start("self")?;
        let sim_cpu = CpuMeter::start(&sim_pid)?;
        let machine = CpuMeter::start("*")?;
        tokio::time::sleep(Duration::from_secs(args.idle_secs)).await;
        out["idle_cpu_pct"] = json!(me.percent(hz)?);
        out["idle_window_s"] = json!(args.idle_secs);
        out["sim_idle_cpu_pct"] = json!(sim_cpu.percent(hz)?);
        out["machine_idle_window_cpu_pct"] = json!(machine.percent(hz)?);
        out["online_after_idle"] = json!(online(&sup));
        out["rss_after_idle_mb"] = json!(rss_mb());
        eprintln!(
            "  settled RSS {:.1} MB; idle CPU {:.2} % of one core over {} s (sim {:.1} %)",
            out["rss_settled_mb"].as_f64().unwrap_or(f64::NAN),
            out["idle_cpu_pct"].as_f64().unwrap_or(f64::NAN),
            args.idle_secs,
            out["sim_idle_cpu_pct"].as_f64().unwrap_or(f64::NAN),
        );

        // Load.
        let targets: Vec<(String, String)> = accounts
            .iter()
            .map(|a| (a.unb.clone(), a.item.clone()))
            .collect();
        let load_start = Instant::now();
        let me = CpuMeter::start("self")?;
        let sim_cpu = CpuMeter::start(&sim_pid)?;
        let machine = CpuMeter::start("*")?;
        let driver = drive(sim.base.clone(), targets, args.rate, args.secs);
        while !driver.is_finished() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let report = driver.join().map_err(|_| anyhow!("driver panicked"))??;
        let cpu_load = me.percent(hz)?;
        let sim_cpu_load = sim_cpu.percent(hz)?;
        let machine_load = machine.percent(hz)?;
        // Drain: replies to the last messages.
        let drain_deadline = Instant::now() + Duration::from_secs(10);
        while probe.written.load(Ordering::Relaxed) < report.posted
            && Instant::now() < drain_deadline
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let warm = load_start + Duration::from_secs(args.warmup);
        let all: Vec<(Instant, Duration)> = lock(&probe.samples).clone();
        let measured: Vec<Duration> = all
            .iter()
            .filter(|(at, _)| *at >= warm)
            .map(|(_, d)| *d)
            .collect();
        let everything: Vec<Duration> = all.iter().map(|(_, d)| *d).collect();
        out["latency_us"] = percentiles(measured);
        out["latency_incl_warmup_us"] = percentiles(everything);
        out["load"] = json!({
            "secs": args.secs,
            "posted": report.posted,
            "post_errors": report.errors,
            "driver_elapsed_s": report.elapsed.as_secs_f64(),
            "msgs_per_s": report.posted as f64 / report.elapsed.as_secs_f64(),
            "buyer_pushes_read": probe.received.load(Ordering::Relaxed),
            "replies_written": probe.written.load(Ordering::Relaxed),
            "replies_accepted": replier.ok.load(Ordering::Relaxed),
            "replies_failed": replier.failed.load(Ordering::Relaxed),
            "messages_recorded": ports.records.load(Ordering::Relaxed),
            "cpu_pct": cpu_load,
            "sim_cpu_pct": sim_cpu_load,
            // Everything on the machine (all cores, in % of one core): runner + sim + others.
            "machine_cpu_pct": machine_load,
        });
        out["rss_after_load_mb"] = json!(rss_mb());
        out["rss_peak_mb"] = json!(status_kb("VmHWM:").unwrap_or(f64::NAN) / 1024.0);
        out["online_after_load"] = json!(online(&sup));
        eprintln!("  {out}");
        tokio::time::timeout(Duration::from_secs(30), sup.shutdown())
            .await
            .ok();
        Ok(())
    })?;
    drop(sim);
    Ok(out)
}

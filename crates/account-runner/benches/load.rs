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
use goofish_protocol::events::{ChatMessage, Event};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xianyu_domain::{
    AccountId, AccountRuntimeStatus, AccountSource, AccountStatus, CookieSink, MessageDirection,
    MessageLog, MessageRecord, PortError, RunnableAccount, StatusSink,
};
use xianyu_runner::{
    Endpoints, EventContext, EventHandler, HandlerFuture, Origin, Ports, RunnerConfig, SendVerdict,
    Supervisor, WireObserver,
};

#[derive(Debug, Clone)]
struct Args {
    accounts: Vec<usize>,
    secs: u64,
    idle_secs: u64,
    settle_secs: u64,
    rate: f64,
    warmup: u64,
    sim_bin: Option<PathBuf>,
    /// Reply from `on_event` instead of the debounced `on_chat_settled` hook (diagnostic).
    reply_on_event: bool,
    child: bool,
    bench: bool,
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

fn main() -> Result<()> {
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

fn print_table(rows: &[Value]) {
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

// ---------------------------------------------------------------------------------------------
// /proc readings

fn status_kb(field: &str) -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn rss_mb() -> f64 {
    status_kb("VmRSS:").unwrap_or(f64::NAN) / 1024.0
}

fn threads() -> u64 {
    status_kb("Threads:").unwrap_or(0.0) as u64
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: &str) -> Result<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let rest = &s[s.rfind(')').ok_or_else(|| anyhow!("bad stat"))? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the command: field 3 is f[0], utime (14) is f[11], stime (15) is f[12].
    Ok(f[11].parse::<u64>()? + f[12].parse::<u64>()?)
}

fn clock_ticks_per_s() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn max_open_files() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/limits").ok()?;
    s.lines()
        .find(|l| l.starts_with("Max open files"))?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

/// Busy time of the whole machine (all cores, `/proc/stat`), in clock ticks.
fn machine_busy_ticks() -> Result<u64> {
    let s = std::fs::read_to_string("/proc/stat")?;
    let cpu = s
        .lines()
        .next()
        .ok_or_else(|| anyhow!("empty /proc/stat"))?;
    let v: Vec<u64> = cpu
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    Ok(v.iter().take(8).sum::<u64>()
        - v.get(3).copied().unwrap_or(0)
        - v.get(4).copied().unwrap_or(0))
}

/// CPU use of `pid` (or of the whole machine for `"*"`) over a window, in % of one core.
struct CpuMeter {
    pid: String,
    ticks: u64,
    at: Instant,
}

impl CpuMeter {
    fn ticks(pid: &str) -> Result<u64> {
        if pid == "*" {
            machine_busy_ticks()
        } else {
            cpu_ticks(pid)
        }
    }

    fn start(pid: &str) -> Result<Self> {
        Ok(Self {
            pid: pid.to_owned(),
            ticks: Self::ticks(pid)?,
            at: Instant::now(),
        })
    }

    fn percent(&self, hz: f64) -> Result<f64> {
        let used = Self::ticks(&self.pid)?.saturating_sub(self.ticks) as f64 / hz;
        Ok(100.0 * used / self.at.elapsed().as_secs_f64())
    }
}

// ---------------------------------------------------------------------------------------------
// The simulator process

struct Sim {
    child: Child,
    base: String,
    ws_url: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sim_binary(args: &Args) -> Result<PathBuf> {
    if let Some(p) = &args.sim_bin {
        return Ok(p.clone());
    }
    // The bench runs from <target>/<profile>/deps/load-<hash>; the sim is <target>/<profile>.
    let exe = std::env::current_exe()?;
    let candidate = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("goofish-sim"))
        .ok_or_else(|| anyhow!("no profile directory"))?;
    if candidate.is_file() {
        return Ok(candidate);
    }
    bail!(
        "goofish-sim not found at {}: run `cargo build --release -p goofish-sim` first, \
         or pass --sim-bin PATH",
        candidate.display()
    )
}

fn start_sim(args: &Args) -> Result<Sim> {
    let bin = sim_binary(args)?;
    let mut child = Command::new(&bin)
        .args(["--port", "0"])
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("start {}", bin.display()))?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let mut vars = HashMap::new();
    for line in BufReader::new(stdout).lines().take(4) {
        let line = line?;
        if let Some((k, v)) = line.split_once('=') {
            vars.insert(k.to_owned(), v.to_owned());
        }
    }
    let get = |k: &str| {
        vars.get(k)
            .cloned()
            .ok_or_else(|| anyhow!("the simulator did not print {k}"))
    };
    Ok(Sim {
        base: get("XIANYU_GOOFISH_H5API_BASE")?,
        ws_url: get("XIANYU_GOOFISH_WS_URL")?,
        child,
    })
}

// ---------------------------------------------------------------------------------------------
// Lean in-memory ports: what a database would hold, nothing kept per message but dedupe keys.

#[derive(Default)]
struct LeanPorts {
    accounts: Mutex<HashMap<AccountId, RunnableAccount>>,
    seen: Mutex<HashSet<(AccountId, String)>>,
    pauses: Mutex<HashMap<(AccountId, String), i64>>,
    records: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AccountSource for LeanPorts {
    fn enabled_accounts(&self) -> Result<Vec<RunnableAccount>, PortError> {
        let mut v: Vec<_> = lock(&self.accounts).values().cloned().collect();
        v.sort_by_key(|a| a.id);
        Ok(v)
    }
    fn load(&self, id: AccountId) -> Result<Option<RunnableAccount>, PortError> {
        Ok(lock(&self.accounts).get(&id).cloned())
    }
}

impl CookieSink for LeanPorts {
    fn save_cookie(&self, account: AccountId, cookie: &str) -> Result<(), PortError> {
        if let Some(a) = lock(&self.accounts).get_mut(&account) {
            a.cookie = cookie.to_owned();
        }
        Ok(())
    }
}

impl StatusSink for LeanPorts {
    fn record_status(&self, _: AccountId, _: &AccountRuntimeStatus) -> Result<(), PortError> {
        Ok(())
    }
}

impl MessageLog for LeanPorts {
    fn seen_or_insert(&self, account: AccountId, message_id: &str) -> Result<bool, PortError> {
        Ok(!lock(&self.seen).insert((account, message_id.to_owned())))
    }
    fn record_message(&self, _: &MessageRecord) -> Result<(), PortError> {
        self.records.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    fn pause_chat(&self, account: AccountId, cid: &str, until: i64) -> Result<(), PortError> {
        lock(&self.pauses).insert((account, cid.to_owned()), until);
        Ok(())
    }
    fn chat_paused_until(&self, account: AccountId, cid: &str) -> Result<Option<i64>, PortError> {
        Ok(lock(&self.pauses).get(&(account, cid.to_owned())).copied())
    }
}

// ---------------------------------------------------------------------------------------------
// Handler and latency probe

/// Replies once to each buyer message: from the settled hook (default), or straight from
/// `on_event` with `--reply-on-event` (spawned, so the dispatcher does not wait for the verdict).
#[derive(Default)]
struct Replier {
    on_event: bool,
    ok: AtomicU64,
    failed: AtomicU64,
}

impl Replier {
    async fn reply(&self, ctx: EventContext, message: ChatMessage) {
        let sent = ctx
            .sender
            .send_text(
                &message.cid,
                &message.sender_id,
                "好的，马上处理",
                MessageDirection::AutoReply,
            )
            .await;
        match sent {
            Ok(SendVerdict::Accepted { .. }) => self.ok.fetch_add(1, Ordering::Relaxed),
            _ => self.failed.fetch_add(1, Ordering::Relaxed),
        };
    }
}

struct Handler(Arc<Replier>);

impl EventHandler for Handler {
    fn on_event(&self, ctx: EventContext, event: Event) -> HandlerFuture {
        if let (true, Origin::Buyer, Event::Chat(m)) = (self.0.on_event, ctx.origin, event) {
            let r = self.0.clone();
            tokio::spawn(async move { r.reply(ctx, m).await });
        }
        Box::pin(async {})
    }

    fn on_chat_settled(&self, ctx: EventContext, message: ChatMessage) -> HandlerFuture {
        let r = self.0.clone();
        Box::pin(async move {
            if !r.on_event {
                r.reply(ctx, message).await;
            }
        })
    }
}

/// Pairs each buyer push (read instant, per chat) with the next reply frame written to it.
#[derive(Default)]
struct Probe {
    pending: Mutex<HashMap<(AccountId, String), Instant>>,
    samples: Mutex<Vec<(Instant, Duration)>>,
    received: AtomicU64,
    written: AtomicU64,
}

impl WireObserver for Probe {
    fn chat_received(&self, account: AccountId, message: &ChatMessage, read_at: Instant) {
        if message.own {
            return;
        }
        self.received.fetch_add(1, Ordering::Relaxed);
        lock(&self.pending)
            .entry((account, message.cid.clone()))
            .or_insert(read_at);
    }

    fn send_written(&self, account: AccountId, cid: &str, written_at: Instant) {
        self.written.fetch_add(1, Ordering::Relaxed);
        let read_at = lock(&self.pending).remove(&(account, cid.to_owned()));
        if let Some(read_at) = read_at {
            lock(&self.samples).push((read_at, written_at.saturating_duration_since(read_at)));
        }
    }
}

fn percentiles(mut v: Vec<Duration>) -> Value {
    if v.is_empty() {
        return json!({"count": 0});
    }
    v.sort();
    let at = |q: f64| {
        let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        v[i].as_micros() as u64
    };
    json!({
        "count": v.len(),
        "p50": at(0.50),
        "p90": at(0.90),
        "p99": at(0.99),
        "max": v[v.len() - 1].as_micros() as u64,
    })
}

// ---------------------------------------------------------------------------------------------
// Control-API client (driver side)

struct SimAccount {
    unb: String,
    cookie: String,
    item: String,
}

async fn post(http: &reqwest::Client, url: String, body: Value) -> Result<Value> {
    let resp = http.post(url).json(&body).send().await?;
    let status = resp.status();
    let v: Value = resp.json().await?;
    if !status.is_success() {
        bail!("control API {status}: {v}");
    }
    Ok(v)
}

fn driver_runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Creates `n` accounts with one item each (on a throwaway thread and runtime).
fn create_accounts(base: &str, n: usize) -> Result<Vec<SimAccount>> {
    let base = base.to_owned();
    std::thread::spawn(move || -> Result<Vec<SimAccount>> {
        driver_runtime()?.block_on(async move {
            let http = reqwest::Client::new();
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let acc = post(&http, format!("{base}/_sim/accounts"), json!({})).await?;
                let unb = acc["unb"].as_str().ok_or_else(|| anyhow!("no unb"))?;
                let item = post(
                    &http,
                    format!("{base}/_sim/accounts/{unb}/items"),
                    json!({"title": format!("会员卡{i}"), "price_fen": 990}),
                )
                .await?;
                out.push(SimAccount {
                    unb: unb.to_owned(),
                    cookie: acc["cookie"].as_str().unwrap_or_default().to_owned(),
                    item: item["item_id"].as_str().unwrap_or_default().to_owned(),
                });
            }
            Ok(out)
        })
    })
    .join()
    .map_err(|_| anyhow!("setup thread panicked"))?
}

#[derive(Debug, Default)]
struct DriverReport {
    posted: u64,
    errors: u64,
    elapsed: Duration,
}

/// Posts `rate` buyer messages per account per second, evenly spread, for `secs`.
fn drive(
    base: String,
    targets: Vec<(String, String)>,
    rate: f64,
    secs: u64,
) -> std::thread::JoinHandle<Result<DriverReport>> {
    std::thread::spawn(move || {
        driver_runtime()?.block_on(async move {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .timeout(Duration::from_secs(10))
                .build()?;
            let n = targets.len();
            let total = (rate * n as f64 * secs as f64).round() as u64;
            let per_s = rate * n as f64;
            let permits = Arc::new(tokio::sync::Semaphore::new(64));
            let errors = Arc::new(AtomicU64::new(0));
            let start = Instant::now();
            let mut next: u64 = 0;
            let mut tick = tokio::time::interval(Duration::from_millis(5));
            let mut tasks = tokio::task::JoinSet::new();
            while next < total {
                tick.tick().await;
                let due = ((start.elapsed().as_secs_f64() * per_s) as u64 + 1).min(total);
                while next < due {
                    let (unb, item) = &targets[(next % n as u64) as usize];
                    let url = format!("{base}/_sim/accounts/{unb}/buyer-messages");
                    let body = json!({"buyer_id": "2200000000001", "item_id": item,
                        "text": format!("在吗 {next}")});
                    let (http, errors) = (http.clone(), errors.clone());
                    let permit = permits.clone().acquire_owned().await?;
                    tasks.spawn(async move {
                        if post(&http, url, body).await.is_err() {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                        drop(permit);
                    });
                    next += 1;
                }
                while tasks.try_join_next().is_some() {}
            }
            while tasks.join_next().await.is_some() {}
            Ok(DriverReport {
                posted: total,
                errors: errors.load(Ordering::Relaxed),
                elapsed: start.elapsed(),
            })
        })
    })
}

// ---------------------------------------------------------------------------------------------
// One measured run

fn run_child(args: &Args, n: usize) -> Result<Value> {
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

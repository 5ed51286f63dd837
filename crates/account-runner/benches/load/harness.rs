//! Lean in-memory ports, the replying handler with its latency probe, and the control-API driver.

use anyhow::{Result, anyhow, bail};
use goofish_protocol::events::{ChatMessage, Event};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xianyu_domain::{
    AccountId, AccountRuntimeStatus, AccountSource, CookieSink, MessageDirection, MessageLog,
    MessageRecord, PortError, RunnableAccount, StatusSink,
};
use xianyu_runner::{EventContext, EventHandler, HandlerFuture, Origin, SendVerdict, WireObserver};

// ---------------------------------------------------------------------------------------------
// Lean in-memory ports: what a database would hold, nothing kept per message but dedupe keys.

#[derive(Default)]
pub(crate) struct LeanPorts {
    pub(crate) accounts: Mutex<HashMap<AccountId, RunnableAccount>>,
    pub(crate) seen: Mutex<HashSet<(AccountId, String)>>,
    pub(crate) pauses: Mutex<HashMap<(AccountId, String), i64>>,
    pub(crate) records: AtomicU64,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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
pub(crate) struct Replier {
    pub(crate) on_event: bool,
    pub(crate) ok: AtomicU64,
    pub(crate) failed: AtomicU64,
}

impl Replier {
    pub(crate) async fn reply(&self, ctx: EventContext, message: ChatMessage) {
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

pub(crate) struct Handler(pub(crate) Arc<Replier>);

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
pub(crate) struct Probe {
    pub(crate) pending: Mutex<HashMap<(AccountId, String), Instant>>,
    pub(crate) samples: Mutex<Vec<(Instant, Duration)>>,
    pub(crate) received: AtomicU64,
    pub(crate) written: AtomicU64,
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

pub(crate) fn percentiles(mut v: Vec<Duration>) -> Value {
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

pub(crate) struct SimAccount {
    pub(crate) unb: String,
    pub(crate) cookie: String,
    pub(crate) item: String,
}

pub(crate) async fn post(http: &reqwest::Client, url: String, body: Value) -> Result<Value> {
    let resp = http.post(url).json(&body).send().await?;
    let status = resp.status();
    let v: Value = resp.json().await?;
    if !status.is_success() {
        bail!("control API {status}: {v}");
    }
    Ok(v)
}

pub(crate) fn driver_runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Creates `n` accounts with one item each (on a throwaway thread and runtime).
pub(crate) fn create_accounts(base: &str, n: usize) -> Result<Vec<SimAccount>> {
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
pub(crate) struct DriverReport {
    pub(crate) posted: u64,
    pub(crate) errors: u64,
    pub(crate) elapsed: Duration,
}

/// Posts `rate` buyer messages per account per second, evenly spread, for `secs`.
pub(crate) fn drive(
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

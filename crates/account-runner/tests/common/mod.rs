//! Shared test helpers: in-memory ports, a recording handler, simulator setup, polling.
#![allow(clippy::unwrap_used, dead_code)]

use goofish_protocol::events::{ChatMessage, Event};
use goofish_sim::{BuyerMessage, FaultSpec, GoofishSim, NewAccount, NewItem, SimConfig, SimHandle};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xianyu_domain::{
    AccountId, AccountRuntimeStatus, AccountSource, AccountStatus, CookieSink, MessageDirection,
    MessageLog, MessageRecord, PortError, RunnableAccount, StatusSink,
};
use xianyu_runner::{
    Endpoints, EventContext, EventHandler, HandlerFuture, Origin, Ports, RunnerConfig, Supervisor,
};

/// In-memory implementation of every port.
#[derive(Default)]
pub struct Mem {
    pub accounts: Mutex<HashMap<AccountId, (RunnableAccount, bool)>>,
    pub saved_cookies: Mutex<Vec<(AccountId, String)>>,
    pub statuses: Mutex<Vec<(AccountId, AccountRuntimeStatus)>>,
    pub seen: Mutex<HashSet<(AccountId, String)>>,
    pub records: Mutex<Vec<MessageRecord>>,
    pub pauses: Mutex<HashMap<(AccountId, String), i64>>,
}

impl Mem {
    pub fn add(&self, id: i64, unb: &str, cookie: &str, pause_minutes: u16) -> AccountId {
        let id = AccountId(id);
        let acc = RunnableAccount {
            id,
            xianyu_user_id: unb.to_owned(),
            cookie: cookie.to_owned(),
            pause_minutes,
        };
        self.accounts.lock().unwrap().insert(id, (acc, true));
        id
    }
    pub fn set_enabled(&self, id: AccountId, enabled: bool) {
        if let Some(a) = self.accounts.lock().unwrap().get_mut(&id) {
            a.1 = enabled;
        }
    }
    pub fn set_cookie(&self, id: AccountId, cookie: &str) {
        if let Some(a) = self.accounts.lock().unwrap().get_mut(&id) {
            a.0.cookie = cookie.to_owned();
        }
    }
    pub fn cookie(&self, id: AccountId) -> String {
        self.accounts.lock().unwrap()[&id].0.cookie.clone()
    }
    pub fn status_history(&self, id: AccountId) -> Vec<AccountStatus> {
        self.statuses
            .lock()
            .unwrap()
            .iter()
            .filter(|(a, _)| *a == id)
            .map(|(_, s)| s.status)
            .collect()
    }
    pub fn last_status(&self, id: AccountId) -> Option<AccountRuntimeStatus> {
        self.statuses
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|(a, _)| *a == id)
            .map(|(_, s)| s.clone())
    }
    pub fn records_of(&self, dir: MessageDirection) -> Vec<MessageRecord> {
        self.records
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.direction == dir)
            .cloned()
            .collect()
    }
}

impl AccountSource for Mem {
    fn enabled_accounts(&self) -> Result<Vec<RunnableAccount>, PortError> {
        let mut v: Vec<_> = self
            .accounts
            .lock()
            .unwrap()
            .values()
            .filter(|(_, e)| *e)
            .map(|(a, _)| a.clone())
            .collect();
        v.sort_by_key(|a| a.id);
        Ok(v)
    }
    fn load(&self, id: AccountId) -> Result<Option<RunnableAccount>, PortError> {
        Ok(self
            .accounts
            .lock()
            .unwrap()
            .get(&id)
            .filter(|(_, e)| *e)
            .map(|(a, _)| a.clone()))
    }
}

impl CookieSink for Mem {
    fn save_cookie(&self, account: AccountId, cookie: &str) -> Result<(), PortError> {
        self.saved_cookies
            .lock()
            .unwrap()
            .push((account, cookie.to_owned()));
        self.set_cookie(account, cookie);
        Ok(())
    }
}

impl StatusSink for Mem {
    fn record_status(
        &self,
        account: AccountId,
        status: &AccountRuntimeStatus,
    ) -> Result<(), PortError> {
        self.statuses
            .lock()
            .unwrap()
            .push((account, status.clone()));
        Ok(())
    }
}

impl MessageLog for Mem {
    fn seen_or_insert(&self, account: AccountId, message_id: &str) -> Result<bool, PortError> {
        Ok(!self
            .seen
            .lock()
            .unwrap()
            .insert((account, message_id.to_owned())))
    }
    fn record_message(&self, record: &MessageRecord) -> Result<(), PortError> {
        self.records.lock().unwrap().push(record.clone());
        Ok(())
    }
    fn pause_chat(&self, account: AccountId, cid: &str, until: i64) -> Result<(), PortError> {
        self.pauses
            .lock()
            .unwrap()
            .insert((account, cid.to_owned()), until);
        Ok(())
    }
    fn chat_paused_until(&self, account: AccountId, cid: &str) -> Result<Option<i64>, PortError> {
        Ok(self
            .pauses
            .lock()
            .unwrap()
            .get(&(account, cid.to_owned()))
            .copied())
    }
}

/// Records every dispatched event; optionally auto-replies to settled chats.
#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<(Origin, Event)>>,
    pub settled: Mutex<Vec<ChatMessage>>,
    pub auto_reply: bool,
}

impl Recorder {
    pub fn chats(&self, origin: Origin) -> Vec<ChatMessage> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|(o, _)| *o == origin)
            .filter_map(|(_, e)| match e {
                Event::Chat(m) => Some(m.clone()),
                _ => None,
            })
            .collect()
    }
    pub fn count(&self, pred: impl Fn(&Origin, &Event) -> bool) -> usize {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|(o, e)| pred(o, e))
            .count()
    }
    pub fn settled_texts(&self) -> Vec<String> {
        self.settled
            .lock()
            .unwrap()
            .iter()
            .map(|m| m.text.clone())
            .collect()
    }
}

/// The handler wrapper (the runner needs `Arc<dyn EventHandler>`; tests keep the `Arc<Recorder>`).
pub struct Handler(pub Arc<Recorder>);

impl EventHandler for Handler {
    fn on_event(&self, ctx: EventContext, event: Event) -> HandlerFuture {
        self.0.events.lock().unwrap().push((ctx.origin, event));
        Box::pin(async {})
    }
    fn on_chat_settled(&self, ctx: EventContext, message: ChatMessage) -> HandlerFuture {
        let rec = self.0.clone();
        Box::pin(async move {
            rec.settled.lock().unwrap().push(message.clone());
            if rec.auto_reply {
                let reply = format!("自动回复：{}", message.text);
                let _ = ctx
                    .sender
                    .send_text(
                        &message.cid,
                        &message.sender_id,
                        &reply,
                        MessageDirection::AutoReply,
                    )
                    .await;
            }
        })
    }
}

/// Short timings for tests.
pub fn fast_config() -> RunnerConfig {
    RunnerConfig {
        heartbeat_interval: Duration::from_millis(200),
        silence_timeout: Duration::from_millis(1000),
        backoff_base: Duration::from_millis(50),
        backoff_cap: Duration::from_secs(1),
        backoff_jitter: 0.3,
        token_refresh_interval: Duration::from_secs(3600),
        fast_close_threshold: Duration::from_millis(800),
        debounce_window: Duration::from_millis(300),
        reg_wait: Duration::from_millis(1500),
        send_timeout: Duration::from_secs(3),
        http_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(5),
        echo_window: Duration::from_secs(60),
        catchup_max_age: Duration::from_secs(30 * 60),
        catchup_lookback: Duration::from_secs(24 * 3600),
        catchup_delay: Duration::from_millis(50),
    }
}

pub fn endpoints(sim: &SimHandle) -> Endpoints {
    Endpoints {
        h5api_base: sim.h5api_base(),
        ws_url: sim.ws_url(),
        passport_base: sim.passport_base(),
        upload_url: sim.upload_url(),
    }
}

/// One simulator, one seller account with an item, in-memory ports, a recorder.
pub struct Env {
    pub sim: SimHandle,
    pub mem: Arc<Mem>,
    pub rec: Arc<Recorder>,
    pub unb: String,
    pub id: AccountId,
    pub item: String,
    pub cfg: RunnerConfig,
}

pub const UNB: &str = "2219000000001";
pub const BUYER: &str = "2200000000001";

impl Env {
    /// Creates the sim and the account; `without_tk` starts it without `_m_h5_tk` (F2).
    pub fn new(without_tk: bool, auto_reply: bool) -> Env {
        Self::with(SimConfig::default(), without_tk, auto_reply, fast_config())
    }

    pub fn with(sim_cfg: SimConfig, without_tk: bool, auto_reply: bool, cfg: RunnerConfig) -> Env {
        let _ = env_logger::builder().is_test(true).try_init();
        let sim = GoofishSim::start(sim_cfg).unwrap();
        let st = sim.state();
        let (unb, cookie) = st
            .create_account(NewAccount {
                unb: Some(UNB.into()),
                nick: None,
                without_m_h5_tk: without_tk,
            })
            .unwrap();
        let item = st
            .add_item(
                &unb,
                NewItem {
                    title: "会员卡".into(),
                    price_fen: 990,
                    description: None,
                    skus: vec![],
                },
            )
            .unwrap();
        let mem = Arc::new(Mem::default());
        let id = mem.add(1, &unb, &cookie, 10);
        let rec = Arc::new(Recorder {
            auto_reply,
            ..Default::default()
        });
        Env {
            sim,
            mem,
            rec,
            unb,
            id,
            item,
            cfg,
        }
    }

    pub fn ports(&self) -> Ports {
        Ports {
            accounts: self.mem.clone(),
            cookies: self.mem.clone(),
            status: self.mem.clone(),
            messages: self.mem.clone(),
            metrics: Arc::new(xianyu_domain::metrics::NoMetrics),
        }
    }

    pub async fn start(&self) -> Supervisor {
        Supervisor::start(
            self.ports(),
            endpoints(&self.sim),
            self.cfg.clone(),
            Arc::new(Handler(self.rec.clone())),
        )
        .await
        .unwrap()
    }

    pub fn fault(&self, kind: &str, f: impl FnOnce(&mut FaultSpec)) {
        let mut spec = FaultSpec {
            unb: Some(self.unb.clone()),
            kind: kind.into(),
            ..Default::default()
        };
        f(&mut spec);
        self.sim.state().apply_fault(spec).unwrap();
    }

    /// A buyer text; returns `(cid, server message id)`.
    pub fn buyer_says(&self, text: &str) -> (String, String) {
        self.buyer_says_as(BUYER, text)
    }

    /// A text from the buyer `buyer` (each buyer has a chat of its own).
    pub fn buyer_says_as(&self, buyer: &str, text: &str) -> (String, String) {
        self.sim
            .state()
            .buyer_message(
                &self.unb,
                BuyerMessage {
                    buyer_id: Some(buyer.into()),
                    buyer_name: None,
                    item_id: self.item.clone(),
                    text: Some(text.into()),
                    image: None,
                },
            )
            .unwrap()
    }

    pub fn summary(&self) -> Value {
        self.sim.state().account_summary(&self.unb).unwrap()
    }

    pub fn live_sessions(&self) -> u64 {
        self.summary()["live_ws_sessions"].as_u64().unwrap()
    }

    pub fn connection_attempts(&self) -> u64 {
        self.summary()["connection_attempts"].as_u64().unwrap()
    }

    pub fn token_calls(&self) -> u64 {
        self.summary()["mtop_calls"]["mtop.taobao.idlemessage.pc.login.token"]
            .as_u64()
            .unwrap_or(0)
    }

    pub fn registrations(&self) -> u64 {
        self.sim.state().stats().registrations
    }

    pub async fn wait_online(&self, sup: &Supervisor, within: Duration) {
        let id = self.id;
        wait_for("account online", within, || {
            sup.status(id).map(|s| s.status) == Some(AccountStatus::Online)
                && self.live_sessions() == 1
        })
        .await;
    }
}

/// Polls `cond` every 20 ms until it holds; panics with `what` after `within`.
pub async fn wait_for(what: &str, within: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    loop {
        if cond() {
            return;
        }
        if Instant::now() > deadline {
            panic!("timed out after {within:?} waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs `f` and asserts `inv` at every poll for `during`.
pub async fn hold_for(what: &str, during: Duration, mut inv: impl FnMut() -> bool) {
    let deadline = Instant::now() + during;
    while Instant::now() < deadline {
        assert!(inv(), "invariant broken: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Awaits a future with a test deadline.
pub async fn within<T>(what: &str, d: Duration, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(d, f)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

/// Now as Unix epoch ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

//! Soak: 50 accounts on one in-process simulator while sockets are dropped at random.
//!
//! Run: `cargo test -p xianyu-runner --test soak -- --ignored --nocapture` (`SOAK_SECS`, default
//! 60, is the length of the fault phase; `SOAK_SEED` makes a run repeatable).
//!
//! What the soak test guarantees, after ~`SOAK_SECS` of buyer messages and random
//! `drop_socket` faults (modes `rst`, `close`, `half_open`) across 50 accounts, one of them in
//! five also under `duplicate_push` (every chat push sent twice with a new mid):
//!
//! - every account is `online` again, with exactly one live socket at the simulator;
//! - every buyer message injected through the simulator reached the handler exactly once
//!   (`on_event`, origin buyer, by account and server message id), settled exactly once, and
//!   got exactly one reply at the simulator; no other buyer message was seen;
//! - no own echo was mistaken for a manual takeover (no chat was paused);
//! - every reply send was accepted (no `NotConnected`, no rejection, no timeout).
//!
//! Which messages the protocol can lose, and how the runner and the driver deal with it: the
//! server pushes a message once to the sessions that are live at that moment and does not push
//! it again after a reconnect (spec §3.11). So:
//! - messages injected while an account has no live session (its socket just dropped, half
//!   open, or reconnecting) reach the runner only through its catch-up listing after the next
//!   registration, and the driver injects exactly there on purpose (right after most drops);
//! - a socket is only dropped while its account has no outstanding message (every message
//!   injected into it has been answered at the simulator), because a push in flight on a
//!   dying socket, or a reply whose socket dies before the verdict, has no defined outcome.
//!
//! Messages are spread over three chats per account with at most one outstanding message per
//! chat, so the per-chat debounce never merges two of them.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod wire;

use common::{Mem, endpoints, fast_config, wait_for};
use goofish_protocol::events::{ChatMessage, Event};
use goofish_sim::{
    BuyerMessage, DropMode, FaultSpec, GoofishSim, NewAccount, NewItem, SimConfig, SimHandle,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xianyu_domain::{AccountId, AccountStatus, MessageDirection};
use xianyu_runner::{
    EventContext, EventHandler, HandlerFuture, Origin, Ports, SendVerdict, Supervisor,
};

const ACCOUNTS: usize = 50;
const CHATS: usize = 3;
/// Driver tick.
const TICK: Duration = Duration::from_millis(25);
/// Probability per tick of a drop attempt.
const DROP_P: f64 = 0.25;
/// Probability of injecting into the just-dropped account (its catch-up path).
const INJECT_AFTER_DROP_P: f64 = 0.7;
/// Buyer messages injected per tick (into random free chats).
const INJECT_PER_TICK: usize = 1;
/// Bound of the recovery phase after the faults stop.
const RECOVERY: Duration = Duration::from_secs(30);

type Key = (AccountId, String);

/// Counts what the runner handed to the handler and replies to each settled message.
#[derive(Default)]
struct Soak {
    /// `on_event` buyer chats by (account, server message id).
    seen: Mutex<HashMap<Key, u32>>,
    /// `on_chat_settled` by (account, server message id).
    settled: Mutex<HashMap<Key, u32>>,
    /// Accepted replies by (account, message id answered).
    replied: Mutex<HashMap<Key, u32>>,
    /// Failed replies (error or rejection).
    failures: Mutex<Vec<String>>,
    /// Own messages classified as manual takeovers.
    takeovers: Mutex<Vec<Key>>,
}

struct Handler(Arc<Soak>);

fn bump(map: &Mutex<HashMap<Key, u32>>, key: Key) {
    *map.lock().unwrap().entry(key).or_insert(0) += 1;
}

impl EventHandler for Handler {
    fn on_event(&self, ctx: EventContext, event: Event) -> HandlerFuture {
        if let Event::Chat(m) = &event {
            match ctx.origin {
                Origin::Buyer => bump(&self.0.seen, (ctx.account, m.message_id.clone())),
                Origin::ManualSeller => self
                    .0
                    .takeovers
                    .lock()
                    .unwrap()
                    .push((ctx.account, m.message_id.clone())),
                _ => {}
            }
        }
        Box::pin(async {})
    }

    fn on_chat_settled(&self, ctx: EventContext, message: ChatMessage) -> HandlerFuture {
        let soak = self.0.clone();
        Box::pin(async move {
            let key = (ctx.account, message.message_id.clone());
            bump(&soak.settled, key.clone());
            let text = reply_text(&message.message_id);
            let sent = ctx
                .sender
                .send_text(
                    &message.cid,
                    &message.sender_id,
                    &text,
                    MessageDirection::AutoReply,
                )
                .await;
            match sent {
                Ok(SendVerdict::Accepted { .. }) => bump(&soak.replied, key),
                other => soak.failures.lock().unwrap().push(format!(
                    "account {} message {}: {other:?}",
                    ctx.account, message.message_id
                )),
            }
        })
    }
}

fn reply_text(message_id: &str) -> String {
    format!("re:{message_id}")
}

struct Account {
    id: AccountId,
    unb: String,
    item: String,
    buyers: [String; CHATS],
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn setup(sim: &SimHandle, mem: &Mem) -> Vec<Account> {
    let st = sim.state();
    (0..ACCOUNTS)
        .map(|i| {
            let (unb, cookie) = st
                .create_account(NewAccount {
                    unb: None,
                    nick: None,
                    without_m_h5_tk: false,
                })
                .unwrap();
            let item = st
                .add_item(
                    &unb,
                    NewItem {
                        title: format!("商品{i}"),
                        price_fen: 100,
                        description: None,
                        skus: vec![],
                    },
                )
                .unwrap();
            let id = mem.add(i as i64 + 1, &unb, &cookie, 10);
            let buyers = std::array::from_fn(|c| format!("22000{i:05}{c:03}"));
            Account {
                id,
                unb,
                item,
                buyers,
            }
        })
        .collect()
}

fn fault(
    sim: &SimHandle,
    unb: Option<&str>,
    kind: &str,
    f: impl FnOnce(&mut FaultSpec),
) -> serde_json::Value {
    let mut spec = FaultSpec {
        unb: unb.map(str::to_owned),
        kind: kind.into(),
        ..Default::default()
    };
    f(&mut spec);
    sim.state().apply_fault(spec).unwrap()
}

fn live_sessions(sim: &SimHandle, unb: &str) -> u64 {
    sim.state().account_summary(unb).unwrap()["live_ws_sessions"]
        .as_u64()
        .unwrap()
}

/// The driver's bookkeeping.
#[derive(Default)]
struct Driver {
    /// Every injected message: (account index, server message id).
    injected: Vec<(usize, String)>,
    /// Outstanding message per (account index, chat).
    outstanding: HashMap<(usize, usize), String>,
    /// Drops that hit a live socket, by mode.
    drops: BTreeMap<&'static str, u32>,
    /// Drop attempts that found no socket (the account was reconnecting).
    idle_drops: u32,
    injected_after_drop: u32,
}

impl Driver {
    fn inject(&mut self, sim: &SimHandle, accounts: &[Account], a: usize, chat: usize) {
        let acc = &accounts[a];
        let n = self.injected.len();
        let (_, pnm) = sim
            .state()
            .buyer_message(
                &acc.unb,
                BuyerMessage {
                    buyer_id: Some(acc.buyers[chat].clone()),
                    buyer_name: None,
                    item_id: acc.item.clone(),
                    text: Some(format!("soak {n}")),
                    image: None,
                },
            )
            .unwrap();
        self.outstanding.insert((a, chat), pnm.clone());
        self.injected.push((a, pnm));
    }

    fn busy(&self, a: usize) -> bool {
        (0..CHATS).any(|c| self.outstanding.contains_key(&(a, c)))
    }

    /// Forgets outstanding messages that have been answered.
    fn settle(&mut self, accounts: &[Account], soak: &Soak) {
        let replied = soak.replied.lock().unwrap();
        self.outstanding
            .retain(|(a, _), pnm| !replied.contains_key(&(accounts[*a].id, pnm.clone())));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak: run with --ignored (CI does, bounded to 2 min)"]
async fn soak_50_accounts_random_drops_every_message_handled_exactly_once() {
    let _ = env_logger::builder().is_test(true).try_init();
    let secs = env_u64("SOAK_SECS").unwrap_or(60);
    let seed = env_u64("SOAK_SEED").unwrap_or_else(rand::random);
    eprintln!("soak: {ACCOUNTS} accounts, {secs} s of faults, SOAK_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();

    let sim = GoofishSim::start(SimConfig::default()).unwrap();
    let mem = Arc::new(Mem::default());
    let accounts = setup(&sim, &mem);
    for acc in accounts.iter().step_by(5) {
        fault(&sim, Some(&acc.unb), "duplicate_push", |_| {});
    }
    let mut cfg = fast_config();
    cfg.debounce_window = Duration::from_millis(50);
    let soak = Arc::new(Soak::default());
    let ports = Ports {
        accounts: mem.clone(),
        cookies: mem.clone(),
        status: mem.clone(),
        messages: mem.clone(),
        metrics: Arc::new(xianyu_domain::metrics::NoMetrics),
    };
    let sup = Supervisor::start(ports, endpoints(&sim), cfg, Arc::new(Handler(soak.clone())))
        .await
        .unwrap();
    let all_online = |sup: &Supervisor| {
        accounts.iter().all(|a| {
            sup.status(a.id).map(|s| s.status) == Some(AccountStatus::Online)
                && live_sessions(&sim, &a.unb) == 1
        })
    };
    wait_for("all accounts online", Duration::from_secs(20), || {
        all_online(&sup)
    })
    .await;
    let regs_before = sim.state().stats().registrations;
    eprintln!("soak: all online after {:?}", started.elapsed());

    // Fault phase.
    let mut d = Driver::default();
    let modes = [
        ("rst", DropMode::Rst),
        ("close", DropMode::Close),
        ("half_open", DropMode::HalfOpen),
    ];
    let phase_end = Instant::now() + Duration::from_secs(secs);
    let mut ticker = tokio::time::interval(TICK);
    while Instant::now() < phase_end {
        ticker.tick().await;
        d.settle(&accounts, &soak);
        if rng.random_bool(DROP_P) {
            let a = rng.random_range(0..ACCOUNTS);
            if !d.busy(a) {
                let (name, mode) = modes[rng.random_range(0..modes.len())];
                let answer = fault(&sim, Some(&accounts[a].unb), "drop_socket", |f| {
                    f.mode = Some(mode)
                });
                let hit = answer["details"][0]["dropped"]
                    .as_array()
                    .is_some_and(|v| !v.is_empty());
                if hit {
                    *d.drops.entry(name).or_default() += 1;
                } else {
                    d.idle_drops += 1;
                }
                if rng.random_bool(INJECT_AFTER_DROP_P) {
                    let chat = rng.random_range(0..CHATS);
                    d.inject(&sim, &accounts, a, chat);
                    d.injected_after_drop += 1;
                }
            }
        }
        for _ in 0..INJECT_PER_TICK {
            let (a, chat) = (rng.random_range(0..ACCOUNTS), rng.random_range(0..CHATS));
            if !d.outstanding.contains_key(&(a, chat)) {
                d.inject(&sim, &accounts, a, chat);
            }
        }
    }
    let fault_phase = started.elapsed();

    // Recovery: no more faults or messages; everything must be answered and online.
    let recovery_start = Instant::now();
    while recovery_start.elapsed() < RECOVERY {
        d.settle(&accounts, &soak);
        if d.outstanding.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if !d.outstanding.is_empty() {
        // Say what is stuck, so a failing seed can be investigated.
        for ((a, chat), pnm) in &d.outstanding {
            let acc = &accounts[*a];
            let key = (acc.id, pnm.clone());
            let failures: Vec<String> = soak
                .failures
                .lock()
                .unwrap()
                .iter()
                .filter(|f| f.contains(pnm.as_str()))
                .cloned()
                .collect();
            eprintln!(
                "soak: unanswered {pnm} (account {} chat {chat}): status {:?}, live sessions {}, seen {:?}, settled {:?}, failures {failures:?}, takeovers {:?}, pauses {:?}",
                acc.unb,
                sup.status(acc.id),
                live_sessions(&sim, &acc.unb),
                soak.seen.lock().unwrap().get(&key).copied(),
                soak.settled.lock().unwrap().get(&key).copied(),
                soak.takeovers
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|k| k.0 == acc.id)
                    .collect::<Vec<_>>(),
                mem.pauses.lock().unwrap().len(),
            );
        }
        panic!(
            "{} message(s) unanswered {RECOVERY:?} after the faults stopped (SOAK_SEED={seed})",
            d.outstanding.len()
        );
    }
    wait_for("all accounts online again", RECOVERY, || all_online(&sup)).await;
    // Late duplicates or replays would show up here.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let recovery = recovery_start.elapsed();

    let stats = sim.state().stats();
    let reconnects = stats.registrations - regs_before;
    eprintln!(
        "soak: {} messages ({} right after a drop), drops {:?} (+{} without a socket), \
         {reconnects} re-registrations, fault phase ended at {fault_phase:?}, recovery {recovery:?}",
        d.injected.len(),
        d.injected_after_drop,
        d.drops,
        d.idle_drops,
    );

    // Exactly once: handler, settled hook and replies at the simulator.
    let expected: HashSet<Key> = d
        .injected
        .iter()
        .map(|(a, pnm)| (accounts[*a].id, pnm.clone()))
        .collect();
    assert_eq!(expected.len(), d.injected.len(), "server ids are unique");
    let failures = soak.failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "failed replies: {failures:?}");
    for (name, map) in [
        ("on_event", &soak.seen),
        ("on_chat_settled", &soak.settled),
        ("replies", &soak.replied),
    ] {
        let map = map.lock().unwrap();
        let missing: Vec<_> = expected.iter().filter(|k| !map.contains_key(k)).collect();
        let twice: Vec<_> = map.iter().filter(|(_, n)| **n != 1).collect();
        let unknown: Vec<_> = map.keys().filter(|k| !expected.contains(k)).collect();
        assert!(
            missing.is_empty() && twice.is_empty() && unknown.is_empty(),
            "{name}: {} missing {missing:?}, more than once {twice:?}, unknown {unknown:?}",
            missing.len()
        );
    }
    let mut replies_at_sim = 0;
    for (i, acc) in accounts.iter().enumerate() {
        let sent = sim.state().sent_messages(&acc.unb).unwrap();
        let mut texts: HashMap<String, u32> = HashMap::new();
        for s in &sent {
            *texts.entry(s.text.clone().unwrap_or_default()).or_default() += 1;
        }
        let mine: Vec<&String> = d
            .injected
            .iter()
            .filter(|(a, _)| *a == i)
            .map(|(_, p)| p)
            .collect();
        for pnm in &mine {
            assert_eq!(
                texts.get(&reply_text(pnm)).copied(),
                Some(1),
                "account {i}: one reply to {pnm} at the simulator"
            );
        }
        assert_eq!(sent.len(), mine.len(), "account {i}: no other sends");
        replies_at_sim += sent.len();
    }
    assert_eq!(replies_at_sim, d.injected.len());
    let takeovers = soak.takeovers.lock().unwrap().clone();
    assert!(
        takeovers.is_empty(),
        "echoes taken for takeovers: {takeovers:?}"
    );
    assert!(mem.pauses.lock().unwrap().is_empty(), "no chat paused");
    // The run really exercised the faults.
    let total_drops: u32 = d.drops.values().sum();
    let min_drops = u32::try_from(secs).unwrap_or(u32::MAX).saturating_mul(2);
    assert!(total_drops >= min_drops, "{total_drops} drops");
    assert!(d.drops.len() == 3, "every drop mode used: {:?}", d.drops);
    assert!(d.injected_after_drop > 0);
    assert!(
        reconnects >= u64::from(total_drops) / 2,
        "{reconnects} reconnects"
    );

    sup.shutdown().await;
    eprintln!("soak: done in {:?}", started.elapsed());
}

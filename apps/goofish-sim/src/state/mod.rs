//! Shared simulator state: the world model, the clock, id generators, journal and stats.

mod model;
mod session;
mod world;
pub(crate) use world::account_mut;
pub use world::{BuyerMessage, ImageSpec, NewAccount, NewItem, NewOrder};

pub use model::{
    Account, BargainState, Conversation, HistoryEntry, ImToken, Item, Order, OrderStatus,
    SentMessage, SessionState, Sku,
};
pub use session::ConnStats;
pub(crate) use session::{Outgoing, WsSession};

use crate::config::SimConfig;
use crate::faults::AccountFaults;
use crate::journal::{Journal, JournalEntry, JournalKind};
use rand::Rng;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// A QR-login session (spec §5, §8.3).
#[derive(Debug, Clone)]
pub(crate) struct QrSession {
    pub id: String,
    pub t: i64,
    pub ck: String,
    /// `NEW`, `SCANED`, `CONFIRMED`, `EXPIRED`, `CANCELED`.
    pub status: &'static str,
    pub iframe_redirect: bool,
    /// Account confirmed by the scan.
    pub unb: Option<String>,
    pub created_at: i64,
    pub polls: u64,
}

/// Everything behind the state mutex.
#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub accounts: BTreeMap<String, Account>,
    pub tokens: HashMap<String, ImToken>,
    pub sessions: BTreeMap<u64, WsSession>,
    pub orders: BTreeMap<String, Order>,
    pub qr: BTreeMap<String, QrSession>,
    /// Issued slider challenges: `x5secdata` → account.
    pub x5secdata: HashMap<String, crate::slider::X5Challenge>,
    pub journal: Journal,
    pub stats: ConnStats,
    pub template_faults: AccountFaults,
    pub create_without_m_h5_tk: bool,
    pub next_conn: u64,
    pub next_unb: u64,
    pub next_buyer: u64,
    pub next_item: u64,
    pub next_cid: u64,
    pub next_order: u64,
    pub next_pnm: u64,
}

/// The simulator state, shared by the HTTP handlers, the WebSocket sessions and tests.
#[derive(Debug)]
pub struct SimState {
    pub(crate) config: SimConfig,
    base_url: String,
    clock_offset: AtomicI64,
    inner: Mutex<Inner>,
}

/// Random lowercase hex of `n` characters.
pub(crate) fn rand_hex(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16usize)]))
        .collect()
}

/// Random alphanumeric string of `n` characters.
pub(crate) fn rand_alnum(n: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(A[rng.random_range(0..A.len())]))
        .collect()
}

impl SimState {
    /// Creates the state for a server reachable at `base_url` (e.g. `http://127.0.0.1:9000`).
    pub fn new(config: SimConfig, base_url: String) -> Self {
        let inner = Inner {
            next_unb: 2_219_000_000_001,
            next_buyer: 2_200_000_000_001,
            next_item: 900_000_000_001,
            next_cid: 48_000_000_001,
            next_order: 2_503_688_126_356_000_001,
            next_pnm: 3_400_000_000_001,
            ..Inner::default()
        };
        Self {
            clock_offset: AtomicI64::new(config.clock_offset_ms),
            config,
            base_url,
            inner: Mutex::new(inner),
        }
    }

    /// The configuration the simulator runs with.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Base URL of the server (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Simulated clock: wall clock plus the configured/advanced offset, in ms.
    pub fn now_ms(&self) -> i64 {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        wall + self.clock_offset.load(Ordering::SeqCst)
    }

    /// Advances the simulated clock; returns the new offset in ms.
    pub fn advance_clock(&self, ms: i64) -> i64 {
        self.clock_offset.fetch_add(ms, Ordering::SeqCst) + ms
    }

    /// Current clock offset in ms.
    pub fn clock_offset_ms(&self) -> i64 {
        self.clock_offset.load(Ordering::SeqCst)
    }

    /// Locks the state (a poisoned lock is recovered, never panics).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends a journal entry stamped with the simulated clock.
    pub(crate) fn journal_push(&self, inner: &mut Inner, mut e: JournalEntry) {
        e.at = self.now_ms();
        inner.journal.push(e);
    }

    /// Journal entries, optionally filtered by account and kind, keeping the last `limit`.
    pub fn journal(
        &self,
        unb: Option<&str>,
        kind: Option<JournalKind>,
        limit: Option<usize>,
    ) -> Vec<JournalEntry> {
        self.lock().journal.query(unb, kind, limit)
    }

    /// Clears the journal.
    pub fn clear_journal(&self) {
        self.lock().journal.clear();
    }

    /// Connection and push statistics.
    pub fn stats(&self) -> ConnStats {
        let inner = self.lock();
        let mut s = inner.stats.clone();
        s.live_sessions = inner.sessions.values().filter(|x| !x.closed).count() as u64;
        s
    }

    /// Mints a fresh `_m_h5_tk` for an account and returns `(tk_cookie, enc)`.
    pub(crate) fn rotate_m_h5_tk(&self, acc: &mut Account) -> (String, String) {
        let exp = self.now_ms() + self.config.m_h5_tk_ttl_ms;
        let tk = rand_hex(32);
        acc.m_h5_tk = Some((tk.clone(), exp));
        acc.m_h5_tk_enc = rand_hex(32);
        (format!("{tk}_{exp}"), acc.m_h5_tk_enc.clone())
    }

    /// Next server message id `<13 digits>.PNM`.
    pub(crate) fn next_pnm(inner: &mut Inner) -> String {
        inner.next_pnm += 1;
        format!("{}.PNM", inner.next_pnm)
    }
}

//! The journal: every HTTP request and every WebSocket frame, in arrival order.

use serde::Serialize;
use serde_json::Value;
use std::collections::VecDeque;

/// Maximum number of entries kept (oldest dropped first).
const MAX_ENTRIES: usize = 50_000;

/// Whether an entry is an HTTP request or a WebSocket frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JournalKind {
    /// An HTTP request (mtop, passport, upload).
    Http,
    /// A WebSocket frame (in or out) or connection event.
    Ws,
}

/// One journal entry. Fields that do not apply to the kind are `None`.
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    /// Sequence number, increasing.
    pub seq: u64,
    /// Simulated clock time, ms.
    pub at: i64,
    /// HTTP or WS.
    pub kind: JournalKind,
    /// Account the entry belongs to, when known.
    pub unb: Option<String>,
    /// HTTP method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// HTTP path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// mtop api name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Query parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<Vec<(String, String)>>,
    /// The `data` value exactly as received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Names (not values) of the cookies sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie_names: Option<Vec<String>>,
    /// The `sign` query value received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_received: Option<String>,
    /// The sign the server computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_computed: Option<String>,
    /// Whether the received sign matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_ok: Option<bool>,
    /// The outcome (first `ret` element, HTTP status, or an event name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// WS connection id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conn: Option<u64>,
    /// WS direction: `in` (client→server), `out` or `event`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<&'static str>,
    /// WS lwp path of the frame, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lwp: Option<String>,
    /// The WS frame as JSON (or a string when it was not JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<Value>,
}

impl JournalEntry {
    /// An empty entry of a kind; fill in the fields that apply.
    pub fn new(kind: JournalKind) -> Self {
        Self {
            seq: 0,
            at: 0,
            kind,
            unb: None,
            method: None,
            path: None,
            api: None,
            query: None,
            data: None,
            cookie_names: None,
            sign_received: None,
            sign_computed: None,
            sign_ok: None,
            outcome: None,
            conn: None,
            dir: None,
            lwp: None,
            frame: None,
        }
    }
}

/// The bounded journal.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    entries: VecDeque<JournalEntry>,
    next_seq: u64,
}

impl Journal {
    /// Appends an entry, stamping its sequence number.
    pub fn push(&mut self, mut e: JournalEntry) {
        self.next_seq += 1;
        e.seq = self.next_seq;
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.pop_front();
        }
        self.entries.push_back(e);
    }

    /// Entries matching the filters; `limit` keeps the most recent ones.
    pub fn query(
        &self,
        unb: Option<&str>,
        kind: Option<JournalKind>,
        limit: Option<usize>,
    ) -> Vec<JournalEntry> {
        let mut v: Vec<JournalEntry> = self
            .entries
            .iter()
            .filter(|e| unb.is_none_or(|u| e.unb.as_deref() == Some(u)))
            .filter(|e| kind.is_none_or(|k| e.kind == k))
            .cloned()
            .collect();
        if let Some(l) = limit
            && v.len() > l
        {
            v.drain(..v.len() - l);
        }
        v
    }

    /// Clears all entries.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

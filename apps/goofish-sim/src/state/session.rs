//! WebSocket session records and push delivery (spec §8.4 items 7 and 9, F8, F9, F14).

use super::{Inner, SimState, model::Backlogged, rand_hex};
use crate::journal::{JournalEntry, JournalKind};
use crate::push;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// Something the session task must do on the socket.
#[derive(Debug, Clone)]
pub(crate) enum Outgoing {
    /// Send a text frame.
    Text(String),
    /// Send a close frame and end the session.
    Close(u16, String),
    /// End the session without a close frame.
    Abort,
}

/// A push waiting for the client's ack.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub lwp: &'static str,
    pub elements: Vec<Value>,
    pub sent: Instant,
    pub resent: bool,
}

/// One WebSocket connection.
#[derive(Debug)]
pub(crate) struct WsSession {
    pub id: u64,
    pub tx: UnboundedSender<Outgoing>,
    pub cookie_unb: Option<String>,
    pub unb: Option<String>,
    pub token: Option<String>,
    pub did: Option<String>,
    pub sid: String,
    pub app_key: String,
    pub ua: String,
    pub registered: bool,
    pub half_open: bool,
    pub closed: bool,
    pub pending: BTreeMap<String, Pending>,
    pub scheduled: Vec<(Instant, Outgoing)>,
    pub ack_pts: Option<i64>,
}

/// Connection and push statistics (`GET /_sim/stats`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConnStats {
    /// WebSocket upgrades accepted.
    pub connections_accepted: u64,
    /// Sessions currently open.
    pub live_sessions: u64,
    /// Successful `/reg`s.
    pub registrations: u64,
    /// Push frames sent.
    pub pushes_sent: u64,
    /// Acks received (frames without `lwp`).
    pub acks_received: u64,
    /// Acks that matched a pending push.
    pub acks_matched: u64,
    /// Client frames by lwp.
    pub frames_in_by_lwp: BTreeMap<String, u64>,
    /// Server push frames by lwp.
    pub frames_out_by_lwp: BTreeMap<String, u64>,
    /// mtop calls received.
    pub mtop_calls: u64,
}

/// Metadata of a chat push, used by F9 to build the preceding 40103 status.
#[derive(Debug, Clone)]
pub(crate) struct ChatMeta {
    pub pnm: String,
    pub cid: String,
}

impl SimState {
    /// Records and sends one outgoing item on a connection.
    pub(crate) fn send_out(&self, inner: &mut Inner, conn: u64, out: Outgoing) {
        let Some(s) = inner.sessions.get_mut(&conn) else {
            return;
        };
        if s.closed {
            return;
        }
        let unb = s.unb.clone().or_else(|| s.cookie_unb.clone());
        let mut e = JournalEntry::new(JournalKind::Ws);
        e.conn = Some(conn);
        e.unb = unb;
        match &out {
            Outgoing::Text(t) => {
                let v: Value = serde_json::from_str(t).unwrap_or(Value::String(t.clone()));
                e.lwp = v.get("lwp").and_then(Value::as_str).map(str::to_string);
                e.dir = Some("out");
                e.frame = Some(v);
            }
            Outgoing::Close(code, reason) => {
                s.closed = true;
                e.dir = Some("event");
                e.outcome = Some(format!("close {code} {reason}"));
            }
            Outgoing::Abort => {
                s.closed = true;
                e.dir = Some("event");
                e.outcome = Some("abort".into());
            }
        }
        let _ = s.tx.send(out);
        self.journal_push(inner, e);
    }

    /// Schedules an outgoing item `delay_ms` from now (real time).
    pub(crate) fn schedule(inner: &mut Inner, conn: u64, delay_ms: u64, out: Outgoing) {
        if let Some(s) = inner.sessions.get_mut(&conn) {
            s.scheduled
                .push((Instant::now() + Duration::from_millis(delay_ms), out));
        }
    }

    /// Sessions that receive business pushes for `unb` (registered, open, not zombie).
    pub(crate) fn push_targets(inner: &Inner, unb: &str) -> Vec<u64> {
        inner
            .sessions
            .values()
            .filter(|s| s.registered && !s.closed && !s.half_open)
            .filter(|s| s.unb.as_deref() == Some(unb))
            .filter(|s| {
                s.token
                    .as_ref()
                    .and_then(|t| inner.tokens.get(t))
                    .is_some_and(|t| !t.superseded)
            })
            .map(|s| s.id)
            .collect()
    }

    /// Builds and sends one push frame; returns its mid.
    pub(crate) fn push_frame(
        &self,
        inner: &mut Inner,
        conn: u64,
        lwp: &'static str,
        elements: Vec<Value>,
    ) -> Option<String> {
        let now = self.now_ms();
        let s = inner.sessions.get(&conn)?;
        let unb = s.unb.clone()?;
        let (sid, app_key, ua) = (s.sid.clone(), s.app_key.clone(), s.ua.clone());
        let acc = inner.accounts.get_mut(&unb)?;
        let start = acc.push_seq + 1;
        acc.push_seq += elements.len().max(1) as u64;
        let mid = format!("{} 0", rand_hex(8));
        let frame = json!({
            "lwp": lwp,
            "headers": {"mid": mid, "sid": sid, "app-key": app_key, "ua": ua},
            "body": {
                "syncPushPackage": {
                    "maxHighPts": 0,
                    "startSeq": start,
                    "endSeq": acc.push_seq,
                    "minCreateTime": now,
                    "data": elements,
                    "maxPts": now * 1000,
                    "hasMore": 0,
                    "timestamp": now,
                },
                "syncExtensionModel": {"reconnectType": 0, "failover": 0, "fingerprint": rand::random::<u32>()},
            },
        });
        inner.stats.pushes_sent += 1;
        *inner
            .stats
            .frames_out_by_lwp
            .entry(lwp.to_string())
            .or_default() += 1;
        if let Some(s) = inner.sessions.get_mut(&conn) {
            s.pending.insert(
                mid.clone(),
                Pending {
                    lwp,
                    elements,
                    sent: Instant::now(),
                    resent: false,
                },
            );
        }
        self.send_out(inner, conn, Outgoing::Text(frame.to_string()));
        Some(mid)
    }

    /// Pushes `elements` to every live session of `unb`, applying F8/F9 to chat pushes.
    /// With no live session the push is kept as backlog. Returns the number of frames sent.
    pub(crate) fn push_elements(
        &self,
        inner: &mut Inner,
        unb: &str,
        lwp: &'static str,
        elements: Vec<Value>,
        chat: Option<ChatMeta>,
    ) -> usize {
        let now = self.now_ms();
        let Some(acc) = inner.accounts.get_mut(unb) else {
            return 0;
        };
        let mut elements = elements;
        let faults = acc.faults.clone();
        if let (Some(meta), true) = (&chat, faults.batch_push) {
            let st = push::status(&meta.pnm, &meta.cid, now);
            let enc = self.encode(&st, None);
            elements.insert(0, push::element(40, 40103, enc));
        }
        let targets = Self::push_targets(inner, unb);
        if targets.is_empty() {
            if let Some(acc) = inner.accounts.get_mut(unb) {
                acc.backlog.push(Backlogged {
                    at: now,
                    lwp,
                    elements,
                });
            }
            return 0;
        }
        let mut sent = 0;
        for conn in targets {
            if self
                .push_frame(inner, conn, lwp, elements.clone())
                .is_some()
            {
                sent += 1;
            }
            if chat.is_some()
                && faults.duplicate_push
                && self
                    .push_frame(inner, conn, lwp, elements.clone())
                    .is_some()
            {
                sent += 1;
            }
        }
        sent
    }

    /// Encodes a decoded payload for `data[i].data` (`None` = the configured default).
    pub(crate) fn encode(&self, v: &Value, enc: Option<crate::PushEncoding>) -> String {
        match enc.unwrap_or(self.config.push_encoding) {
            crate::PushEncoding::Msgpack => crate::proto::encode_msgpack(v),
            crate::PushEncoding::Json => crate::proto::encode_json(v),
        }
    }

    /// Periodic work for one session: scheduled sends, F8 resends, F14 unacked timeout.
    /// Returns false when the session is gone.
    pub(crate) fn tick_session(&self, conn: u64) -> bool {
        let mut inner = self.lock();
        let now = Instant::now();
        let Some(s) = inner.sessions.get_mut(&conn) else {
            return false;
        };
        if s.closed {
            return false;
        }
        let mut due = Vec::new();
        s.scheduled.retain(|(at, out)| {
            if *at <= now {
                due.push(out.clone());
                false
            } else {
                true
            }
        });
        let unb = s.unb.clone();
        let faults = unb
            .as_ref()
            .and_then(|u| inner.accounts.get(u))
            .map(|a| a.faults.clone())
            .unwrap_or_default();
        for out in due {
            self.send_out(&mut inner, conn, out);
        }
        let Some(s) = inner.sessions.get_mut(&conn) else {
            return false;
        };
        if let Some(after) = faults.unacked_disconnect_ms {
            let limit = Duration::from_millis(after);
            if s.pending
                .values()
                .any(|p| now.duration_since(p.sent) > limit)
            {
                self.send_out(
                    &mut inner,
                    conn,
                    Outgoing::Close(1000, "unacked push".into()),
                );
                return false;
            }
        }
        if let Some(after) = faults.resend_unacked_after_ms {
            let limit = Duration::from_millis(after);
            let stale: Vec<(String, Pending)> = s
                .pending
                .iter()
                .filter(|(_, p)| !p.resent && now.duration_since(p.sent) > limit)
                .map(|(m, p)| (m.clone(), p.clone()))
                .collect();
            for (mid, p) in stale {
                if let Some(s) = inner.sessions.get_mut(&conn) {
                    s.pending.remove(&mid);
                }
                if let Some(new_mid) = self.push_frame(&mut inner, conn, p.lwp, p.elements)
                    && let Some(np) = inner
                        .sessions
                        .get_mut(&conn)
                        .and_then(|s| s.pending.get_mut(&new_mid))
                {
                    np.resent = true;
                }
            }
        }
        inner.sessions.get(&conn).is_some_and(|s| !s.closed)
    }
}

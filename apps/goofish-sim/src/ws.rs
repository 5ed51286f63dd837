//! The IM WebSocket endpoint at `/`: upgrade, per-connection task, frame routing.

mod listing;
mod lwp;

use crate::journal::{JournalEntry, JournalKind};
use crate::mtop::request_cookies;
use crate::state::{Outgoing, SimState, WsSession, rand_hex};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// `GET /`: the WebSocket upgrade, or a plain-text banner without `Upgrade`.
pub(crate) async fn entry(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<Arc<SimState>>,
) -> Result<HttpResponse, actix_web::Error> {
    let upgrade = req
        .headers()
        .get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        return Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("goofish-sim: mtop under /h5, IM WebSocket at /, control API under /_sim\n"));
    }
    let jar = request_cookies(&req);
    let cookie_unb = jar.get("unb").map(str::to_string);
    let cookie_names: Vec<String> = jar.names().map(str::to_string).collect();
    let (resp, session, stream) = actix_ws::handle(&req, body)?;
    let (tx, rx) = unbounded_channel();
    let state = state.get_ref().clone();
    let conn = state.open_connection(cookie_unb, cookie_names, tx);
    actix_web::rt::spawn(run(state, conn, session, stream, rx));
    Ok(resp)
}

/// The per-connection loop: outgoing queue, incoming frames, periodic tick.
async fn run(
    state: Arc<SimState>,
    conn: u64,
    mut session: actix_ws::Session,
    stream: actix_ws::MessageStream,
    mut rx: UnboundedReceiver<Outgoing>,
) {
    let mut stream = stream.max_frame_size(4 * 1024 * 1024);
    let mut ticker = tokio::time::interval(Duration::from_millis(50));
    let mut reason = "client gone";
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Text(t)) => {
                    if session.text(t).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code, desc)) => {
                    let _ = session
                        .close(Some(CloseReason { code: CloseCode::from(code), description: Some(desc) }))
                        .await;
                    reason = "server close";
                    return state.close_connection(conn, reason);
                }
                Some(Outgoing::Abort) | None => {
                    reason = "server abort";
                    break;
                }
            },
            msg = stream.next() => match msg {
                Some(Ok(Message::Text(t))) => state.on_text(conn, &t),
                Some(Ok(Message::Binary(b))) => {
                    if let Ok(t) = std::str::from_utf8(&b) {
                        state.on_text(conn, t);
                    }
                }
                Some(Ok(Message::Ping(p))) => {
                    if !state.is_half_open(conn) && session.pong(&p).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) => {
                    let _ = session.clone().close(None).await;
                    reason = "client close";
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            _ = ticker.tick() => {
                state.tick_session(conn);
            }
        }
    }
    state.close_connection(conn, reason);
}

impl SimState {
    /// Registers a new connection; returns its id.
    pub(crate) fn open_connection(
        &self,
        cookie_unb: Option<String>,
        cookie_names: Vec<String>,
        tx: UnboundedSender<Outgoing>,
    ) -> u64 {
        let mut inner = self.lock();
        inner.next_conn += 1;
        let id = inner.next_conn;
        inner.stats.connections_accepted += 1;
        if let Some(acc) = cookie_unb.as_ref().and_then(|u| inner.accounts.get_mut(u)) {
            acc.connection_attempts += 1;
        }
        inner.sessions.insert(
            id,
            WsSession {
                id,
                tx,
                cookie_unb: cookie_unb.clone(),
                unb: None,
                token: None,
                did: None,
                sid: rand_hex(24),
                app_key: String::new(),
                ua: String::new(),
                registered: false,
                half_open: false,
                closed: false,
                pending: Default::default(),
                scheduled: Vec::new(),
                ack_pts: None,
            },
        );
        let mut e = JournalEntry::new(JournalKind::Ws);
        e.conn = Some(id);
        e.unb = cookie_unb;
        e.dir = Some("event");
        e.outcome = Some("connect".into());
        e.cookie_names = Some(cookie_names);
        self.journal_push(&mut inner, e);
        id
    }

    /// Forgets a connection.
    pub(crate) fn close_connection(&self, conn: u64, reason: &str) {
        let mut inner = self.lock();
        if let Some(s) = inner.sessions.remove(&conn) {
            let mut e = JournalEntry::new(JournalKind::Ws);
            e.conn = Some(conn);
            e.unb = s.unb.or(s.cookie_unb);
            e.dir = Some("event");
            e.outcome = Some(format!("disconnect: {reason}"));
            self.journal_push(&mut inner, e);
        }
    }

    /// Whether the connection is in F7 half-open mode.
    pub(crate) fn is_half_open(&self, conn: u64) -> bool {
        self.lock().sessions.get(&conn).is_some_and(|s| s.half_open)
    }
}

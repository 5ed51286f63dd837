//! One IM WebSocket session: handshake, `/reg`, ackDiff, heartbeat, acks, decoding, sends
//! (spec §3.1–§3.6, §3.9–§3.10).

use crate::config::RunnerConfig;
use crate::echo::{EchoRegistry, content_key};
use crate::error::{Result, RunnerError};
use crate::now_ms;
use crate::probe;
use crate::sender::{SendVerdict, SessionCmd};
use futures_util::{SinkExt, StreamExt};
use goofish_protocol::constants as c;
use goofish_protocol::events::{self, Event};
use goofish_protocol::lwp::{self, ServerFrame};
use goofish_protocol::{ids, payload};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use xianyu_domain::AccountId;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const TARGET: &str = "xianyu_runner::connection";

/// One decoded push element, handed to the dispatcher.
#[derive(Debug)]
pub(crate) struct Inbound {
    /// The classified event.
    pub event: Event,
    /// The dedupe key (`messageId`, else the server message id).
    pub dedupe_key: Option<String>,
    /// Found by the catch-up listing rather than pushed (`None` for a push).
    pub catch_up: Option<CatchUpMark>,
}

/// How a caught-up message is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CatchUpMark {
    /// Fresh and not answered by the seller since: goes through the pipeline like a push.
    Answer,
    /// Older than the freshness window, or the seller wrote later in the chat: stored only.
    StoreOnly,
}

/// Everything a session needs; the token and did belong together.
pub(crate) struct SessionSetup {
    pub account: AccountId,
    pub ws_url: String,
    pub cookie_header: String,
    pub token: String,
    pub did: String,
    pub unb: String,
    pub cfg: Arc<RunnerConfig>,
    pub echo: Arc<EchoRegistry>,
    pub inbound: mpsc::UnboundedSender<Inbound>,
    pub last_frame_at: Arc<AtomicI64>,
    pub epoch: u64,
}

/// Why a registered session ended.
#[derive(Debug)]
pub(crate) enum SessionEnd {
    /// The task was told to stop.
    Stopped,
    /// The refresher obtained this different token: re-register at once with it.
    TokenChanged(String),
    /// The socket failed, closed or went silent, or the refresher hit a fatal error.
    Failed(RunnerError),
}

enum Pending {
    Send {
        cid: String,
        key: String,
        reply: oneshot::Sender<Result<SendVerdict>>,
    },
    Create(oneshot::Sender<Result<String>>),
    Rpc(oneshot::Sender<Result<(i64, Option<Value>)>>),
}

/// A registered session.
pub(crate) struct LiveSession {
    ws: Ws,
    setup: SessionSetup,
    pending: HashMap<String, Pending>,
    last_frame: Instant,
}

pub(crate) fn fresh_mid() -> String {
    ids::mid(now_ms(), &mut rand::rng())
}

fn net(context: &str, e: impl std::fmt::Display) -> RunnerError {
    RunnerError::Network(format!("{context}: {e}"))
}

fn header(v: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(v)
        .map_err(|e| RunnerError::CookieInvalid(format!("bad header value: {e}")))
}

async fn connect(setup: &SessionSetup) -> Result<Ws> {
    let mut req = setup
        .ws_url
        .as_str()
        .into_client_request()
        .map_err(|e| net("ws url", e))?;
    let h = req.headers_mut();
    h.insert("Cookie", header(&setup.cookie_header)?);
    h.insert("Origin", header(c::WEB_ORIGIN)?);
    h.insert("User-Agent", header(c::BROWSER_UA_133)?);
    h.insert("Accept-Language", header("zh-CN,zh;q=0.9")?);
    h.insert("Cache-Control", header("no-cache")?);
    h.insert("Pragma", header("no-cache")?);
    let (ws, _) = tokio::time::timeout(
        setup.cfg.connect_timeout,
        // An 8 KiB read buffer instead of the library's 128 KiB, which it zero-fills and so keeps
        // resident: 1,000 accounts take ~76 MB instead of ~190 MB. Nagle off: replies go out at once.
        tokio_tungstenite::connect_async_with_config(
            req,
            Some(WebSocketConfig::default().read_buffer_size(8 * 1024)),
            true,
        ),
    )
    .await
    .map_err(|_| RunnerError::Timeout("websocket handshake"))?
    .map_err(|e| net("websocket connect", e))?;
    Ok(ws)
}

/// Connects, sends `/reg`, waits (bounded) for its answer, sends ackDiff.
pub(crate) async fn open(setup: SessionSetup) -> Result<LiveSession> {
    let mut ws = connect(&setup).await?;
    let reg_mid = fresh_mid();
    let reg = lwp::reg(&setup.token, &setup.did, c::REG_UA, &reg_mid);
    ws.send(Message::Text(reg.into()))
        .await
        .map_err(|e| net("send /reg", e))?;
    let mut session = LiveSession {
        ws,
        setup,
        pending: HashMap::new(),
        last_frame: Instant::now(),
    };
    let deadline = Instant::now() + session.setup.cfg.reg_wait;
    loop {
        let next = tokio::time::timeout_at(deadline, session.ws.next()).await;
        let read_at = std::time::Instant::now();
        let Ok(next) = next else {
            log::info!(target: TARGET, account = session.setup.account.0; "no /reg answer within the wait, proceeding");
            break;
        };
        let text = match next {
            Some(Ok(Message::Text(t))) => t.to_string(),
            Some(Ok(Message::Close(f))) => {
                return Err(RunnerError::Closed {
                    code: f.map(|f| u16::from(f.code)),
                });
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(net("read /reg answer", e)),
            None => return Err(RunnerError::Closed { code: None }),
        };
        session.touch();
        let Ok(frame) = ServerFrame::parse(&text) else {
            continue;
        };
        if let ServerFrame::Response {
            code, mid, body, ..
        } = &frame
            && *mid == reg_mid
        {
            if *code != 200 {
                let reason = body
                    .as_ref()
                    .and_then(|b| b.get("reason"))
                    .and_then(Value::as_str)
                    .unwrap_or("no reason")
                    .to_owned();
                return Err(RunnerError::RegRejected(format!("code {code}: {reason}")));
            }
            break;
        }
        session.handle_frame(frame, read_at).await?;
    }
    let diff = lwp::ack_diff(now_ms(), &fresh_mid());
    session.write(diff).await?;
    Ok(session)
}

impl LiveSession {
    fn touch(&mut self) {
        self.last_frame = Instant::now();
        self.setup.last_frame_at.store(now_ms(), Ordering::SeqCst);
    }

    async fn write(&mut self, text: String) -> Result<()> {
        self.ws
            .send(Message::Text(text.into()))
            .await
            .map_err(|e| net("websocket write", e))
    }

    /// Runs until stopped, closed, silent or told to re-register.
    pub(crate) async fn run(
        mut self,
        cmds: &mut mpsc::Receiver<SessionCmd>,
        stop: &mut watch::Receiver<bool>,
    ) -> SessionEnd {
        let end = self.run_inner(cmds, stop).await;
        for (_, p) in self.pending.drain() {
            match p {
                Pending::Send { reply, .. } => {
                    let _ = reply.send(Err(RunnerError::NotConnected(self.setup.account)));
                }
                Pending::Create(reply) => {
                    let _ = reply.send(Err(RunnerError::NotConnected(self.setup.account)));
                }
                Pending::Rpc(reply) => {
                    let _ = reply.send(Err(RunnerError::NotConnected(self.setup.account)));
                }
            }
        }
        if !matches!(end, SessionEnd::Failed(_)) {
            let _ =
                tokio::time::timeout(std::time::Duration::from_secs(1), self.ws.close(None)).await;
        }
        end
    }

    async fn run_inner(
        &mut self,
        cmds: &mut mpsc::Receiver<SessionCmd>,
        stop: &mut watch::Receiver<bool>,
    ) -> SessionEnd {
        let mut heartbeat = tokio::time::interval(self.setup.cfg.heartbeat_interval);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        self.touch();
        loop {
            let silence_deadline = self.last_frame + self.setup.cfg.silence_timeout;
            tokio::select! {
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        return SessionEnd::Stopped;
                    }
                }
                _ = heartbeat.tick() => {
                    self.pending.retain(|_, p| match p {
                        Pending::Send { reply, .. } => !reply.is_closed(),
                        Pending::Create(reply) => !reply.is_closed(),
                        Pending::Rpc(reply) => !reply.is_closed(),
                    });
                    if let Err(e) = self.write(lwp::heartbeat(&fresh_mid())).await {
                        return SessionEnd::Failed(e);
                    }
                }
                _ = tokio::time::sleep_until(silence_deadline) => {
                    log::warn!(target: TARGET, account = self.setup.account.0; "no frame for {:?}, reconnecting", self.setup.cfg.silence_timeout);
                    return SessionEnd::Failed(RunnerError::Silent);
                }
                cmd = cmds.recv() => {
                    let Some(cmd) = cmd else { return SessionEnd::Stopped };
                    if let Some(end) = self.handle_cmd(cmd).await {
                        return end;
                    }
                }
                msg = self.ws.next() => {
                    let read_at = std::time::Instant::now();
                    let text = match msg {
                        Some(Ok(Message::Text(t))) => t.to_string(),
                        Some(Ok(Message::Binary(b))) => match String::from_utf8(b.to_vec()) {
                            Ok(t) => t,
                            Err(_) => { self.touch(); continue; }
                        },
                        Some(Ok(Message::Close(f))) => {
                            let code = f.map(|f| u16::from(f.code));
                            return SessionEnd::Failed(RunnerError::Closed { code });
                        }
                        Some(Ok(_)) => { self.touch(); continue; }
                        Some(Err(e)) => return SessionEnd::Failed(net("websocket read", e)),
                        None => return SessionEnd::Failed(RunnerError::Closed { code: None }),
                    };
                    self.touch();
                    match ServerFrame::parse(&text) {
                        Ok(frame) => {
                            if let Err(e) = self.handle_frame(frame, read_at).await {
                                return SessionEnd::Failed(e);
                            }
                        }
                        Err(e) => log::debug!(target: TARGET, account = self.setup.account.0; "unparsable frame dropped: {}", e.code()),
                    }
                }
            }
        }
    }

    async fn handle_cmd(&mut self, cmd: SessionCmd) -> Option<SessionEnd> {
        match cmd {
            SessionCmd::Send {
                cid,
                to,
                content,
                reply,
            } => {
                let mid = fresh_mid();
                let frame = lwp::send_message(&cid, &to, &self.setup.unb, &content, now_ms(), &mid);
                let key = content_key(&content);
                self.setup.echo.register_text(&cid, &key);
                if let Err(e) = self.write(frame).await {
                    self.setup.echo.forget_text(&cid, &key);
                    let _ = reply.send(Err(e.clone()));
                    return Some(SessionEnd::Failed(e));
                }
                if let Some(o) = probe::observer() {
                    o.send_written(self.setup.account, &cid, std::time::Instant::now());
                }
                self.pending.insert(mid, Pending::Send { cid, key, reply });
            }
            SessionCmd::CreateConversation {
                buyer,
                item_id,
                reply,
            } => {
                let mid = fresh_mid();
                let frame = lwp::create_conversation(&buyer, &self.setup.unb, &item_id, &mid);
                if let Err(e) = self.write(frame).await {
                    let _ = reply.send(Err(e.clone()));
                    return Some(SessionEnd::Failed(e));
                }
                self.pending.insert(mid, Pending::Create(reply));
            }
            SessionCmd::Rpc { frame, mid, reply } => {
                if let Err(e) = self.write(frame).await {
                    let _ = reply.send(Err(e.clone()));
                    return Some(SessionEnd::Failed(e));
                }
                self.pending.insert(mid, Pending::Rpc(reply));
            }
            SessionCmd::TokenChanged(epoch, token) if epoch == self.setup.epoch => {
                return Some(SessionEnd::TokenChanged(token));
            }
            SessionCmd::Fatal(epoch, e) if epoch == self.setup.epoch => {
                return Some(SessionEnd::Failed(e));
            }
            SessionCmd::TokenChanged(..) | SessionCmd::Fatal(..) => {}
        }
        None
    }

    /// Handles a frame read at `read_at` (reported to the wire observer, if any).
    async fn handle_frame(
        &mut self,
        frame: ServerFrame,
        read_at: std::time::Instant,
    ) -> Result<()> {
        match &frame {
            ServerFrame::Push { .. } => {
                // Ack at once, before decoding (spec §3.6).
                self.write(lwp::ack(&frame, &fresh_mid())).await?;
                self.dispatch_elements(&frame, read_at);
            }
            ServerFrame::Response {
                code, mid, body, ..
            } => self.resolve(*code, mid, body.as_ref()),
        }
        Ok(())
    }

    fn dispatch_elements(&self, frame: &ServerFrame, read_at: std::time::Instant) {
        for element in frame.push_payloads() {
            match payload::decode_payload(&element.data) {
                Ok(decoded) => {
                    let event = events::classify(&decoded, &self.setup.unb);
                    let dedupe_key = events::dedupe_key(&decoded);
                    if let (Some(o), Event::Chat(m)) = (probe::observer(), &event) {
                        o.chat_received(self.setup.account, m, read_at);
                    }
                    let _ = self.setup.inbound.send(Inbound {
                        event,
                        dedupe_key,
                        catch_up: None,
                    });
                }
                Err(e) => {
                    log::debug!(target: TARGET, account = self.setup.account.0; "push element dropped ({})", e.code())
                }
            }
        }
    }

    fn resolve(&mut self, code: i64, mid: &str, body: Option<&Value>) {
        let Some(pending) = self.pending.remove(mid) else {
            if code != 200 {
                log::debug!(target: TARGET, account = self.setup.account.0; "response code {code} to an untracked request");
            }
            return;
        };
        match pending {
            Pending::Send { cid, key, reply } => {
                let verdict = SendVerdict::from(lwp::send_answer(code, body));
                match &verdict {
                    SendVerdict::Accepted {
                        message_id: Some(id),
                    } => self.setup.echo.register_id(id),
                    SendVerdict::Rejected { .. } => self.setup.echo.forget_text(&cid, &key),
                    _ => {}
                }
                let _ = reply.send(Ok(verdict));
            }
            Pending::Rpc(reply) => {
                let _ = reply.send(Ok((code, body.cloned())));
            }
            Pending::Create(reply) => {
                let cid = body.and_then(lwp::created_conversation_cid);
                let _ = reply.send(cid.ok_or_else(|| RunnerError::Mtop {
                    code: format!("LWP_{code}"),
                    message: "conversation create answered without a cid".into(),
                }));
            }
        }
    }
}

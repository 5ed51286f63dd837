//! Chrome DevTools Protocol: commands through chromedriver's passthrough
//! (`/session/{id}/goog/cdp/execute`, commands only) and a direct DevTools WebSocket to the
//! page, beside chromedriver, for events (screencast frames) and for input that must not wait
//! behind chromedriver's one-command-at-a-time queue.

use crate::error::{CaptchaError, Result};
use fantoccini::wd::WebDriverCompatibleCommand;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

/// How long one DevTools command may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// One CDP command sent through chromedriver.
#[derive(Debug)]
pub(crate) struct Passthrough {
    /// The method, e.g. `Target.getTargetInfo`.
    pub cmd: &'static str,
    /// Its parameters.
    pub params: Value,
}

impl WebDriverCompatibleCommand for Passthrough {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"cmd": self.cmd, "params": self.params}).to_string()),
        )
    }
}

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value>>>>>;

/// An event pushed by the page: its method and parameters.
pub(crate) type CdpEvent = (String, Value);

/// A DevTools WebSocket to one page target. Cheap to clone; the socket closes when the last
/// clone is dropped or the browser goes away.
#[derive(Clone)]
pub(crate) struct Cdp {
    out: mpsc::UnboundedSender<Message>,
    pending: Pending,
    next: Arc<AtomicU64>,
}

impl Cdp {
    /// Connects to `ws://{debugger}/devtools/page/{target}`; events arrive on the receiver.
    pub(crate) async fn connect(
        debugger: &str,
        target: &str,
    ) -> Result<(Self, mpsc::UnboundedReceiver<CdpEvent>)> {
        let url = format!("ws://{debugger}/devtools/page/{target}");
        let (ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .map_err(|e| CaptchaError::Cdp(format!("connect: {e}")))?;
        let (mut sink, mut stream) = ws.split();
        let (out, mut out_rx) = mpsc::unbounded_channel::<Message>();
        let (ev_tx, ev_rx) = mpsc::unbounded_channel();
        let pending: Pending = Arc::default();
        tokio::spawn(async move {
            while let Some(m) = out_rx.recv().await {
                if sink.send(m).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let waiting = pending.clone();
        tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                let Message::Text(text) = msg else { continue };
                let Ok(v) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                if let Some(id) = v.get("id").and_then(Value::as_u64) {
                    let tx = waiting
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .remove(&id);
                    if let Some(tx) = tx {
                        let r = match v.get("error") {
                            Some(e) => Err(CaptchaError::Cdp(e.to_string())),
                            None => Ok(v.get("result").cloned().unwrap_or(Value::Null)),
                        };
                        let _ = tx.send(r);
                    }
                } else if let Some(method) = v.get("method").and_then(Value::as_str) {
                    let params = v.get("params").cloned().unwrap_or(Value::Null);
                    if ev_tx.send((method.to_owned(), params)).is_err() {
                        break;
                    }
                }
            }
            // the socket is gone: fail whatever still waits
            waiting.lock().unwrap_or_else(|p| p.into_inner()).clear();
        });
        Ok((
            Self {
                out,
                pending,
                next: Arc::new(AtomicU64::new(1)),
            },
            ev_rx,
        ))
    }

    /// Sends `method` and waits for its result.
    pub(crate) async fn call(&self, method: &str, params: Value) -> Result<Value> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, tx);
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        if self.out.send(Message::text(msg)).is_err() {
            return Err(CaptchaError::Cdp("the DevTools socket is closed".into()));
        }
        match tokio::time::timeout(CALL_TIMEOUT, rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err(CaptchaError::Cdp(format!("{method}: socket closed"))),
            Err(_) => {
                self.pending
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&id);
                Err(CaptchaError::Cdp(format!("{method}: timed out")))
            }
        }
    }

    /// Sends `method` without waiting for its answer (screencast acks).
    pub(crate) fn send(&self, method: &str, params: Value) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        let _ = self.out.send(Message::text(msg));
    }
}

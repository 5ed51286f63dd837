//! Sending through one account's live connection: [`AccountSender`] (text, images, mtop calls
//! with the live cookies) and the server's verdict on a send.

use crate::error::{Result, RunnerError};
use crate::events::RunnerEvent;
use crate::{blocking, now_ms};
use goofish_protocol::lwp::SendContent;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};
use xianyu_domain::{AccountId, MessageDirection, MessageLog, MessageRecord};

/// The server's verdict on a send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum SendVerdict {
    /// Accepted; the server message id when the response carried one.
    Accepted {
        /// `<n>.PNM`.
        message_id: Option<String>,
    },
    /// Rejected, e.g. `消息包含违规内容（CSI_FORBID||安全拦截）` from the content filter.
    Rejected {
        /// `reason（moreInfo）`.
        reason: String,
    },
    /// No answer within the wait limit; the reference counts this as "not rejected".
    Unconfirmed,
}

impl From<goofish_protocol::lwp::SendAnswer> for SendVerdict {
    fn from(a: goofish_protocol::lwp::SendAnswer) -> Self {
        match a {
            goofish_protocol::lwp::SendAnswer::Accepted { message_id } => {
                Self::Accepted { message_id }
            }
            goofish_protocol::lwp::SendAnswer::Rejected { reason } => Self::Rejected { reason },
        }
    }
}

impl SendVerdict {
    /// `accepted`, `rejected` or `unconfirmed`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Accepted { .. } => "accepted",
            Self::Rejected { .. } => "rejected",
            Self::Unconfirmed => "unconfirmed",
        }
    }

    /// Whether the send was not rejected.
    pub fn is_ok(&self) -> bool {
        !matches!(self, Self::Rejected { .. })
    }
}

/// The account's connection as senders see it. A send while the account reconnects waits for
/// the next session (within its timeout) instead of failing: a reply that falls into a
/// reconnect — a dropped socket between a buyer's message and the debounced answer — is sent,
/// not lost. A send while the account is parked (risk control, expired session, stopped) fails
/// at once.
#[derive(Debug)]
pub(crate) struct Link {
    state: AtomicU8,
    changed: tokio::sync::Notify,
}

impl Link {
    /// Not connected and not trying (parked, stopped).
    pub(crate) const PARKED: u8 = 0;
    /// Connecting, or backing off before the next attempt.
    pub(crate) const RECONNECTING: u8 = 1;
    /// Registered on the IM socket.
    pub(crate) const ONLINE: u8 = 2;

    /// A link in `state`.
    pub(crate) fn new(state: u8) -> Self {
        Self {
            state: AtomicU8::new(state),
            changed: tokio::sync::Notify::new(),
        }
    }

    /// Moves to `state` and wakes the waiting senders.
    pub(crate) fn set(&self, state: u8) {
        self.state.store(state, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    fn state(&self) -> u8 {
        self.state.load(Ordering::SeqCst)
    }

    /// Waits until online (`true`); `false` when parked or past `deadline`.
    async fn wait_online(&self, deadline: tokio::time::Instant) -> bool {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.state() {
                Self::ONLINE => return true,
                Self::PARKED => return false,
                _ => {}
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.state() == Self::ONLINE;
            }
        }
    }
}

/// A command for the account's live session.
pub(crate) enum SessionCmd {
    /// Send a message.
    Send {
        cid: String,
        to: String,
        content: SendContent,
        reply: oneshot::Sender<Result<SendVerdict>>,
    },
    /// Create (or get) the conversation with a buyer about an item.
    CreateConversation {
        buyer: String,
        item_id: String,
        reply: oneshot::Sender<Result<String>>,
    },
    /// A listing request (catch-up): the frame, its mid, and where the `(code, body)` goes.
    Rpc {
        frame: String,
        mid: String,
        reply: oneshot::Sender<Result<(i64, Option<serde_json::Value>)>>,
    },
    /// The refresher got a different token (session epoch, new token): re-register.
    TokenChanged(u64, String),
    /// The refresher hit an error that needs new cookies (session epoch).
    Fatal(u64, RunnerError),
}

/// Sends through one account's live connection; cheap to clone, handed to event handlers.
#[derive(Clone)]
pub struct AccountSender {
    pub(crate) account: AccountId,
    pub(crate) cmds: mpsc::Sender<SessionCmd>,
    pub(crate) link: Arc<Link>,
    pub(crate) messages: Arc<dyn MessageLog>,
    pub(crate) events: broadcast::Sender<RunnerEvent>,
    pub(crate) send_timeout: Duration,
    /// The account's live cookie jar (shared with its task), for image uploads.
    pub(crate) jar: Arc<std::sync::Mutex<goofish_protocol::cookies::CookieJar>>,
    /// The upload client and URL (the configured `Endpoints::upload_url`).
    pub(crate) uploader: Arc<crate::upload::Uploader>,
    /// The mtop client, for calls with the account's cookies.
    pub(crate) mtop: crate::MtopClient,
    /// Where cookies refreshed by those calls go.
    pub(crate) cookies: Arc<dyn xianyu_domain::CookieSink>,
    /// Where the account's counts go.
    pub(crate) metrics: Arc<dyn xianyu_domain::metrics::Metrics>,
}

impl std::fmt::Debug for AccountSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountSender")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl AccountSender {
    /// Counts one event of this account.
    pub(crate) fn count(&self, event: xianyu_domain::metrics::MetricEvent<'_>) {
        self.metrics.record(self.account, event);
    }

    /// Publishes a live event (nobody listening is fine).
    pub(crate) fn publish(&self, event: RunnerEvent) {
        let _ = self.events.send(event);
    }

    /// The account this sender belongs to.
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The account's Xianyu user id (`unb` of its cookie).
    pub fn unb(&self) -> String {
        self.jar
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .unb()
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether the account is registered on the IM socket right now.
    pub fn is_online(&self) -> bool {
        self.link.state() == Link::ONLINE
    }

    /// Sends `content` to buyer `to` in chat `cid` and reports the server's verdict (waits at
    /// most the configured send timeout). Records the message with `direction` unless rejected.
    pub async fn send(
        &self,
        cid: &str,
        to: &str,
        content: SendContent,
        direction: MessageDirection,
    ) -> Result<SendVerdict> {
        let deadline = tokio::time::Instant::now() + self.send_timeout;
        let verdict = loop {
            if !self.link.wait_online(deadline).await {
                return Err(RunnerError::NotConnected(self.account));
            }
            let (reply, rx) = oneshot::channel();
            let cmd = SessionCmd::Send {
                cid: cid.to_owned(),
                to: to.to_owned(),
                content: content.clone(),
                reply,
            };
            self.cmds
                .send(cmd)
                .await
                .map_err(|_| RunnerError::NotRunning(self.account))?;
            match tokio::time::timeout_at(deadline, rx).await {
                Ok(Ok(result)) => break result?,
                // dropped unsent: the session ended before taking it; wait for the next one
                Ok(Err(_)) => continue,
                Err(_) => break SendVerdict::Unconfirmed,
            }
        };
        log::info!(target: "xianyu_runner::send", account = self.account.0; "send to chat {cid}: {}", if verdict.is_ok() { "ok" } else { "rejected" });
        self.count(xianyu_domain::metrics::MetricEvent::MessageOut {
            verdict: verdict.name(),
        });
        if verdict.is_ok() {
            let record = MessageRecord {
                account: self.account,
                cid: cid.to_owned(),
                message_id: match &verdict {
                    SendVerdict::Accepted { message_id } => message_id.clone(),
                    _ => None,
                },
                peer_id: Some(to.to_owned()),
                peer_name: None,
                item_id: None,
                direction,
                text: crate::echo::content_key(&content),
                at: now_ms(),
            };
            let log = self.messages.clone();
            if let Err(e) = blocking(move || log.record_message(&record)).await {
                log::warn!(target: "xianyu_runner::send", account = self.account.0; "record sent message: {e}");
            }
        }
        let _ = self.events.send(RunnerEvent::MessageSent {
            account: self.account,
            cid: cid.to_owned(),
            to: to.to_owned(),
            content,
            verdict: verdict.clone(),
        });
        Ok(verdict)
    }

    /// Sends a text (see [`AccountSender::send`]).
    pub async fn send_text(
        &self,
        cid: &str,
        to: &str,
        text: &str,
        direction: MessageDirection,
    ) -> Result<SendVerdict> {
        self.send(cid, to, SendContent::Text(text.to_owned()), direction)
            .await
    }

    /// Uploads a JPEG to the Goofish CDN with the account's current cookies (spec §2.5) and
    /// returns the `https://` CDN URL. Works whether or not the IM socket is connected.
    /// [`RunnerError::UploadLoginPage`] means the cookies are no longer valid.
    pub async fn upload_image(&self, file_name: &str, jpeg: Vec<u8>) -> Result<String> {
        let cookie = self
            .jar
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .to_header();
        let image = crate::upload::upload_image(
            self.uploader.http()?,
            &self.uploader.url,
            &cookie,
            file_name,
            jpeg,
        )
        .await;
        match image {
            Ok(image) => {
                log::info!(target: "xianyu_runner::upload", account = self.account.0; "image uploaded");
                Ok(image.url)
            }
            Err(e) => {
                log::warn!(target: "xianyu_runner::upload", account = self.account.0; "image upload failed: {}", e.code());
                Err(e)
            }
        }
    }

    /// A signed mtop call with the account's live cookies (spec §2); refreshed cookies are
    /// kept and persisted. Works whether or not the IM socket is connected. Returns `data` of
    /// the successful answer.
    pub async fn mtop(
        &self,
        req: &goofish_protocol::mtop::MtopRequest,
    ) -> Result<serde_json::Value> {
        let reply = crate::mtop_client::call_shared(
            &self.mtop,
            &self.cookies,
            &*self.metrics,
            self.account,
            &self.jar,
            req,
        )
        .await;
        if let Err(e) = &reply {
            log::warn!(target: "xianyu_runner::mtop", account = self.account.0; "{} failed: {}", req.api, e.code());
        }
        Ok(reply?.data)
    }

    /// Creates (or gets) the conversation between buyer `buyer` and this account about
    /// `item_id`; returns its cid.
    pub async fn create_conversation(&self, buyer: &str, item_id: &str) -> Result<String> {
        if !self.is_online() {
            return Err(RunnerError::NotConnected(self.account));
        }
        let (reply, rx) = oneshot::channel();
        let cmd = SessionCmd::CreateConversation {
            buyer: buyer.to_owned(),
            item_id: item_id.to_owned(),
            reply,
        };
        self.cmds
            .send(cmd)
            .await
            .map_err(|_| RunnerError::NotRunning(self.account))?;
        match tokio::time::timeout(self.send_timeout, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(RunnerError::NotConnected(self.account)),
            Err(_) => Err(RunnerError::Timeout("conversation create")),
        }
    }
}

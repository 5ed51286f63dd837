//! QR-code logins (spec §5, plain HTTP, no browser): a login is started for a user, its code
//! drawn locally as SVG, and polled in the background until it is confirmed, expires or is
//! cancelled. A confirmed login creates the account, or replaces the cookie of the user's
//! account with the same `unb`. "Scanned, confirm on the phone" and "face verification needed"
//! are inbox tasks while they last.

use crate::inbox::Inbox;
use crate::runner_host::RunnerHost;
use crate::user_events::UserEvents;
use goofish_protocol::cookies::CookieJar;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use utoipa::ToSchema;
use xianyu_domain::verification::{NewVerification, VerificationKind, VerificationState};
use xianyu_domain::{AccountId, PauseMinutes, UserId, XianyuUserId};
use xianyu_persistence::{NewAccount, Store, StoreError};
use xianyu_runner::{
    AccountChange, QR_POLL_ERROR_BACKOFF, QR_POLL_INTERVAL, QR_SESSION_LIFETIME, QrLoginClient,
    QrPoll,
};

const TARGET: &str = "xianyu::qr_login";
/// How long a finished login can still be read.
const KEEP_FINISHED: Duration = Duration::from_secs(600);
/// Consecutive failed polls after which the login fails.
const MAX_POLL_ERRORS: u32 = 5;

/// One QR login as the dashboard sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QrLoginView {
    /// Its id.
    pub id: String,
    /// waiting, scanned, confirmed, expired, cancelled, verification_required or failed.
    #[schema(example = "waiting")]
    pub state: &'static str,
    /// The QR code as an SVG document (in the answers of POST and GET, not in live events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub svg: Option<String>,
    /// When the code stops working (ms).
    pub expires_at: i64,
    /// The account created or updated, once confirmed.
    pub account_id: Option<i64>,
    /// `true`: a new account; `false`: an existing account's cookie was replaced.
    pub created: Option<bool>,
    /// Where the identity verification is, while `verification_required`.
    pub verification_url: Option<String>,
    /// Why it failed, when it did.
    pub message: Option<String>,
}

struct Entry {
    user: UserId,
    view: QrLoginView,
    svg: String,
    cancel: Arc<Notify>,
    finished: Option<Instant>,
}

/// The running QR logins of a server.
pub struct QrLogins {
    client: QrLoginClient,
    store: Store,
    runner: Arc<RunnerHost>,
    inbox: Arc<Inbox>,
    events: UserEvents,
    logs: Arc<xianyu_logs::Collector>,
    entries: Mutex<HashMap<String, Entry>>,
}

/// Why a login could not start.
#[derive(Debug)]
pub struct QrStartError(pub String);

fn svg_of(content: &str) -> Result<String, QrStartError> {
    let code = qrcode::QrCode::with_error_correction_level(content.as_bytes(), qrcode::EcLevel::L)
        .map_err(|e| QrStartError(format!("cannot draw the QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl QrLogins {
    /// The logins of a server, against the passport at `endpoints`.
    pub fn new(
        endpoints: &xianyu_runner::Endpoints,
        store: Store,
        runner: Arc<RunnerHost>,
        inbox: Arc<Inbox>,
        events: UserEvents,
        logs: Arc<xianyu_logs::Collector>,
    ) -> Result<Arc<Self>, String> {
        let client =
            QrLoginClient::new(endpoints, Duration::from_secs(15)).map_err(|e| e.to_string())?;
        Ok(Arc::new(Self {
            client,
            store,
            runner,
            inbox,
            events,
            logs,
            entries: Mutex::default(),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a login for `user`: the code is ready when this returns.
    pub async fn start(self: &Arc<Self>, user: UserId) -> Result<QrLoginView, QrStartError> {
        self.lock()
            .retain(|_, e| e.finished.is_none_or(|t| t.elapsed() < KEEP_FINISHED));
        let me = self.clone();
        let ticket = self
            .runner
            .runtime()
            .spawn(async move { me.client.start().await })
            .await
            .map_err(|e| QrStartError(e.to_string()))?
            .map_err(|e| QrStartError(e.to_string()))?;
        let svg = svg_of(ticket.code_content())?;
        let id = hex::encode(rand::random::<[u8; 16]>());
        let view = QrLoginView {
            id: id.clone(),
            state: "waiting",
            svg: None,
            expires_at: now_ms() + QR_SESSION_LIFETIME.as_millis() as i64,
            account_id: None,
            created: None,
            verification_url: None,
            message: None,
        };
        let cancel = Arc::new(Notify::new());
        self.lock().insert(
            id.clone(),
            Entry {
                user,
                view: view.clone(),
                svg: svg.clone(),
                cancel: cancel.clone(),
                finished: None,
            },
        );
        log::info!(target: TARGET, user = user.0; "QR login started");
        let me = self.clone();
        self.runner
            .runtime()
            .spawn(async move { me.poll_until_done(id, user, ticket, cancel).await });
        Ok(QrLoginView {
            svg: Some(svg),
            ..view
        })
    }

    /// The login `id` of `user`, with its code.
    pub fn get(&self, user: UserId, id: &str) -> Option<QrLoginView> {
        self.lock()
            .get(id)
            .filter(|e| e.user == user)
            .map(|e| QrLoginView {
                svg: Some(e.svg.clone()),
                ..e.view.clone()
            })
    }

    /// Cancels the login `id` of `user` (a finished one stays as it is).
    pub fn cancel(&self, user: UserId, id: &str) -> Option<QrLoginView> {
        let view = {
            let mut entries = self.lock();
            let e = entries.get_mut(id).filter(|e| e.user == user)?;
            if e.finished.is_none() {
                e.view.state = "cancelled";
                e.finished = Some(Instant::now());
                e.cancel.notify_one();
            }
            e.view.clone()
        };
        self.publish(user, &view);
        Some(view)
    }

    fn publish(&self, user: UserId, view: &QrLoginView) {
        self.events.publish(
            user,
            serde_json::json!({"type": "qr_login", "qr_login": view}),
        );
    }

    /// Changes the login's view; returns `false` when it was finished meanwhile (cancelled).
    fn update(&self, id: &str, f: impl FnOnce(&mut QrLoginView), finish: bool) -> bool {
        let (user, view) = {
            let mut entries = self.lock();
            let Some(e) = entries.get_mut(id) else {
                return false;
            };
            if e.finished.is_some() {
                return false;
            }
            let before = e.view.clone();
            f(&mut e.view);
            if finish {
                e.finished = Some(Instant::now());
            }
            if before.state == e.view.state && !finish {
                return true;
            }
            (e.user, e.view.clone())
        };
        self.publish(user, &view);
        true
    }

    async fn poll_until_done(
        self: Arc<Self>,
        id: String,
        user: UserId,
        ticket: xianyu_runner::QrTicket,
        cancel: Arc<Notify>,
    ) {
        let mut tasks = Tasks::default();
        let mut errors = 0;
        let end = loop {
            tokio::select! {
                _ = tokio::time::sleep(QR_POLL_INTERVAL) => {}
                _ = cancel.notified() => break Finish::Cancelled,
            }
            if ticket.is_expired() {
                break Finish::Expired;
            }
            let polled = match self.client.poll(&ticket).await {
                Ok(p) => {
                    errors = 0;
                    p
                }
                Err(e) => {
                    errors += 1;
                    if errors >= MAX_POLL_ERRORS {
                        break Finish::Failed(e.to_string());
                    }
                    tokio::time::sleep(QR_POLL_ERROR_BACKOFF).await;
                    continue;
                }
            };
            match polled.status {
                QrPoll::Waiting => {}
                QrPoll::Scanned => {
                    if !self.update(&id, |v| v.state = "scanned", false) {
                        break Finish::Cancelled;
                    }
                    tasks
                        .open(&self, user, VerificationKind::QrConfirmation, None)
                        .await;
                }
                QrPoll::VerificationRequired { url } => {
                    let u = url.clone();
                    if !self.update(
                        &id,
                        |v| {
                            v.state = "verification_required";
                            v.verification_url = u;
                        },
                        false,
                    ) {
                        break Finish::Cancelled;
                    }
                    tasks.open(&self, user, VerificationKind::Face, url).await;
                }
                QrPoll::Confirmed => {
                    let Some(jar) = polled.cookies else {
                        break Finish::Failed("confirmed without login cookies".into());
                    };
                    break match self.client.complete(jar).await {
                        Ok(cookie) => match self.apply(user, cookie).await {
                            Ok((account, created)) => Finish::Confirmed(account, created),
                            Err(e) => Finish::Failed(e),
                        },
                        Err(e) => Finish::Failed(e.to_string()),
                    };
                }
                QrPoll::Expired => break Finish::Expired,
                QrPoll::Cancelled { .. } => break Finish::Cancelled,
            }
        };
        let solved = matches!(end, Finish::Confirmed(..));
        match end {
            Finish::Confirmed(account, created) => {
                log::info!(target: TARGET, user = user.0, account = account.0; "QR login confirmed ({})", if created { "new account" } else { "cookie replaced" });
                self.update(
                    &id,
                    |v| {
                        v.state = "confirmed";
                        v.account_id = Some(account.0);
                        v.created = Some(created);
                    },
                    true,
                );
            }
            Finish::Expired => {
                self.update(&id, |v| v.state = "expired", true);
            }
            Finish::Cancelled => {
                self.update(&id, |v| v.state = "cancelled", true);
            }
            Finish::Failed(m) => {
                log::warn!(target: TARGET, user = user.0; "QR login failed: {m}");
                self.update(
                    &id,
                    |v| {
                        v.state = "failed";
                        v.message = Some(m);
                    },
                    true,
                );
            }
        }
        tasks.close(&self, solved).await;
    }

    /// Creates the account of `cookie`'s `unb` for `user`, or replaces its cookie; restarts it.
    async fn apply(&self, user: UserId, cookie: String) -> Result<(AccountId, bool), String> {
        let store = self.store.clone();
        let (account, created, enabled) = tokio::task::spawn_blocking(move || {
            let jar = CookieJar::parse(&cookie);
            let unb = jar.unb().ok_or("the login cookies have no unb")?;
            let unb = XianyuUserId::parse(unb).map_err(|e| e.to_string())?;
            let cookie = jar.to_header();
            let existing = store
                .list_accounts(user, None, 10_000)
                .map_err(|e| e.to_string())?
                .into_iter()
                .find(|a| a.xianyu_user_id == unb.as_str());
            let r: Result<_, StoreError> = match existing {
                Some(a) => store
                    .set_account_cookie(user, a.id, &cookie)
                    .map(|a| (a.id, false, a.enabled)),
                None => store
                    .create_account(
                        user,
                        &NewAccount {
                            xianyu_user_id: unb.as_str().to_owned(),
                            cookie,
                            remark: String::new(),
                            enabled: true,
                            auto_confirm: true,
                            pause_minutes: PauseMinutes::DEFAULT.get(),
                        },
                    )
                    .map(|a| (a.id, true, a.enabled)),
            };
            r.map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())??;
        if created {
            self.logs.set_owner(account.0, user.0);
        }
        if enabled {
            self.runner.notify(if created {
                AccountChange::Created(account)
            } else {
                AccountChange::CookieReplaced(account)
            });
        }
        Ok((account, created))
    }
}

enum Finish {
    Confirmed(AccountId, bool),
    Expired,
    Cancelled,
    Failed(String),
}

/// The inbox tasks a login opened (one per kind).
#[derive(Default)]
struct Tasks(Vec<(VerificationKind, i64)>);

impl Tasks {
    async fn open(
        &mut self,
        q: &Arc<QrLogins>,
        user: UserId,
        kind: VerificationKind,
        url: Option<String>,
    ) {
        if self.0.iter().any(|(k, _)| *k == kind) {
            return;
        }
        let inbox = q.inbox.clone();
        let new = NewVerification {
            user_id: user,
            account_id: None,
            kind,
            url,
        };
        match tokio::task::spawn_blocking(move || inbox.open_task(&new)).await {
            Ok(Ok(t)) => self.0.push((kind, t.id)),
            Ok(Err(e)) => log::warn!(target: TARGET, "inbox task not opened: {e}"),
            Err(e) => log::warn!(target: TARGET, "inbox task not opened: {e}"),
        }
    }

    async fn close(self, q: &Arc<QrLogins>, solved: bool) {
        let inbox = q.inbox.clone();
        let state = if solved {
            VerificationState::Solved
        } else {
            VerificationState::Expired
        };
        let _ = tokio::task::spawn_blocking(move || {
            for (_, id) in self.0 {
                if let Err(e) = inbox.close_task(id, state, None) {
                    log::warn!(target: TARGET, "inbox task not closed: {e}");
                }
            }
        })
        .await;
    }
}

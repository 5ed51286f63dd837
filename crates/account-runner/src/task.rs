//! The per-account task: token, connect, register, backoff, token refresh and state
//! classification (spec §4, without the quirks of §7).

use crate::catchup::{self, CatchUp};
use crate::config::{Endpoints, RunnerConfig};
use crate::connection::{self, SessionEnd, SessionSetup};
use crate::dispatch::Dispatcher;
use crate::echo::EchoRegistry;
use crate::error::{Result, RunnerError};
use crate::events::RunnerEvent;
use crate::handler::EventHandler;
use crate::mtop_client::MtopClient;
use crate::sender::{AccountSender, Link, SessionCmd};
use crate::supervisor::Ports;
use crate::{blocking, now_ms};
use goofish_protocol::cookies::CookieJar;
use goofish_protocol::ids;
use std::sync::atomic::{AtomicI64, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;
use xianyu_domain::metrics::MetricEvent;
use xianyu_domain::{AccountId, AccountRuntimeStatus, AccountStatus, RunnableAccount};

const TARGET: &str = "xianyu_runner::task";

/// What every task shares.
pub(crate) struct TaskDeps {
    pub ports: Ports,
    pub endpoints: Endpoints,
    pub cfg: Arc<RunnerConfig>,
    pub handler: Arc<dyn EventHandler>,
    pub events: broadcast::Sender<RunnerEvent>,
    pub mtop: MtopClient,
}

/// The IM token and the device id it was issued for (they are only valid together).
#[derive(Clone)]
struct TokenState {
    token: String,
    fetched: Instant,
}

/// Publishes state transitions to the status port, the in-memory snapshot and the feed.
#[derive(Clone)]
pub(crate) struct StatusPublisher {
    pub account: AccountId,
    pub deps: Arc<TaskDeps>,
    pub current: Arc<Mutex<AccountRuntimeStatus>>,
    pub last_frame_at: Arc<AtomicI64>,
}

impl StatusPublisher {
    pub(crate) async fn set(
        &self,
        status: AccountStatus,
        last_error: Option<String>,
        next_retry_at: Option<i64>,
        captcha_url: Option<String>,
    ) {
        let frame = self.last_frame_at.load(Ordering::SeqCst);
        let snapshot = AccountRuntimeStatus {
            status,
            last_error,
            last_frame_at: (frame > 0).then_some(frame),
            next_retry_at,
            captcha_url,
        };
        {
            let mut cur = self.current.lock().unwrap_or_else(|p| p.into_inner());
            if cur.status != status {
                log::info!(target: TARGET, account = self.account.0; "{} -> {}", cur.status.as_str(), status.as_str());
            }
            *cur = snapshot.clone();
        }
        let sink = self.deps.ports.status.clone();
        let (account, snap) = (self.account, snapshot.clone());
        if let Err(e) = blocking(move || sink.record_status(account, &snap)).await {
            log::warn!(target: TARGET, account = self.account.0; "status port failed: {}", e.code());
        }
        let _ = self.deps.events.send(RunnerEvent::StatusChanged {
            account: self.account,
            status: snapshot,
        });
    }
}

/// Shared between the task, its refresher and the supervisor.
pub(crate) struct AccountTask {
    pub deps: Arc<TaskDeps>,
    pub account: RunnableAccount,
    pub publisher: StatusPublisher,
    pub link: Arc<crate::sender::Link>,
    pub sender: AccountSender,
    pub jar: Arc<Mutex<CookieJar>>,
    pub pause_minutes: Arc<AtomicU16>,
}

impl AccountTask {
    fn jar_snapshot(&self) -> CookieJar {
        self.jar.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Fetches a token with the current jar; merges and persists changed cookies.
    async fn fetch_token(&self, did: &str) -> Result<String> {
        fetch_token(&self.deps, self.account.id, &self.jar, did).await
    }

    /// Runs until `stop` fires. `cmds` carries sends from the supervisor and refresher signals.
    pub(crate) async fn run(
        self,
        mut cmds: mpsc::Receiver<SessionCmd>,
        mut stop: watch::Receiver<bool>,
    ) {
        let id = self.account.id;
        let Some(unb) = self.jar_snapshot().unb().map(str::to_owned) else {
            self.link.set(Link::PARKED);
            let msg = "the cookie has no unb".to_owned();
            self.publisher
                .set(AccountStatus::CookieInvalid, Some(msg), None, None)
                .await;
            park(&mut cmds, &mut stop, id).await;
            return;
        };
        let cfg = self.deps.cfg.clone();
        let echo = Arc::new(EchoRegistry::new(cfg.echo_window));
        let (inbound_tx, inbound_rx) = mpsc::unbounded_channel();
        let dispatcher = Dispatcher {
            account: id,
            unb: unb.clone(),
            pause_minutes: self.pause_minutes.clone(),
            messages: self.deps.ports.messages.clone(),
            handler: self.deps.handler.clone(),
            echo: echo.clone(),
            events: self.deps.events.clone(),
            sender: self.sender.clone(),
            debounce_window: cfg.debounce_window,
        };
        let dispatch_task = tokio::spawn(dispatcher.run(inbound_rx));
        let did = ids::device_id(&unb, &mut rand::rng());
        let mut token: Option<TokenState> = None;
        let mut failures: u32 = 0;
        let mut epoch: u64 = 0;
        // The last frame of this task's previous registered session: where catch-up starts.
        let mut last_online: Option<i64> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            self.publisher
                .set(AccountStatus::Connecting, None, None, None)
                .await;
            let stale = token
                .as_ref()
                .is_none_or(|t| t.fetched.elapsed() >= cfg.token_refresh_interval);
            if stale {
                let fetched = tokio::select! {
                    r = self.fetch_token(&did) => r,
                    _ = stopped(&mut stop) => break,
                };
                match fetched {
                    Ok(t) => {
                        token = Some(TokenState {
                            token: t,
                            fetched: Instant::now(),
                        });
                    }
                    Err(e) if e.needs_new_cookies() => {
                        self.wait_for_cookies(e, &mut cmds, &mut stop).await;
                        break;
                    }
                    Err(e) => {
                        failures += 1;
                        if !self.backoff(failures, &e, &mut cmds, &mut stop).await {
                            break;
                        }
                        continue;
                    }
                }
            }
            let Some(current) = token.clone() else {
                continue;
            };
            epoch += 1;
            let setup = SessionSetup {
                account: id,
                ws_url: self.deps.endpoints.ws_url.clone(),
                cookie_header: self.jar_snapshot().to_header(),
                token: current.token.clone(),
                did: did.clone(),
                unb: unb.clone(),
                cfg: cfg.clone(),
                echo: echo.clone(),
                inbound: inbound_tx.clone(),
                last_frame_at: self.publisher.last_frame_at.clone(),
                epoch,
            };
            let opened = tokio::select! {
                r = connection::open(setup) => r,
                _ = stopped(&mut stop) => break,
            };
            let session = match opened {
                Ok(s) => s,
                Err(e) => {
                    failures += 1;
                    if matches!(e, RunnerError::RegRejected(_) | RunnerError::Closed { .. }) {
                        token = None;
                    }
                    if !self.backoff(failures, &e, &mut cmds, &mut stop).await {
                        break;
                    }
                    continue;
                }
            };
            let started = Instant::now();
            self.link.set(Link::ONLINE);
            self.publisher
                .set(AccountStatus::Online, None, None, None)
                .await;
            let refresher = tokio::spawn(refresh_loop(
                self.deps.clone(),
                id,
                self.jar.clone(),
                did.clone(),
                current.token.clone(),
                self.sender.cmds.clone(),
                epoch,
            ));
            let catch_up = tokio::spawn(
                CatchUp {
                    account: id,
                    unb: unb.clone(),
                    cmds: self.sender.cmds.clone(),
                    inbound: inbound_tx.clone(),
                    horizon_ms: catchup::horizon(last_online, now_ms(), cfg.catchup_lookback),
                    fresh_after_ms: catchup::fresh_after(cfg.catchup_max_age),
                    delay: cfg.catchup_delay,
                }
                .run(),
            );
            let end = session.run(&mut cmds, &mut stop).await;
            refresher.abort();
            catch_up.abort();
            last_online =
                Some(self.publisher.last_frame_at.load(Ordering::SeqCst)).filter(|&t| t > 0);
            self.link.set(Link::RECONNECTING);
            match end {
                SessionEnd::Stopped => break,
                SessionEnd::TokenChanged(new_token) => {
                    log::info!(target: TARGET, account = id.0; "token changed, re-registering");
                    token = Some(TokenState {
                        token: new_token,
                        fetched: Instant::now(),
                    });
                    failures = 0;
                }
                SessionEnd::Failed(e) if e.needs_new_cookies() => {
                    self.wait_for_cookies(e, &mut cmds, &mut stop).await;
                    break;
                }
                SessionEnd::Failed(e) => {
                    if started.elapsed() < cfg.fast_close_threshold {
                        failures += 1;
                        token = None;
                    } else {
                        failures = 1;
                    }
                    log::info!(target: TARGET, account = id.0; "connection ended after {:?}: {}", started.elapsed(), e.code());
                    if !self.backoff(failures, &e, &mut cmds, &mut stop).await {
                        break;
                    }
                }
            }
        }
        self.link.set(Link::PARKED);
        drop(inbound_tx);
        let _ = dispatch_task.await;
    }

    /// Publishes `backoff` and sleeps; false when stopped meanwhile.
    async fn backoff(
        &self,
        failures: u32,
        err: &RunnerError,
        cmds: &mut mpsc::Receiver<SessionCmd>,
        stop: &mut watch::Receiver<bool>,
    ) -> bool {
        self.deps
            .ports
            .metrics
            .record(self.account.id, MetricEvent::Reconnect);
        let delay = self.deps.cfg.backoff_delay(failures, rand::random::<f64>());
        let next = now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
        log::info!(target: TARGET, account = self.account.id.0; "{} (failure {failures}), retry in {delay:?}", err.code());
        self.publisher
            .set(
                AccountStatus::Backoff,
                Some(err.to_string()),
                Some(next),
                None,
            )
            .await;
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => return true,
                _ = stopped(stop) => return false,
                cmd = cmds.recv() => match cmd {
                    Some(cmd) => reject(cmd, self.account.id),
                    None => return false,
                },
            }
        }
    }

    /// Publishes the state that needs new cookies and waits for the stop signal (the
    /// supervisor restarts the task when a new cookie arrives): no blind retry loop.
    async fn wait_for_cookies(
        &self,
        err: RunnerError,
        cmds: &mut mpsc::Receiver<SessionCmd>,
        stop: &mut watch::Receiver<bool>,
    ) {
        self.link.set(Link::PARKED);
        let (status, url) = match &err {
            RunnerError::SessionExpired => (AccountStatus::SessionExpired, None),
            RunnerError::CaptchaRequired { url } => (AccountStatus::CaptchaRequired, url.clone()),
            _ => (AccountStatus::CookieInvalid, None),
        };
        self.deps.ports.metrics.record(
            self.account.id,
            MetricEvent::Risk {
                kind: status.as_str(),
            },
        );
        self.publisher
            .set(status, Some(err.to_string()), None, url)
            .await;
        park(cmds, stop, self.account.id).await;
    }
}

/// Fetches a token with the shared jar and persists the cookies when they changed.
async fn fetch_token(
    deps: &TaskDeps,
    id: AccountId,
    jar: &Mutex<CookieJar>,
    did: &str,
) -> Result<String> {
    let req = goofish_protocol::mtop::login_token(did);
    let token = match crate::mtop_client::call_shared(
        &deps.mtop,
        &deps.ports.cookies,
        &*deps.ports.metrics,
        id,
        jar,
        &req,
    )
    .await
    {
        Ok(reply) => crate::mtop_client::access_token(&reply.data),
        Err(e) => Err(e),
    };
    let result = token.as_ref().map_or_else(RunnerError::code, |_| "ok");
    deps.ports
        .metrics
        .record(id, MetricEvent::TokenRefresh { result });
    token
}

/// While connected: refresh the token every interval; a different token ends the session
/// (re-register, the zombie-socket fix), an error needing new cookies ends it too.
async fn refresh_loop(
    deps: Arc<TaskDeps>,
    id: AccountId,
    jar: Arc<Mutex<CookieJar>>,
    did: String,
    current: String,
    cmds: mpsc::Sender<SessionCmd>,
    epoch: u64,
) {
    let interval = deps.cfg.token_refresh_interval;
    loop {
        tokio::time::sleep(interval).await;
        match fetch_token(&deps, id, &jar, &did).await {
            Ok(token) if token != current => {
                let _ = cmds.send(SessionCmd::TokenChanged(epoch, token)).await;
                return;
            }
            Ok(_) => {}
            Err(e) if e.needs_new_cookies() => {
                let _ = cmds.send(SessionCmd::Fatal(epoch, e)).await;
                return;
            }
            Err(e) => {
                log::warn!(target: TARGET, account = id.0; "token refresh failed: {}", e.code());
            }
        }
    }
}

/// Resolves when the stop flag is set or its sender is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        if stop.changed().await.is_err() {
            return;
        }
    }
}

fn reject(cmd: SessionCmd, id: AccountId) {
    match cmd {
        // dropped unanswered: it was never written, so the sender may wait for the next
        // session (a written send whose session died is answered `NotConnected` instead)
        SessionCmd::Send { reply, .. } => drop(reply),
        SessionCmd::CreateConversation { reply, .. } => {
            let _ = reply.send(Err(RunnerError::NotConnected(id)));
        }
        SessionCmd::Rpc { reply, .. } => {
            let _ = reply.send(Err(RunnerError::NotConnected(id)));
        }
        SessionCmd::TokenChanged(..) | SessionCmd::Fatal(..) => {}
    }
}

/// Waits for stop, dropping sends (their senders see the account parked and fail).
async fn park(
    cmds: &mut mpsc::Receiver<SessionCmd>,
    stop: &mut watch::Receiver<bool>,
    id: AccountId,
) {
    loop {
        tokio::select! {
            _ = stopped(stop) => return,
            cmd = cmds.recv() => match cmd {
                Some(cmd) => reject(cmd, id),
                None => { stopped(stop).await; return; }
            },
        }
    }
}

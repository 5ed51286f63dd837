//! The supervisor: one task per enabled account, started, stopped and restarted on account
//! changes; never two connections for one account in one process.

use crate::blocking;
use crate::config::{Endpoints, RunnerConfig};
use crate::error::{Result, RunnerError};
use crate::events::RunnerEvent;
use crate::handler::EventHandler;
use crate::mtop_client::MtopClient;
use crate::sender::{AccountSender, SendVerdict};
use crate::task::{AccountTask, StatusPublisher, TaskDeps};
use goofish_protocol::cookies::CookieJar;
use goofish_protocol::lwp::SendContent;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use xianyu_domain::{
    AccountId, AccountRuntimeStatus, AccountSource, AccountStatus, CookieSink, MessageDirection,
    MessageLog, RunnableAccount, StatusSink,
};

const TARGET: &str = "xianyu_runner::supervisor";
/// Capacity of the live-events broadcast channel.
const EVENT_CAPACITY: usize = 1024;
/// Capacity of each account's command channel.
const CMD_CAPACITY: usize = 64;
/// How long a stopping task may take before it is aborted.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The storage ports the runner uses.
#[derive(Clone)]
pub struct Ports {
    /// Which accounts to run.
    pub accounts: Arc<dyn AccountSource>,
    /// Where refreshed cookies go.
    pub cookies: Arc<dyn CookieSink>,
    /// Where connection states go.
    pub status: Arc<dyn StatusSink>,
    /// Dedupe, history and chat pauses.
    pub messages: Arc<dyn MessageLog>,
    /// Where the per-account counts go (`NoMetrics` to count nothing).
    pub metrics: Arc<dyn xianyu_domain::metrics::Metrics>,
}

/// A change to an account that the supervisor must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    /// A new account was saved.
    Created(AccountId),
    /// The account was switched on.
    Enabled(AccountId),
    /// The account was switched off.
    Disabled(AccountId),
    /// The account was deleted.
    Deleted(AccountId),
    /// The account got a new cookie (e.g. after a captcha or re-login): restart.
    CookieReplaced(AccountId),
    /// Other settings changed (pause minutes): applied in place, without reconnecting.
    SettingsChanged(AccountId),
}

struct TaskHandle {
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
    sender: AccountSender,
    status: Arc<Mutex<AccountRuntimeStatus>>,
    last_frame_at: Arc<AtomicI64>,
    pause_minutes: Arc<AtomicU16>,
}

struct Inner {
    deps: Arc<TaskDeps>,
    /// The image upload client, shared by every account's sender.
    uploader: Arc<crate::upload::Uploader>,
    tasks: Mutex<HashMap<AccountId, TaskHandle>>,
    ops: tokio::sync::Mutex<()>,
    shut_down: AtomicBool,
}

/// Runs one supervised connection per enabled account. Cheap to clone.
#[derive(Clone)]
pub struct Supervisor {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Supervisor")
            .field("running", &self.running())
            .finish()
    }
}

impl Supervisor {
    /// Builds the supervisor and starts a task for every enabled account.
    pub async fn start(
        ports: Ports,
        endpoints: Endpoints,
        config: RunnerConfig,
        handler: Arc<dyn EventHandler>,
    ) -> Result<Self> {
        let mtop = MtopClient::new(&endpoints.h5api_base, config.http_timeout)?;
        let uploader = Arc::new(crate::upload::Uploader::new(
            &endpoints.upload_url,
            config.http_timeout,
        )?);
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let deps = Arc::new(TaskDeps {
            ports,
            endpoints,
            cfg: Arc::new(config),
            handler,
            events,
            mtop,
        });
        let sup = Self {
            inner: Arc::new(Inner {
                deps,
                uploader,
                tasks: Mutex::new(HashMap::new()),
                ops: tokio::sync::Mutex::new(()),
                shut_down: AtomicBool::new(false),
            }),
        };
        let source = sup.inner.deps.ports.accounts.clone();
        let accounts = blocking(move || source.enabled_accounts()).await?;
        {
            let _guard = sup.inner.ops.lock().await;
            for account in accounts {
                sup.spawn(account);
            }
        }
        Ok(sup)
    }

    fn tasks(&self) -> std::sync::MutexGuard<'_, HashMap<AccountId, TaskHandle>> {
        self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Subscribes to the live-events feed (status changes, messages received and sent).
    pub fn subscribe(&self) -> broadcast::Receiver<RunnerEvent> {
        self.inner.deps.events.subscribe()
    }

    /// Announces that a chat's takeover pause was lifted (the pause lives in storage; whoever
    /// lifted it says so here, so that every open dashboard shows it).
    pub fn chat_resumed(&self, account: AccountId, cid: &str) {
        let _ = self.inner.deps.events.send(RunnerEvent::ChatResumed {
            account,
            cid: cid.to_owned(),
        });
    }

    /// Acts on an account change: (re)starts, stops or restarts its task.
    pub async fn apply(&self, change: AccountChange) -> Result<()> {
        let _guard = self.inner.ops.lock().await;
        if self.inner.shut_down.load(Ordering::SeqCst) {
            return Err(RunnerError::Shutdown);
        }
        match change {
            AccountChange::Created(id)
            | AccountChange::Enabled(id)
            | AccountChange::CookieReplaced(id) => {
                let source = self.inner.deps.ports.accounts.clone();
                let loaded = blocking(move || source.load(id)).await?;
                self.stop_task(id).await;
                match loaded {
                    Some(account) => self.spawn(account),
                    None => log::info!(target: TARGET, account = id.0; "not runnable, not started"),
                }
            }
            AccountChange::Disabled(id) => {
                self.stop_task(id).await;
                let sink = self.inner.deps.ports.status.clone();
                let status = AccountRuntimeStatus::new(AccountStatus::Disabled);
                let st = status.clone();
                blocking(move || sink.record_status(id, &st)).await?;
                let _ = self.inner.deps.events.send(RunnerEvent::StatusChanged {
                    account: id,
                    status,
                });
            }
            AccountChange::Deleted(id) => self.stop_task(id).await,
            AccountChange::SettingsChanged(id) => {
                let source = self.inner.deps.ports.accounts.clone();
                let loaded = blocking(move || source.load(id)).await?;
                let pause = self.tasks().get(&id).map(|h| h.pause_minutes.clone());
                match (loaded, pause) {
                    (Some(account), Some(pause)) => {
                        pause.store(account.pause_minutes, Ordering::SeqCst);
                    }
                    (Some(account), None) => self.spawn(account),
                    (None, _) => self.stop_task(id).await,
                }
            }
        }
        Ok(())
    }

    /// Starts the task of `account`; the caller holds `ops` and has stopped any old task.
    fn spawn(&self, account: RunnableAccount) {
        let deps = self.inner.deps.clone();
        let id = account.id;
        let (cmd_tx, cmd_rx) = mpsc::channel(CMD_CAPACITY);
        let (stop_tx, stop_rx) = watch::channel(false);
        let status = Arc::new(Mutex::new(AccountRuntimeStatus::new(
            AccountStatus::Offline,
        )));
        let link = Arc::new(crate::sender::Link::new(crate::sender::Link::RECONNECTING));
        let jar = Arc::new(Mutex::new(CookieJar::parse(&account.cookie)));
        let sender = AccountSender {
            account: id,
            cmds: cmd_tx,
            link: link.clone(),
            messages: deps.ports.messages.clone(),
            events: deps.events.clone(),
            send_timeout: deps.cfg.send_timeout,
            jar: jar.clone(),
            uploader: self.inner.uploader.clone(),
            mtop: deps.mtop.clone(),
            cookies: deps.ports.cookies.clone(),
            metrics: deps.ports.metrics.clone(),
        };
        let last_frame_at = Arc::new(AtomicI64::new(0));
        let publisher = StatusPublisher {
            account: id,
            deps: deps.clone(),
            current: status.clone(),
            last_frame_at: last_frame_at.clone(),
        };
        let pause_minutes = Arc::new(AtomicU16::new(account.pause_minutes));
        let task = AccountTask {
            pause_minutes: pause_minutes.clone(),
            deps,
            account,
            publisher,
            link,
            sender: sender.clone(),
            jar,
        };
        let join = tokio::spawn(task.run(cmd_rx, stop_rx));
        log::info!(target: TARGET, account = id.0; "task started");
        let handle = TaskHandle {
            stop: stop_tx,
            join,
            sender,
            status,
            last_frame_at,
            pause_minutes,
        };
        if let Some(old) = self.tasks().insert(id, handle) {
            // Unreachable by construction (stop_task runs first); never leave two running.
            old.join.abort();
        }
    }

    /// Stops the task of `id` and waits until its connection is gone.
    async fn stop_task(&self, id: AccountId) {
        let Some(handle) = self.tasks().remove(&id) else {
            return;
        };
        let _ = handle.stop.send(true);
        let mut join = handle.join;
        if tokio::time::timeout(STOP_GRACE, &mut join).await.is_err() {
            log::warn!(target: TARGET, account = id.0; "task did not stop in time, aborting");
            join.abort();
            let _ = join.await;
        }
        log::info!(target: TARGET, account = id.0; "task stopped");
    }

    /// Sends a message typed by the seller (dashboard) through the account's live connection.
    pub async fn send(
        &self,
        account: AccountId,
        cid: &str,
        to: &str,
        content: SendContent,
    ) -> Result<SendVerdict> {
        let sender = self
            .sender(account)
            .ok_or(RunnerError::NotRunning(account))?;
        sender
            .send(cid, to, content, MessageDirection::Dashboard)
            .await
    }

    /// The sender of a running account.
    pub fn sender(&self, account: AccountId) -> Option<AccountSender> {
        self.tasks().get(&account).map(|h| h.sender.clone())
    }

    /// The current runtime status of a running account (with the live last-frame time).
    pub fn status(&self, account: AccountId) -> Option<AccountRuntimeStatus> {
        self.tasks().get(&account).map(|h| {
            let mut st = h.status.lock().unwrap_or_else(|p| p.into_inner()).clone();
            let frame = h.last_frame_at.load(Ordering::SeqCst);
            if frame > 0 {
                st.last_frame_at = Some(frame);
            }
            st
        })
    }

    /// The accounts that have a task.
    pub fn running(&self) -> Vec<AccountId> {
        let mut ids: Vec<AccountId> = self.tasks().keys().copied().collect();
        ids.sort();
        ids
    }

    /// Stops every task (closing its socket), records them `offline` and refuses further
    /// changes. Dropping a `Supervisor` without calling this leaves the tasks running.
    pub async fn shutdown(&self) {
        let _guard = self.inner.ops.lock().await;
        self.inner.shut_down.store(true, Ordering::SeqCst);
        let ids: Vec<AccountId> = self.tasks().keys().copied().collect();
        for id in ids {
            self.stop_task(id).await;
            let sink = self.inner.deps.ports.status.clone();
            let status = AccountRuntimeStatus::new(AccountStatus::Offline);
            if let Err(e) = blocking(move || sink.record_status(id, &status)).await {
                log::warn!(target: TARGET, account = id.0; "recording offline failed: {}", e.code());
            }
        }
    }
}

/// Compile-time check that the port traits are object-safe as used here.
#[allow(dead_code)]
fn _ports_are_object_safe(
    _: &dyn AccountSource,
    _: &dyn CookieSink,
    _: &dyn StatusSink,
    _: &dyn MessageLog,
) {
}

//! Hosts the account runner on a runtime of its own, so the live Goofish connections never
//! compete with HTTP workers, and gives handlers a small handle to it.

use crate::bootstrap::BootstrapError;
use goofish_protocol::lwp::SendContent;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use xianyu_domain::AccountId;
use xianyu_domain::ports::AccountRuntimeStatus;
use xianyu_persistence::Store;
use xianyu_runner::{
    AccountChange, Endpoints, EventHandler, Ports, RunnerConfig, RunnerError, RunnerEvent,
    SendVerdict, Supervisor,
};

const SHUTDOWN_WAIT: Duration = Duration::from_secs(8);

/// The runner's runtime and supervisor.
pub struct RunnerHost {
    runtime: Mutex<Option<tokio::runtime::Runtime>>,
    handle: tokio::runtime::Handle,
    supervisor: Supervisor,
}

impl RunnerHost {
    /// Starts the runtime and a connection task for every enabled account. Callable from
    /// synchronous and asynchronous contexts alike.
    pub fn start(
        store: &Store,
        endpoints: Endpoints,
        config: RunnerConfig,
        handler: Arc<dyn EventHandler>,
    ) -> Result<Arc<Self>, BootstrapError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("xianyu-runner")
            .enable_all()
            .build()
            .map_err(|e| BootstrapError(format!("cannot start the account runner: {e}")))?;
        let ports = Ports {
            accounts: Arc::new(store.clone()),
            cookies: Arc::new(store.clone()),
            status: Arc::new(store.clone()),
            messages: Arc::new(store.clone()),
        };
        let (tx, rx) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            let _ = tx.send(Supervisor::start(ports, endpoints, config, handler).await);
        });
        let supervisor = rx
            .recv()
            .map_err(|e| BootstrapError(format!("account runner did not start: {e}")))?
            .map_err(|e| BootstrapError(format!("cannot start the account runner: {e}")))?;
        Ok(Arc::new(Self {
            handle: runtime.handle().clone(),
            runtime: Mutex::new(Some(runtime)),
            supervisor,
        }))
    }

    /// Tells the supervisor about an account change; it acts in the background.
    pub fn notify(&self, change: AccountChange) {
        let sup = self.supervisor.clone();
        self.handle.spawn(async move {
            if let Err(e) = sup.apply(change).await {
                log::warn!(target: "xianyu::runner", "{change:?} not applied: {e}");
            }
        });
    }

    /// Sends a message typed by the seller through the account's live connection.
    pub async fn send(
        &self,
        account: AccountId,
        cid: &str,
        to: &str,
        content: SendContent,
    ) -> Result<SendVerdict, RunnerError> {
        let sup = self.supervisor.clone();
        let (cid, to) = (cid.to_owned(), to.to_owned());
        self.handle
            .spawn(async move { sup.send(account, &cid, &to, content).await })
            .await
            .map_err(|_| RunnerError::Shutdown)?
    }

    /// The image message for upload `upload_id` sent through `account`: its remembered
    /// Goofish CDN URL, or the stored JPEG uploaded now with the account's cookies (see
    /// [`crate::auto_reply::upload_content`]). Runs on the runner's runtime.
    pub async fn upload_content(
        &self,
        store: &Store,
        dir: &std::path::Path,
        account: AccountId,
        upload_id: &str,
    ) -> Result<SendContent, RunnerError> {
        let sender = self
            .supervisor
            .sender(account)
            .ok_or(RunnerError::NotRunning(account))?;
        let (store, dir, id) = (store.clone(), dir.to_path_buf(), upload_id.to_owned());
        self.handle
            .spawn(async move {
                crate::auto_reply::upload_content(&store, &sender, &dir, account, &id).await
            })
            .await
            .map_err(|_| RunnerError::Shutdown)?
    }

    /// The live status of a running account.
    pub fn status(&self, account: AccountId) -> Option<AccountRuntimeStatus> {
        self.supervisor.status(account)
    }

    /// Subscribes to live events (status changes, messages).
    pub fn subscribe(&self) -> broadcast::Receiver<RunnerEvent> {
        self.supervisor.subscribe()
    }

    /// Closes every connection and stops the runtime (waits a few seconds at most).
    pub fn shutdown(&self) {
        let Some(runtime) = self
            .runtime
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        else {
            return;
        };
        let sup = self.supervisor.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            sup.shutdown().await;
            let _ = tx.send(());
        });
        let _ = rx.recv_timeout(SHUTDOWN_WAIT);
        runtime.shutdown_background();
    }
}

impl Drop for RunnerHost {
    fn drop(&mut self) {
        self.shutdown();
    }
}

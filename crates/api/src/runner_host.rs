//! Hosts the account runner on a runtime of its own, so the live Goofish connections never
//! compete with HTTP workers, and gives handlers a small handle to it.

use crate::bootstrap::BootstrapError;
use goofish_protocol::lwp::SendContent;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use xianyu_domain::AccountId;
use xianyu_domain::ImageStore;
use xianyu_domain::delivery::ItemSnapshot;
use xianyu_domain::ports::AccountRuntimeStatus;
use xianyu_domain::replies::Decision;
use xianyu_persistence::Store;
use xianyu_runner::{
    AccountChange, AccountSender, AutoReplies, DeliveryConfig, DeliveryReport, Endpoints,
    EventHandler, HandlerChain, Incoming, ItemDetail, OrderWorkflow, Ports, RunnerConfig,
    RunnerError, RunnerEvent, SendVerdict, Supervisor,
};

const SHUTDOWN_WAIT: Duration = Duration::from_secs(8);

/// The runner's runtime and supervisor.
pub struct RunnerHost {
    runtime: Mutex<Option<tokio::runtime::Runtime>>,
    handle: tokio::runtime::Handle,
    supervisor: Supervisor,
    workflow: Arc<OrderWorkflow>,
    replies: Arc<AutoReplies>,
    images: Arc<dyn ImageStore>,
}

impl RunnerHost {
    /// Starts the runtime and a connection task for every enabled account, with the order
    /// workflow and the automatic replies receiving every event (both over `store`, images from
    /// `images`). Deliveries the last process left unfinished are marked uncertain first.
    /// Callable from synchronous and asynchronous contexts alike.
    pub fn start(
        store: &Store,
        images: Arc<dyn ImageStore>,
        endpoints: Endpoints,
        config: RunnerConfig,
        delivery: DeliveryConfig,
        metrics: Arc<dyn xianyu_domain::metrics::Metrics>,
    ) -> Result<Arc<Self>, BootstrapError> {
        let workflow = OrderWorkflow::new(Arc::new(store.clone()), images.clone(), delivery);
        workflow
            .recover()
            .map_err(|e| BootstrapError(format!("cannot review interrupted deliveries: {e}")))?;
        let replies = AutoReplies::new(Arc::new(store.clone()), images.clone());
        let handler: Arc<dyn EventHandler> = Arc::new(HandlerChain(vec![
            Arc::new(workflow.clone()),
            Arc::new(replies.clone()),
        ]));
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
            metrics,
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
            workflow,
            replies,
            images,
        }))
    }

    /// The runner's runtime, for background work of the API that must not run on an HTTP
    /// worker (captcha sessions, QR-login polls, the inbox's event loop).
    pub fn runtime(&self) -> tokio::runtime::Handle {
        self.handle.clone()
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

    /// Runs `work` with the account's sender on the runner's runtime.
    async fn with_sender<T, F, Fut>(&self, account: AccountId, work: F) -> Result<T, RunnerError>
    where
        T: Send + 'static,
        F: FnOnce(AccountSender) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<T, RunnerError>> + Send + 'static,
    {
        let sender = self
            .supervisor
            .sender(account)
            .ok_or(RunnerError::NotRunning(account))?;
        self.handle
            .spawn(work(sender))
            .await
            .map_err(|_| RunnerError::Shutdown)?
    }

    /// The image message for upload `upload_id` sent through `account`: its remembered
    /// Goofish CDN URL, or the stored JPEG uploaded now with the account's cookies.
    pub async fn image_message(
        &self,
        account: AccountId,
        upload_id: &str,
    ) -> Result<SendContent, RunnerError> {
        let (images, id) = (self.images.clone(), upload_id.to_owned());
        self.with_sender(account, move |sender| async move {
            xianyu_runner::image_message(&images, &sender, &id).await
        })
        .await
    }

    /// The account's rules, settings or remark changed: the next reply builds them anew.
    pub fn rules_changed(&self, account: AccountId) {
        self.replies.rules_changed(account);
    }

    /// What the account would answer to `msg` now, and why (see [`AutoReplies::preview`]).
    pub async fn preview(
        &self,
        account: AccountId,
        msg: Incoming,
    ) -> Result<Decision, RunnerError> {
        let replies = self.replies.clone();
        self.handle
            .spawn(async move { replies.preview(account, &msg).await })
            .await
            .map_err(|_| RunnerError::Shutdown)?
    }

    /// Every on-sale item of a running account, read page by page from Goofish.
    pub async fn sync_items(&self, account: AccountId) -> Result<Vec<ItemSnapshot>, RunnerError> {
        self.with_sender(account, |sender| async move { sender.fetch_items().await })
            .await
    }

    /// One item's detail, read from Goofish with a running account's cookies.
    pub async fn item_detail(
        &self,
        account: AccountId,
        item_id: &str,
    ) -> Result<ItemDetail, RunnerError> {
        let item_id = item_id.to_owned();
        self.with_sender(account, move |sender| async move {
            sender.fetch_item_detail(&item_id).await
        })
        .await
    }

    /// Re-sends an order's delivery by hand (see [`OrderWorkflow::redeliver`]).
    pub async fn redeliver(
        &self,
        account: AccountId,
        order_id: &str,
    ) -> Result<DeliveryReport, RunnerError> {
        let (workflow, order_id) = (self.workflow.clone(), order_id.to_owned());
        self.with_sender(account, move |sender| async move {
            workflow.redeliver(sender, &order_id).await
        })
        .await
    }

    /// Every `every`, syncs the item list of each online account into the store; the first
    /// round runs after `first`. A zero `every` turns it off.
    pub fn start_item_sync(&self, store: &Store, first: Duration, every: Duration) {
        if every.is_zero() {
            return;
        }
        let (sup, store) = (self.supervisor.clone(), store.clone());
        self.handle.spawn(async move {
            tokio::time::sleep(first).await;
            loop {
                for account in sup.running() {
                    let Some(sender) = sup.sender(account).filter(AccountSender::is_online) else {
                        continue;
                    };
                    match sender.fetch_items().await {
                        Ok(items) => {
                            let store = store.clone();
                            let saved = tokio::task::spawn_blocking(move || {
                                let owner = store.account_owner(account)?;
                                store.upsert_synced_items(owner, account, &items)
                            })
                            .await;
                            match saved {
                                Ok(Ok(n)) => log::info!(target: "xianyu::items", account = account.0; "{n} items synced"),
                                Ok(Err(e)) => log::warn!(target: "xianyu::items", account = account.0; "saving synced items: {e}"),
                                Err(e) => log::warn!(target: "xianyu::items", account = account.0; "{e}"),
                            }
                        }
                        Err(e) => {
                            log::warn!(target: "xianyu::items", account = account.0; "item sync failed: {}", e.code());
                        }
                    }
                }
                tokio::time::sleep(every).await;
            }
        });
    }

    /// The connection state of every running account, by id.
    pub fn states(&self) -> Vec<(AccountId, xianyu_domain::AccountStatus)> {
        self.supervisor
            .running()
            .into_iter()
            .filter_map(|id| self.supervisor.status(id).map(|s| (id, s.status)))
            .collect()
    }

    /// The live status of a running account.
    pub fn status(&self, account: AccountId) -> Option<AccountRuntimeStatus> {
        self.supervisor.status(account)
    }

    /// Tells the live feed that a chat's takeover pause was lifted.
    pub fn chat_resumed(&self, account: AccountId, cid: &str) {
        self.supervisor.chat_resumed(account, cid);
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

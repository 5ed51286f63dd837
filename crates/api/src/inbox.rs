//! The verification inbox at work: turns account states into tasks (the pure rules are in
//! `xianyu_domain::verification`), starts remote-control and automatic captcha sessions, and
//! takes their outcomes: a solved slider's cookies are merged into the account's (encrypted)
//! jar and its connection restarts at once; the task is solved when the account is online.

use crate::routes::verifications::VerificationView;
use crate::runner_host::RunnerHost;
use crate::user_events::UserEvents;
use goofish_protocol::cookies::CookieJar;
use std::sync::Arc;
use xianyu_captcha::{CaptchaError, OpenSession, SessionManager};
use xianyu_domain::ports::PortError;
use xianyu_domain::verification::{
    AUTO_COOLDOWN_MAX_MS, InboxStep, NewVerification, SessionEnd, SessionOutcomes, SessionReport,
    Verification, VerificationKind, VerificationState, auto_attempt_due, cookies_to_merge,
    on_account_status,
};
use xianyu_domain::{AccountId, AccountStatus, CookieSink, UserId};
use xianyu_persistence::{Store, StoreError};
use xianyu_runner::{AccountChange, RunnerEvent};

const TARGET: &str = "xianyu::inbox";

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn port(e: StoreError) -> PortError {
    PortError(e.to_string())
}

/// What the inbox and the session outcomes share.
pub struct InboxCore {
    store: Store,
    runner: Arc<RunnerHost>,
    events: UserEvents,
}

impl InboxCore {
    /// Sends the task to its owner's dashboards.
    pub fn publish(&self, task: &Verification) {
        let remark = task
            .account_id
            .and_then(|a| self.store.get_account(task.user_id, a).ok())
            .map(|a| a.remark)
            .filter(|r| !r.is_empty());
        let view = VerificationView::new(task, remark);
        self.events.publish(
            task.user_id,
            serde_json::json!({"type": "verification", "verification": view}),
        );
    }

    /// Merges the browser's cookies into the account's jar, stores it (encrypted) and restarts
    /// the account's connection, which then fetches its token at once.
    fn merge_cookies(
        &self,
        task: &Verification,
        account: AccountId,
        cookies: &[xianyu_domain::verification::BrowserCookie],
    ) -> Result<usize, StoreError> {
        let host = task.url.as_deref().and_then(url_host).unwrap_or_default();
        let current = self.store.account_cookie(task.user_id, account)?;
        let mut jar = CookieJar::parse(&current);
        let pairs = cookies_to_merge(cookies, &host);
        for (name, value) in &pairs {
            jar.set(name, value);
        }
        self.store
            .save_cookie(account, &jar.to_header())
            .map_err(|e| StoreError::Database(e.0))?;
        if self.store.get_account(task.user_id, account)?.enabled {
            self.runner.notify(AccountChange::CookieReplaced(account));
        }
        Ok(pairs.len())
    }
}

fn url_host(u: &str) -> Option<String> {
    let rest = u.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    Some(host.split(':').next().unwrap_or(host).to_owned())
}

impl SessionOutcomes for InboxCore {
    fn session_ended(&self, report: SessionReport) -> Result<(), PortError> {
        let task = self
            .store
            .verification(report.verification_id)
            .map_err(port)?;
        let who = if report.automatic {
            "automatic attempt"
        } else {
            "remote session"
        };
        let now = now_ms();
        let updated = match (&report.end, report.account_id) {
            (SessionEnd::Solved(cookies), Some(account)) => {
                let merged = self.merge_cookies(&task, account, cookies).map_err(port)?;
                log::info!(target: TARGET, account = account.0; "{who} passed the slider: {merged} cookies merged, reconnecting");
                let outcome = format!("{who}: solved, reconnecting");
                self.store
                    .set_verification_state(
                        task.id,
                        VerificationState::InProgress,
                        Some(&outcome),
                        now,
                    )
                    .map_err(port)?
            }
            (end, _) if task.state == VerificationState::InProgress => {
                let outcome = match end {
                    SessionEnd::Failed(m) => format!("{who}: failed: {m}"),
                    other => format!("{who}: {}", other.label()),
                };
                self.store
                    .set_verification_state(task.id, VerificationState::Open, Some(&outcome), now)
                    .map_err(port)?
            }
            _ => return Ok(()),
        };
        self.publish(&updated);
        Ok(())
    }
}

/// The inbox: tasks from account states, sessions for tasks.
pub struct Inbox {
    core: Arc<InboxCore>,
    captcha: Arc<SessionManager>,
    auto_attempt: bool,
    /// Hosts the account's cookies may be loaded for (Goofish's, and the configured gateways).
    cookie_hosts: Vec<String>,
}

/// Whether a verification page on `host` may receive the account's cookies: Goofish's and
/// Taobao's domains, or one of the configured gateways (the simulator in tests). A punish URL
/// elsewhere opens without them.
fn cookie_host_allowed(host: &str, configured: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    configured.contains(&host)
        || ["goofish.com", "taobao.com"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

impl Inbox {
    /// The inbox over `store`, with captcha sessions configured by `cfg` on the runner's
    /// runtime; `auto_attempt` switches the automatic attempt on.
    pub fn new(
        store: Store,
        runner: Arc<RunnerHost>,
        events: UserEvents,
        cfg: xianyu_captcha::CaptchaConfig,
        auto_attempt: bool,
        endpoints: &xianyu_runner::Endpoints,
    ) -> Arc<Self> {
        let cookie_hosts = [&endpoints.h5api_base, &endpoints.passport_base]
            .into_iter()
            .filter_map(|u| url_host(u))
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let core = Arc::new(InboxCore {
            store,
            runner: runner.clone(),
            events,
        });
        let captcha = SessionManager::new(cfg, runner.runtime(), core.clone());
        Arc::new(Self {
            core,
            captcha,
            auto_attempt,
            cookie_hosts,
        })
    }

    /// The captcha session manager.
    pub fn captcha(&self) -> &Arc<SessionManager> {
        &self.captcha
    }

    /// Whether the automatic attempt is on.
    pub fn auto_attempt(&self) -> bool {
        self.auto_attempt
    }

    /// Sends a task to its owner's dashboards.
    pub fn publish(&self, task: &Verification) {
        self.core.publish(task);
    }

    /// The account's cookies for a session on `url` (none when the page is not Goofish's).
    fn session_cookies(
        &self,
        user: UserId,
        account: Option<AccountId>,
        url: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let Some(account) = account else {
            return Ok(Vec::new());
        };
        let host = url_host(url).unwrap_or_default();
        if !cookie_host_allowed(&host, &self.cookie_hosts) {
            log::warn!(target: TARGET, account = account.0; "verification page on {host}: opened without the account's cookies");
            return Ok(Vec::new());
        }
        Ok(cookie_pairs(&self.store().account_cookie(user, account)?))
    }

    /// The store.
    fn store(&self) -> &Store {
        &self.core.store
    }

    /// Reopens the tasks a previous process left in progress, then follows the runner's status
    /// changes for as long as the runner runs.
    pub fn follow(self: &Arc<Self>) {
        match self.store().reopen_interrupted_verifications(now_ms()) {
            Ok(0) => {}
            Ok(n) => log::info!(target: TARGET, "{n} verification tasks reopened after a restart"),
            Err(e) => {
                log::warn!(target: TARGET, "cannot reopen interrupted verification tasks: {e}")
            }
        }
        let me = self.clone();
        let mut feed = self.core.runner.subscribe();
        self.core.runner.runtime().spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match feed.recv().await {
                    Ok(RunnerEvent::StatusChanged { account, status }) => {
                        let me = me.clone();
                        let url = status.captcha_url.clone();
                        let done = tokio::task::spawn_blocking(move || {
                            me.on_status(account, status.status, url.as_deref())
                        })
                        .await;
                        if let Ok(Err(e)) = done {
                            log::warn!(target: TARGET, account = account.0; "inbox update failed: {e}");
                        }
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(n)) => {
                        log::warn!(target: TARGET, "inbox missed {n} runner events");
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }

    /// Applies an account's new status to its tasks (blocking: database calls).
    pub fn on_status(
        &self,
        account: AccountId,
        status: AccountStatus,
        url: Option<&str>,
    ) -> Result<(), StoreError> {
        let active = self.store().active_verifications(account)?;
        let steps = on_account_status(&active, status, url);
        if steps.is_empty() {
            return Ok(());
        }
        let user = self.store().account_owner(account)?;
        let now = now_ms();
        for step in steps {
            let task = match step {
                InboxStep::Open(kind, url) => {
                    let t = self.store().create_verification(
                        &NewVerification {
                            user_id: user,
                            account_id: Some(account),
                            kind,
                            url,
                        },
                        now,
                    )?;
                    log::info!(target: TARGET, account = account.0, user = user.0; "verification needed: {}", kind.as_str());
                    t
                }
                InboxStep::Refresh(id, url) => {
                    self.store().set_verification_url(id, url.as_deref(), now)?
                }
                InboxStep::Solve(id) => {
                    if let Some(s) = self.captcha.session_for(id) {
                        let _ = self.captcha.close(&s, user);
                    }
                    self.store()
                        .set_verification_state(id, VerificationState::Solved, None, now)?
                }
            };
            self.publish(&task);
            if task.kind == VerificationKind::Captcha && task.state == VerificationState::Open {
                self.maybe_auto(&task, now)?;
            }
        }
        Ok(())
    }

    /// Starts the automatic attempt on an open captcha task when it is on and the account's
    /// cool-down allows one.
    fn maybe_auto(&self, task: &Verification, now: i64) -> Result<(), StoreError> {
        let (Some(account), Some(url)) = (task.account_id, task.url.clone()) else {
            return Ok(());
        };
        if !self.auto_attempt || !self.captcha.availability().available {
            return Ok(());
        }
        if self.captcha.session_for(task.id).is_some() {
            return Ok(());
        }
        let (attempts, last) = self
            .store()
            .auto_attempt_history(account, now - AUTO_COOLDOWN_MAX_MS)?;
        if !auto_attempt_due(attempts, last, now) {
            let t = self.store().set_verification_state(
                task.id,
                task.state,
                Some("automatic attempt skipped: cool-down"),
                now,
            )?;
            self.publish(&t);
            return Ok(());
        }
        let cookies = self.session_cookies(task.user_id, Some(account), &url)?;
        match self.captcha.open(OpenSession {
            owner: task.user_id,
            verification_id: task.id,
            account_id: Some(account),
            url,
            cookies,
            automatic: true,
        }) {
            Ok(_) => {
                self.store().record_auto_attempt(task.id, now)?;
                let t = self.store().set_verification_state(
                    task.id,
                    VerificationState::InProgress,
                    Some("automatic attempt running"),
                    now,
                )?;
                log::info!(target: TARGET, account = account.0; "automatic captcha attempt started");
                self.publish(&t);
            }
            Err(e) => {
                let t = self.store().set_verification_state(
                    task.id,
                    task.state,
                    Some(&format!("automatic attempt not started: {}", e.code())),
                    now,
                )?;
                self.publish(&t);
            }
        }
        Ok(())
    }

    /// Opens a remote-control session for task `id` of `user` (blocking: database calls).
    pub fn open_session(&self, user: UserId, id: i64) -> Result<(String, Verification), OpenError> {
        let task = self
            .store()
            .user_verification(user, id)
            .map_err(OpenError::Store)?;
        if !task.state.is_active() || !task.kind.remote_solvable() {
            return Err(OpenError::NotOpen);
        }
        let url = task.url.clone().ok_or(OpenError::NotOpen)?;
        // one session per task: a new one replaces a running one
        if let Some(running) = self.captcha.session_for(task.id) {
            let _ = self.captcha.close(&running, user);
        }
        let cookies = self
            .session_cookies(user, task.account_id, &url)
            .map_err(OpenError::Store)?;
        let session = self
            .captcha
            .open(OpenSession {
                owner: user,
                verification_id: task.id,
                account_id: task.account_id,
                url,
                cookies,
                automatic: false,
            })
            .map_err(OpenError::Captcha)?;
        let task = self
            .store()
            .set_verification_state(
                task.id,
                VerificationState::InProgress,
                Some("remote session open"),
                now_ms(),
            )
            .map_err(OpenError::Store)?;
        self.publish(&task);
        Ok((session, task))
    }

    /// Opens a task that did not come from an account state (a QR login's face check).
    pub fn open_task(&self, new: &NewVerification) -> Result<Verification, StoreError> {
        let t = self.store().create_verification(new, now_ms())?;
        self.publish(&t);
        Ok(t)
    }

    /// Closes task `id` (solved, expired or dismissed) and closes its session, if any.
    pub fn close_task(
        &self,
        id: i64,
        state: VerificationState,
        outcome: Option<&str>,
    ) -> Result<Verification, StoreError> {
        let t = self
            .store()
            .set_verification_state(id, state, outcome, now_ms())?;
        if let Some(s) = self.captcha.session_for(id) {
            let _ = self.captcha.close(&s, t.user_id);
        }
        self.publish(&t);
        Ok(t)
    }
}

/// Why a session could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// The task is not found, or the database failed.
    Store(StoreError),
    /// The task is closed or not solvable in a browser.
    NotOpen,
    /// The solver refused (unavailable, cap).
    Captcha(CaptchaError),
}

/// The name/value pairs of a cookie string.
fn cookie_pairs(cookie: &str) -> Vec<(String, String)> {
    cookie
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .filter(|(n, _)| !n.trim().is_empty())
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_go_only_to_goofish_or_the_configured_gateways() {
        let configured = vec!["127.0.0.1".to_owned()];
        for ok in [
            "h5api.m.goofish.com",
            "passport.goofish.com",
            "goofish.com",
            "login.taobao.com",
            "127.0.0.1",
            "H5API.M.GOOFISH.COM",
        ] {
            assert!(cookie_host_allowed(ok, &configured), "{ok}");
        }
        for bad in [
            "evil.com",
            "goofish.com.evil.com",
            "notgoofish.com",
            "localhost",
            "",
        ] {
            assert!(!cookie_host_allowed(bad, &configured), "{bad}");
        }
    }

    #[test]
    fn hosts_and_pairs() {
        assert_eq!(
            url_host("https://h5api.m.goofish.com/h5/x/1.0/_____tmd_____/punish?a=b").as_deref(),
            Some("h5api.m.goofish.com")
        );
        assert_eq!(
            url_host("http://127.0.0.1:8123/p").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(url_host("nonsense"), None);
        assert_eq!(
            cookie_pairs("unb=1; x5sec=a=b;; =x; t=2"),
            vec![
                ("unb".to_owned(), "1".to_owned()),
                ("x5sec".into(), "a=b".into()),
                ("t".into(), "2".into())
            ]
        );
    }
}

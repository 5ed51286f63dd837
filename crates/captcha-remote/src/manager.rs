//! The session manager: opens sessions under a concurrency cap, finds them for their owner
//! only, closes them, and reports each one's end to the [`SessionOutcomes`] port.

use crate::error::{CaptchaError, Result};
use crate::launch::{Browser, LaunchOptions, find_chromedriver};
use crate::session::{self, Ctl, SessionSpec, Viewer};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use xianyu_domain::verification::{SessionOutcomes, SessionReport};
use xianyu_domain::{AccountId, UserId};

const TARGET: &str = "xianyu_captcha";

/// The solver's settings.
#[derive(Debug, Clone)]
pub struct CaptchaConfig {
    /// The chromedriver found (`None`: solving is unavailable).
    pub chromedriver: Option<PathBuf>,
    /// The Chromium binary to use instead of chromedriver's default.
    pub chromium: Option<PathBuf>,
    /// At most this many sessions at once (`XIANYU_CAPTCHA_MAX_SESSIONS`, default 2).
    pub max_sessions: usize,
    /// A session without input for this long ends (`XIANYU_CAPTCHA_IDLE_SECS`, default 180).
    pub idle_timeout: Duration,
    /// After the operator's socket closes, how long the session waits for them to come back.
    pub viewer_grace: Duration,
    /// The browser's User-Agent.
    pub user_agent: String,
    /// The page viewport, CSS px.
    pub viewport: (u32, u32),
}

/// A desktop Chrome User-Agent (the default of headless Chromium says `HeadlessChrome`).
pub const DEFAULT_USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

impl CaptchaConfig {
    /// The settings from the environment (`XIANYU_CHROMEDRIVER`, `XIANYU_CHROMIUM`,
    /// `XIANYU_CAPTCHA_MAX_SESSIONS`, `XIANYU_CAPTCHA_IDLE_SECS`); bad numbers fall back to the
    /// defaults.
    pub fn from_env() -> Self {
        let num = |k: &str, d: u64| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(d)
        };
        Self {
            chromedriver: find_chromedriver(),
            chromium: std::env::var_os("XIANYU_CHROMIUM").map(PathBuf::from),
            max_sessions: num("XIANYU_CAPTCHA_MAX_SESSIONS", 2) as usize,
            idle_timeout: Duration::from_secs(num("XIANYU_CAPTCHA_IDLE_SECS", 180)),
            viewer_grace: Duration::from_secs(15),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            viewport: (800, 600),
        }
    }
}

/// Whether sessions can be opened, and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    /// Whether solving works.
    pub available: bool,
    /// `chromedriver_not_found` or `chromium_failed_to_start` when it does not.
    pub reason: Option<&'static str>,
    /// The error behind the reason.
    pub detail: Option<String>,
}

/// What to open a session for.
#[derive(Debug, Clone)]
pub struct OpenSession {
    /// The user who may watch and operate it.
    pub owner: UserId,
    /// The inbox task it works on.
    pub verification_id: i64,
    /// The account whose cookies are loaded.
    pub account_id: Option<AccountId>,
    /// The verification page.
    pub url: String,
    /// The account's cookies (name, value), loaded for the page's domain.
    pub cookies: Vec<(String, String)>,
    /// The automatic attempt (no operator) instead of a remote-control session.
    pub automatic: bool,
}

struct Entry {
    owner: UserId,
    verification_id: i64,
    ctl: mpsc::Sender<Ctl>,
    pgid: Arc<AtomicU32>,
}

/// Runs the captcha sessions of one server.
pub struct SessionManager {
    cfg: CaptchaConfig,
    runtime: tokio::runtime::Handle,
    outcomes: Arc<dyn SessionOutcomes>,
    sessions: Mutex<HashMap<String, Entry>>,
    /// The last browser start: `None` never tried, `Some(None)` worked, `Some(Some(e))` failed.
    last_start: Mutex<Option<Option<String>>>,
    probe: tokio::sync::Mutex<()>,
    viewers: AtomicU64,
}

impl std::fmt::Debug for SessionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionManager")
            .field("active", &self.active())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SessionManager {
    /// A manager whose sessions run on `runtime` and report to `outcomes`.
    pub fn new(
        cfg: CaptchaConfig,
        runtime: tokio::runtime::Handle,
        outcomes: Arc<dyn SessionOutcomes>,
    ) -> Arc<Self> {
        Arc::new(Self {
            cfg,
            runtime,
            outcomes,
            sessions: Mutex::default(),
            last_start: Mutex::default(),
            probe: tokio::sync::Mutex::new(()),
            viewers: AtomicU64::new(1),
        })
    }

    /// The settings in effect.
    pub fn config(&self) -> &CaptchaConfig {
        &self.cfg
    }

    fn launch_options(&self, tag: &str) -> Option<LaunchOptions> {
        Some(LaunchOptions {
            chromedriver: self.cfg.chromedriver.clone()?,
            chromium: self.cfg.chromium.clone(),
            user_agent: self.cfg.user_agent.clone(),
            viewport: self.cfg.viewport,
            tag: tag.to_owned(),
        })
    }

    /// What is known without starting a browser.
    pub fn availability(&self) -> Availability {
        if self.cfg.chromedriver.is_none() {
            return Availability {
                available: false,
                reason: Some(CaptchaError::ChromedriverNotFound.code()),
                detail: Some(CaptchaError::ChromedriverNotFound.to_string()),
            };
        }
        match lock(&self.last_start).clone().flatten() {
            Some(e) => Availability {
                available: false,
                reason: Some("chromium_failed_to_start"),
                detail: Some(e),
            },
            None => Availability {
                available: true,
                reason: None,
                detail: None,
            },
        }
    }

    /// Like [`availability`](Self::availability), but when no browser was started yet, starts
    /// one (and stops it) to find out whether Chromium works. Runs once; later calls are free.
    pub async fn checked_availability(&self) -> Availability {
        let Some(opts) = self.launch_options("probe") else {
            return self.availability();
        };
        let _one = self.probe.lock().await;
        if lock(&self.last_start).is_none() {
            let started = self
                .runtime
                .spawn(async move {
                    match Browser::launch(&opts).await {
                        Ok(b) => {
                            b.shutdown().await;
                            None
                        }
                        Err(e) => Some(e.to_string()),
                    }
                })
                .await
                .unwrap_or_else(|e| Some(format!("probe failed: {e}")));
            *lock(&self.last_start) = Some(started);
        }
        self.availability()
    }

    /// Sessions running now.
    pub fn active(&self) -> usize {
        lock(&self.sessions).len()
    }

    /// The session working on `verification_id`, if one runs.
    pub fn session_for(&self, verification_id: i64) -> Option<String> {
        lock(&self.sessions)
            .iter()
            .find(|(_, e)| e.verification_id == verification_id)
            .map(|(id, _)| id.clone())
    }

    /// The process group of a session's browser (once started): for tests and diagnostics.
    pub fn process_group(&self, id: &str) -> Option<u32> {
        lock(&self.sessions)
            .get(id)
            .map(|e| e.pgid.load(Ordering::SeqCst))
            .filter(|g| *g != 0)
    }

    /// Starts a session; returns its id at once (the browser starts in the background).
    pub fn open(self: &Arc<Self>, req: OpenSession) -> Result<String> {
        let id = hex::encode(rand::random::<[u8; 16]>());
        let opts = self
            .launch_options(&id)
            .ok_or(CaptchaError::ChromedriverNotFound)?;
        let id = {
            let mut sessions = lock(&self.sessions);
            if sessions.len() >= self.cfg.max_sessions {
                return Err(CaptchaError::TooManySessions(self.cfg.max_sessions));
            }
            let (ctl, rx) = mpsc::channel(256);
            let pgid = Arc::new(AtomicU32::new(0));
            sessions.insert(
                id.clone(),
                Entry {
                    owner: req.owner,
                    verification_id: req.verification_id,
                    ctl,
                    pgid: pgid.clone(),
                },
            );
            let spec = SessionSpec {
                url: req.url.clone(),
                cookies: req.cookies.clone(),
                automatic: req.automatic,
                idle_timeout: self.cfg.idle_timeout,
                viewer_grace: self.cfg.viewer_grace,
            };
            let me = self.clone();
            let sid = id.clone();
            self.runtime.spawn(async move {
                log::info!(target: TARGET, verification = req.verification_id; "captcha session started (automatic: {})", req.automatic);
                let (end, start_error) = session::run(spec, opts, rx, pgid).await;
                *lock(&me.last_start) = Some(start_error.map(|e| e.to_string()));
                lock(&me.sessions).remove(&sid);
                log::info!(target: TARGET, verification = req.verification_id; "captcha session ended: {}", end.label());
                let report = SessionReport {
                    verification_id: req.verification_id,
                    account_id: req.account_id,
                    automatic: req.automatic,
                    end,
                };
                let outcomes = me.outcomes.clone();
                let done = tokio::task::spawn_blocking(move || outcomes.session_ended(report)).await;
                if let Ok(Err(e)) = done {
                    log::warn!(target: TARGET, "recording the session's end failed: {e}");
                }
            });
            id
        };
        Ok(id)
    }

    /// Attaches the operator `owner` to session `id` (another user's session is not found).
    pub fn attach(&self, id: &str, owner: UserId) -> Result<Viewer> {
        let sessions = lock(&self.sessions);
        let e = sessions
            .get(id)
            .filter(|e| e.owner == owner)
            .ok_or(CaptchaError::SessionNotFound)?;
        let no = self.viewers.fetch_add(1, Ordering::Relaxed);
        let (ev_tx, ev_rx) = mpsc::channel(64);
        let (fr_tx, fr_rx) = watch::channel(None);
        e.ctl
            .try_send(Ctl::Attach {
                no,
                events: ev_tx,
                frames: fr_tx,
            })
            .map_err(|_| CaptchaError::SessionNotFound)?;
        Ok(Viewer {
            events: ev_rx,
            frames: fr_rx,
            ctl: e.ctl.clone(),
            no,
        })
    }

    /// Closes session `id` of `owner`.
    pub fn close(&self, id: &str, owner: UserId) -> Result<()> {
        let sessions = lock(&self.sessions);
        let e = sessions
            .get(id)
            .filter(|e| e.owner == owner)
            .ok_or(CaptchaError::SessionNotFound)?;
        let _ = e.ctl.try_send(Ctl::Close);
        Ok(())
    }

    /// Closes every session and waits (at most `wait`) until their browsers are gone.
    pub async fn shutdown(&self, wait: Duration) {
        for e in lock(&self.sessions).values() {
            let _ = e.ctl.try_send(Ctl::Close);
        }
        let until = tokio::time::Instant::now() + wait;
        while self.active() > 0 && tokio::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

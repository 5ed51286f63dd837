//! Shared application state handed to every handler.

use crate::auth::JwtKeys;
use crate::ratelimit::LoginLimiter;
use crate::runner_host::RunnerHost;
use crate::session_cache::SessionCache;
use crate::system::SystemStats;
use std::sync::Arc;
use std::time::Instant;
use xianyu_persistence::Store;

/// The log collector's settings in effect.
#[derive(Debug, Clone, Copy)]
pub struct LogSettings {
    /// Records kept in memory.
    pub buffer: usize,
    /// Days of files kept.
    pub retention_days: u32,
    /// Size cap of one day's file, MiB.
    pub file_max_mb: u64,
}

/// Everything handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Token signing and verification.
    pub jwt: Arc<JwtKeys>,
    /// Recently validated sessions.
    pub sessions: Arc<SessionCache>,
    /// Failed-login throttling.
    pub limiter: Arc<LoginLimiter>,
    /// Cached host metrics for `/health`.
    pub system: Arc<SystemStats>,
    /// When the server started.
    pub started: Instant,
    /// This server's log records: ring, live tail, daily files.
    pub logs: Arc<xianyu_logs::Collector>,
    /// The log settings in effect (shown on the system page).
    pub log_settings: LogSettings,
    /// The server's Prometheus series.
    pub metrics: Arc<crate::metrics::ServerMetrics>,
    /// What `/metrics` requires as bearer token; `None` = `/metrics` is off (404).
    pub metrics_token: Option<Arc<str>>,
    /// The live Goofish connections.
    pub runner: Arc<RunnerHost>,
    /// Session lifetime.
    pub session_hours: u32,
    /// The verification inbox and its captcha sessions.
    pub inbox: Arc<crate::inbox::Inbox>,
    /// Running QR-code logins.
    pub qr_logins: Arc<crate::qr_logins::QrLogins>,
    /// Live events for one user that do not come from the runner.
    pub user_events: crate::user_events::UserEvents,
    /// Where uploaded reply images are stored (`<data_dir>/uploads`).
    pub uploads_dir: std::path::PathBuf,
}

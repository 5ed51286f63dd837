//! Server settings: defaults, then `xianyu.toml`, then environment variables / CLI flags.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use xianyu_persistence::redact_url as redact_db_url;

/// Every setting of the server, resolved. See `xianyu serve --help` for the environment names.
#[derive(Clone)]
pub struct Settings {
    /// Address the HTTP server listens on (`XIANYU_BIND`, default `127.0.0.1:8080`).
    pub bind: String,
    /// Directory for the database file, key files and uploads (`XIANYU_DATA_DIR`, default `./data`).
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…` (`DATABASE_URL`, default `sqlite://<data_dir>/xianyu.db`).
    pub database_url: Option<String>,
    /// 32-byte key (64 hex chars or base64) sealing secrets at rest (`XIANYU_SECRET_KEY`;
    /// generated into `<data_dir>/secret.key` when absent).
    pub secret_key: Option<String>,
    /// HMAC key for access tokens (`XIANYU_JWT_SECRET`; generated into `<data_dir>/jwt.secret`
    /// when absent).
    pub jwt_secret: Option<String>,
    /// Lifetime of a login session in hours (`XIANYU_SESSION_HOURS`, default 24).
    pub session_hours: u32,
    /// HTTP worker threads (`XIANYU_WORKERS`, default: number of CPUs).
    pub workers: Option<usize>,
    /// Log filter when `RUST_LOG` is unset (`log` in the file, default `info`).
    pub log: String,
    /// Quiet time after a buyer's last message before the automatic reply
    /// (`XIANYU_REPLY_DEBOUNCE_MS`, default 3000): only the last message of a burst is answered.
    pub reply_debounce_ms: u64,
    /// Buyer messages found by the catch-up after a reconnect or a restart that are older than
    /// this many minutes are stored but not answered automatically
    /// (`XIANYU_CATCHUP_MAX_AGE_MINUTES`, default 30).
    pub catchup_max_age_minutes: u32,
    /// Hours between automatic syncs of every running account's item list
    /// (`XIANYU_ITEM_SYNC_HOURS`, default 24; 0 turns it off). The first sync runs a minute
    /// after start.
    pub item_sync_hours: u32,
    /// Wait before the first automatic item sync (not read from the environment or the file;
    /// default one minute).
    pub item_sync_first_delay: std::time::Duration,
    /// Goofish mtop gateway (`XIANYU_GOOFISH_H5API_BASE`, default `https://h5api.m.goofish.com`).
    pub goofish_h5api_base: Option<String>,
    /// Goofish IM WebSocket (`XIANYU_GOOFISH_WS_URL`, default `wss://wss-goofish.dingtalk.com/`).
    pub goofish_ws_url: Option<String>,
    /// Goofish passport (`XIANYU_GOOFISH_PASSPORT_BASE`, default `https://passport.goofish.com`).
    pub goofish_passport_base: Option<String>,
    /// Goofish image upload (`XIANYU_GOOFISH_UPLOAD_URL`, default the real upload API).
    pub goofish_upload_url: Option<String>,
    /// Log records kept in memory for the logs page and API (`XIANYU_LOG_BUFFER`, default
    /// 20,000).
    pub log_buffer: usize,
    /// Days of daily log files kept in `<data_dir>/logs` (`XIANYU_LOG_RETENTION_DAYS`, default
    /// 14).
    pub log_retention_days: u32,
    /// The most one day's log file may grow to, in MiB (`XIANYU_LOG_FILE_MAX_MB`, default 64);
    /// later records of that day stay in memory only.
    pub log_file_max_mb: u64,
    /// Bearer token that `/metrics` requires (`XIANYU_METRICS_TOKEN`); unset, `/metrics`
    /// answers 404.
    pub metrics_token: Option<String>,
    /// Tunables of automatic delivery (retry pauses, bargain delay); not read from the
    /// environment or the file: the defaults follow the spec, embedders and tests may change them.
    pub delivery: xianyu_runner::DeliveryConfig,
    /// Remote captcha solving: chromedriver (`XIANYU_CHROMEDRIVER` or on `PATH`), Chromium
    /// (`XIANYU_CHROMIUM`), the session cap (`XIANYU_CAPTCHA_MAX_SESSIONS`, 2) and idle timeout
    /// (`XIANYU_CAPTCHA_IDLE_SECS`, 180); read from the environment only.
    pub captcha: xianyu_captcha::CaptchaConfig,
    /// Whether an automatic slider attempt runs before a person is asked
    /// (`XIANYU_CAPTCHA_AUTO=true`; off by default).
    pub captcha_auto: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_db_url),
            )
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("session_hours", &self.session_hours)
            .field("workers", &self.workers)
            .field("log", &self.log)
            .field("reply_debounce_ms", &self.reply_debounce_ms)
            .field("catchup_max_age_minutes", &self.catchup_max_age_minutes)
            .field("item_sync_hours", &self.item_sync_hours)
            .field("log_buffer", &self.log_buffer)
            .field("log_retention_days", &self.log_retention_days)
            .field("log_file_max_mb", &self.log_file_max_mb)
            .field("goofish", &self.goofish_endpoints())
            .field("captcha", &self.captcha)
            .field("captcha_auto", &self.captcha_auto)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: None,
            secret_key: None,
            jwt_secret: None,
            session_hours: 24,
            workers: None,
            log: "info".into(),
            reply_debounce_ms: 3000,
            catchup_max_age_minutes: 30,
            item_sync_hours: 24,
            item_sync_first_delay: std::time::Duration::from_secs(60),
            goofish_h5api_base: None,
            goofish_ws_url: None,
            goofish_passport_base: None,
            goofish_upload_url: None,
            log_buffer: 20_000,
            log_retention_days: 14,
            log_file_max_mb: 64,
            metrics_token: None,
            delivery: xianyu_runner::DeliveryConfig::default(),
            captcha: xianyu_captcha::CaptchaConfig::from_env(),
            captcha_auto: std::env::var("XIANYU_CAPTCHA_AUTO")
                .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on")),
        }
    }
}

/// The optional `xianyu.toml`; every key is optional and named like the field of [`Settings`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    /// See [`Settings::bind`].
    pub bind: Option<String>,
    /// See [`Settings::data_dir`].
    pub data_dir: Option<PathBuf>,
    /// See [`Settings::database_url`].
    pub database_url: Option<String>,
    /// See [`Settings::secret_key`].
    pub secret_key: Option<String>,
    /// See [`Settings::jwt_secret`].
    pub jwt_secret: Option<String>,
    /// See [`Settings::session_hours`].
    pub session_hours: Option<u32>,
    /// See [`Settings::workers`].
    pub workers: Option<usize>,
    /// See [`Settings::log`].
    pub log: Option<String>,
    /// See [`Settings::reply_debounce_ms`].
    pub reply_debounce_ms: Option<u64>,
    /// See [`Settings::catchup_max_age_minutes`].
    pub catchup_max_age_minutes: Option<u32>,
    /// See [`Settings::item_sync_hours`].
    pub item_sync_hours: Option<u32>,
    /// See [`Settings::goofish_h5api_base`].
    pub goofish_h5api_base: Option<String>,
    /// See [`Settings::goofish_ws_url`].
    pub goofish_ws_url: Option<String>,
    /// See [`Settings::goofish_passport_base`].
    pub goofish_passport_base: Option<String>,
    /// See [`Settings::goofish_upload_url`].
    pub goofish_upload_url: Option<String>,
    /// See [`Settings::log_buffer`].
    pub log_buffer: Option<usize>,
    /// See [`Settings::log_retention_days`].
    pub log_retention_days: Option<u32>,
    /// See [`Settings::log_file_max_mb`].
    pub log_file_max_mb: Option<u64>,
    /// See [`Settings::metrics_token`].
    pub metrics_token: Option<String>,
}

impl SettingsFile {
    /// Reads a settings file; a missing file is `Ok(None)`.
    pub fn load(path: &Path) -> Result<Option<Self>, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text)
                .map(Some)
                .map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

impl Settings {
    /// Applies a settings file on top of these settings.
    pub fn with_file(mut self, file: SettingsFile) -> Self {
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = file.$f { self.$f = v; } )* };
        }
        take!(
            bind,
            data_dir,
            session_hours,
            log,
            reply_debounce_ms,
            catchup_max_age_minutes,
            item_sync_hours,
            log_buffer,
            log_retention_days,
            log_file_max_mb
        );
        self.database_url = file.database_url.or(self.database_url);
        self.secret_key = file.secret_key.or(self.secret_key);
        self.jwt_secret = file.jwt_secret.or(self.jwt_secret);
        self.metrics_token = file.metrics_token.or(self.metrics_token);
        self.workers = file.workers.or(self.workers);
        self.goofish_h5api_base = file.goofish_h5api_base.or(self.goofish_h5api_base);
        self.goofish_ws_url = file.goofish_ws_url.or(self.goofish_ws_url);
        self.goofish_passport_base = file.goofish_passport_base.or(self.goofish_passport_base);
        self.goofish_upload_url = file.goofish_upload_url.or(self.goofish_upload_url);
        self
    }

    /// The log collector's settings in effect (files in `<data_dir>/logs`).
    pub fn log_config(&self) -> xianyu_logs::CollectorConfig {
        xianyu_logs::CollectorConfig {
            buffer: self.log_buffer.max(100),
            dir: Some(self.data_dir.join("logs")),
            retention_days: self.log_retention_days.max(1),
            max_file_bytes: self.log_file_max_mb.max(1).saturating_mul(1024 * 1024),
            ..xianyu_logs::CollectorConfig::default()
        }
    }

    /// The runner's timing in effect.
    pub fn runner_config(&self) -> xianyu_runner::RunnerConfig {
        xianyu_runner::RunnerConfig {
            debounce_window: std::time::Duration::from_millis(self.reply_debounce_ms),
            catchup_max_age: std::time::Duration::from_secs(
                u64::from(self.catchup_max_age_minutes) * 60,
            ),
            ..xianyu_runner::RunnerConfig::default()
        }
    }

    /// The Goofish endpoints in effect (the real service unless overridden).
    pub fn goofish_endpoints(&self) -> xianyu_runner::Endpoints {
        let d = xianyu_runner::Endpoints::default();
        let pick = |v: &Option<String>, default: String| {
            v.clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or(default)
        };
        xianyu_runner::Endpoints {
            h5api_base: pick(&self.goofish_h5api_base, d.h5api_base),
            ws_url: pick(&self.goofish_ws_url, d.ws_url),
            passport_base: pick(&self.goofish_passport_base, d.passport_base),
            upload_url: pick(&self.goofish_upload_url, d.upload_url),
        }
    }

    /// The database URL in effect (the default SQLite file under the data dir when unset).
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.trim().is_empty() => u.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("xianyu.db").display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_overrides_defaults() {
        let file: SettingsFile =
            toml::from_str("bind = \"0.0.0.0:9\"\nsession_hours = 2").unwrap_or_default();
        let s = Settings::default().with_file(file);
        assert_eq!(s.bind, "0.0.0.0:9");
        assert_eq!(s.session_hours, 2);
        assert_eq!(s.effective_database_url(), "sqlite://data/xianyu.db");
        assert!(toml::from_str::<SettingsFile>("nope = 1").is_err());
    }

    #[test]
    fn debug_hides_secrets() {
        let s = Settings {
            secret_key: Some("topsecret".into()),
            database_url: Some("postgres://u:pw@h/db".into()),
            ..Settings::default()
        };
        let d = format!("{s:?}");
        assert!(!d.contains("topsecret") && !d.contains("pw@"), "{d}");
    }
}

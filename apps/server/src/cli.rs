//! Command-line interface and settings resolution (defaults → xianyu.toml → env / flags).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use xianyu_api::Settings;
use xianyu_api::settings::SettingsFile;

/// Xianyu Auto Reply: self-hosted seller automation for Xianyu (Goofish).
#[derive(Parser)]
#[command(name = "xianyu", version, about)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub common: CommonArgs,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve {
        /// Start a Goofish simulator in-process with a demo account and a scripted buyer, so
        /// the system can be seen working without a Xianyu account (data in <data-dir>/demo).
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage dashboard users offline.
    #[command(subcommand)]
    User(UserCommand),
    /// Print the OpenAPI document.
    Openapi,
    /// Print the table of API error codes (Markdown, as in docs/API.md).
    ErrorCodes,
    /// Goofish protocol debugging tools.
    #[command(subcommand)]
    Goofish(GoofishCommand),
}

/// `xianyu user …`
#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user and print its generated password (or read one from stdin).
    Create {
        /// Login name.
        username: String,
        /// Role: admin or user.
        #[arg(long, default_value = "user")]
        role: String,
        /// Read the password from the first line of stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (generated and printed, or read from stdin) and end the user's sessions.
    ResetPassword {
        /// Login name.
        username: String,
        /// Read the password from the first line of stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
}

/// `xianyu goofish …`
#[derive(Subcommand)]
pub enum GoofishCommand {
    /// Decode a push payload (base64 of msgpack or JSON) and classify it.
    Decode {
        /// The `data` string of a `syncPushPackage.data[]` element.
        payload: String,
        /// The account's own user id, to tell own messages from buyers'.
        #[arg(long, default_value = "")]
        own_unb: String,
    },
    /// Compute an mtop request sign: md5(token&t&34839810&data).
    Sign {
        /// The `_m_h5_tk` token (the part before `_`), may be empty.
        #[arg(long, default_value = "")]
        token: String,
        /// The `t` query value (ms).
        #[arg(long = "t")]
        t: String,
        /// The exact `data` string.
        #[arg(long)]
        data: String,
    },
}

/// Settings that every command reads. Each has an environment variable.
#[derive(Args)]
pub struct CommonArgs {
    /// Settings file (optional; every key is optional).
    #[arg(
        long,
        env = "XIANYU_CONFIG",
        default_value = "xianyu.toml",
        global = true
    )]
    pub config: PathBuf,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "XIANYU_BIND", global = true)]
    pub bind: Option<String>,
    /// Data directory: database file, key files, uploads [default: ./data].
    #[arg(long, env = "XIANYU_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://<data-dir>/xianyu.db].
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Key sealing secrets at rest: 64 hex chars or base64 of 32 bytes [default: generated into <data-dir>/secret.key].
    #[arg(long, env = "XIANYU_SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,
    /// HMAC key for access tokens, ≥ 32 characters [default: generated into <data-dir>/jwt.secret].
    #[arg(long, env = "XIANYU_JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Login session lifetime in hours [default: 24].
    #[arg(long, env = "XIANYU_SESSION_HOURS", global = true)]
    pub session_hours: Option<u32>,
    /// HTTP worker threads [default: number of CPUs].
    #[arg(long, env = "XIANYU_WORKERS", global = true)]
    pub workers: Option<usize>,
    /// Quiet time after a buyer's last message before the automatic reply, ms [default: 3000].
    #[arg(long, env = "XIANYU_REPLY_DEBOUNCE_MS", global = true)]
    pub reply_debounce_ms: Option<u64>,
    /// Caught-up buyer messages older than this many minutes are stored, not answered [default: 30].
    #[arg(long, env = "XIANYU_CATCHUP_MAX_AGE_MINUTES", global = true)]
    pub catchup_max_age_minutes: Option<u32>,
    /// Hours between automatic item-list syncs of running accounts; 0 = off [default: 24].
    #[arg(long, env = "XIANYU_ITEM_SYNC_HOURS", global = true)]
    pub item_sync_hours: Option<u32>,
    /// Goofish mtop gateway [default: https://h5api.m.goofish.com].
    #[arg(long, env = "XIANYU_GOOFISH_H5API_BASE", global = true)]
    pub goofish_h5api_base: Option<String>,
    /// Goofish IM WebSocket [default: wss://wss-goofish.dingtalk.com/].
    #[arg(long, env = "XIANYU_GOOFISH_WS_URL", global = true)]
    pub goofish_ws_url: Option<String>,
    /// Goofish passport [default: https://passport.goofish.com].
    #[arg(long, env = "XIANYU_GOOFISH_PASSPORT_BASE", global = true)]
    pub goofish_passport_base: Option<String>,
    /// Goofish image upload [default: https://stream-upload.goofish.com/api/upload.api].
    #[arg(long, env = "XIANYU_GOOFISH_UPLOAD_URL", global = true)]
    pub goofish_upload_url: Option<String>,
    /// Bearer token for scraping /metrics; unset, /metrics answers 404.
    #[arg(
        long,
        env = "XIANYU_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// Log records kept in memory for the logs page [default: 20000].
    #[arg(long, env = "XIANYU_LOG_BUFFER", global = true)]
    pub log_buffer: Option<usize>,
    /// Days of daily log files kept in <data-dir>/logs [default: 14].
    #[arg(long, env = "XIANYU_LOG_RETENTION_DAYS", global = true)]
    pub log_retention_days: Option<u32>,
    /// Size cap of one day's log file in MiB [default: 64].
    #[arg(long, env = "XIANYU_LOG_FILE_MAX_MB", global = true)]
    pub log_file_max_mb: Option<u64>,
    /// Log filter used when RUST_LOG is unset, e.g. info or xianyu=debug [default: info]. RUST_LOG, when set, wins.
    #[arg(long, global = true)]
    pub log: Option<String>,
}

impl CommonArgs {
    /// Defaults, then the settings file, then environment variables and flags.
    pub fn resolve(&self) -> Result<Settings, String> {
        let mut s = Settings::default();
        if let Some(file) = SettingsFile::load(&self.config)? {
            s = s.with_file(file);
        }
        if let Some(v) = &self.bind {
            s.bind = v.clone();
        }
        if let Some(v) = &self.data_dir {
            s.data_dir = v.clone();
        }
        if let Some(v) = &self.database_url {
            s.database_url = Some(v.clone());
        }
        if let Some(v) = &self.secret_key {
            s.secret_key = Some(v.clone());
        }
        if let Some(v) = &self.jwt_secret {
            s.jwt_secret = Some(v.clone());
        }
        if let Some(v) = self.session_hours {
            s.session_hours = v.max(1);
        }
        if let Some(v) = self.catchup_max_age_minutes {
            s.catchup_max_age_minutes = v;
        }
        if let Some(v) = self.reply_debounce_ms {
            s.reply_debounce_ms = v;
        }
        if let Some(v) = self.item_sync_hours {
            s.item_sync_hours = v;
        }
        if let Some(v) = &self.metrics_token {
            s.metrics_token = Some(v.clone()).filter(|t| !t.is_empty());
        }
        if let Some(v) = self.log_buffer {
            s.log_buffer = v;
        }
        if let Some(v) = self.log_retention_days {
            s.log_retention_days = v;
        }
        if let Some(v) = self.log_file_max_mb {
            s.log_file_max_mb = v;
        }
        if self.workers.is_some() {
            s.workers = self.workers;
        }
        if let Some(v) = &self.log {
            s.log = v.clone();
        }
        for (value, field) in [
            (&self.goofish_h5api_base, &mut s.goofish_h5api_base),
            (&self.goofish_ws_url, &mut s.goofish_ws_url),
            (&self.goofish_passport_base, &mut s.goofish_passport_base),
            (&self.goofish_upload_url, &mut s.goofish_upload_url),
        ] {
            if value.is_some() {
                field.clone_from(value);
            }
        }
        Ok(s)
    }
}

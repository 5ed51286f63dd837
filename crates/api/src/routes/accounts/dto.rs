//! Request and response bodies of the account routes.

use crate::routes::common::{from_ms, utc};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xianyu_domain::{Account, AccountRuntimeStatus};

/// A Xianyu seller account. The cookie itself is never returned.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    /// Account id.
    pub id: i64,
    /// The seller's Xianyu user id (`unb`).
    pub xianyu_user_id: String,
    /// The seller's note.
    pub remark: String,
    /// Whether the account should be online.
    pub enabled: bool,
    /// Confirm shipment automatically after delivery.
    pub auto_confirm: bool,
    /// Minutes auto-replies pause after a manual seller message (0–1440).
    pub pause_minutes: u16,
    /// Connection state: offline, connecting, online, backoff, captcha_required,
    /// session_expired, cookie_invalid or disabled.
    pub status: String,
    /// The last connection error (never contains secrets).
    pub last_error: Option<String>,
    /// When the next connection attempt is due, while backing off.
    pub next_retry_at: Option<DateTime<Utc>>,
    /// The verification page to solve, while `captcha_required`.
    pub captcha_url: Option<String>,
    /// Whether a cookie is stored.
    pub cookie_set: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id.0,
            xianyu_user_id: a.xianyu_user_id.clone(),
            remark: a.remark.clone(),
            enabled: a.enabled,
            auto_confirm: a.auto_confirm,
            pause_minutes: a.pause_minutes,
            status: a.status.as_str().to_owned(),
            last_error: a.last_error.clone(),
            next_retry_at: a.next_retry_at.and_then(from_ms),
            captcha_url: a.captcha_url.clone(),
            cookie_set: a.cookie_set,
            created_at: utc(a.created_at),
            updated_at: utc(a.updated_at),
        }
    }
}

impl AccountView {
    /// The view with the supervisor's live state, when the account is running: the stored
    /// status is written asynchronously and may lag the connection by a moment. A disabled
    /// account shows its stored state while its task winds down.
    pub fn live(a: &Account, live: Option<AccountRuntimeStatus>) -> Self {
        let mut view = Self::from(a);
        if let Some(s) = live.filter(|_| a.enabled) {
            view.status = s.status.as_str().to_owned();
            view.last_error = s.last_error;
            view.next_retry_at = s.next_retry_at.and_then(from_ms);
            view.captcha_url = s.captcha_url;
        }
        view
    }
}

/// `POST /api/v1/accounts` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccountRequest {
    /// The browser cookie string of a logged-in goofish.com session; must contain `unb`.
    pub cookie: String,
    /// A note (≤ 200 characters).
    pub remark: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
    /// Default true.
    pub auto_confirm: Option<bool>,
    /// 0–1440, default 10.
    pub pause_minutes: Option<i64>,
}

/// `PATCH /api/v1/accounts/{id}` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccountRequest {
    /// A note (≤ 200 characters).
    pub remark: Option<String>,
    /// Whether the account should be online.
    pub enabled: Option<bool>,
    /// Confirm shipment automatically.
    pub auto_confirm: Option<bool>,
    /// 0–1440.
    pub pause_minutes: Option<i64>,
}

/// `PUT /api/v1/accounts/{id}/cookie` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplaceCookieRequest {
    /// The new cookie string; its `unb` must be the account's Xianyu user id.
    pub cookie: String,
}

/// The live connection state of an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountStatusView {
    /// offline, connecting, online, backoff, captcha_required, session_expired, cookie_invalid
    /// or disabled.
    pub status: String,
    /// Whether a connection task runs for the account in this server.
    pub running: bool,
    /// The last error (never contains secrets).
    pub last_error: Option<String>,
    /// When the last frame arrived from Goofish.
    pub last_frame_at: Option<DateTime<Utc>>,
    /// When the next connection attempt is due, while backing off.
    pub next_retry_at: Option<DateTime<Utc>>,
    /// The verification page to solve, while `captcha_required`.
    pub captcha_url: Option<String>,
}

impl AccountStatusView {
    /// Builds the view from the runner's status.
    pub fn new(s: xianyu_domain::ports::AccountRuntimeStatus, running: bool) -> Self {
        Self {
            status: s.status.as_str().to_owned(),
            running,
            last_error: s.last_error,
            last_frame_at: s.last_frame_at.and_then(from_ms),
            next_retry_at: s.next_retry_at.and_then(from_ms),
            captcha_url: s.captcha_url,
        }
    }
}

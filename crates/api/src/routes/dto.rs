//! Request and response bodies of the API (the OpenAPI schemas).

use crate::error::ErrorCode;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xianyu_domain::{Account, AccountStatus, Role, User};

/// A role as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiRole {
    /// Manages users and settings.
    Admin,
    /// Manages own accounts.
    User,
}

impl From<Role> for ApiRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => ApiRole::Admin,
            Role::User => ApiRole::User,
        }
    }
}

impl From<ApiRole> for Role {
    fn from(r: ApiRole) -> Self {
        match r {
            ApiRole::Admin => Role::Admin,
            ApiRole::User => Role::User,
        }
    }
}

/// Converts a stored UTC time to an RFC 3339 timestamp.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    /// The entries.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Page<T> {
    /// Builds a page from up to `limit + 1` fetched rows: the extra row only tells that there is
    /// a next page, whose cursor is taken from the last row shown.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        cursor: impl Fn(&R) -> String,
        view: impl Fn(&R) -> T,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let more = rows.len() > limit;
        rows.truncate(limit);
        Self {
            next_cursor: if more { rows.last().map(&cursor) } else { None },
            items: rows.iter().map(view).collect(),
        }
    }
}

/// `?limit=&cursor=` of list endpoints.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–500 (default 100).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size, 1–500 (`default` when absent).
    pub fn limit_or(&self, default: i64) -> Result<i64, crate::ApiError> {
        let limit = self.limit.unwrap_or(default);
        if (1..=500).contains(&limit) {
            Ok(limit)
        } else {
            Err(crate::ApiError::new(
                ErrorCode::InvalidQuery,
                "limit must be between 1 and 500",
            ))
        }
    }

    /// The cursor as a row id (`None` on the first page).
    pub fn id_cursor(&self) -> Result<Option<i64>, crate::ApiError> {
        match self.cursor.as_deref() {
            None | Some("") => Ok(None),
            Some(c) => c.parse().map(Some).map_err(|_| bad_cursor()),
        }
    }
}

/// 400 `invalid_cursor`.
pub fn bad_cursor() -> crate::ApiError {
    crate::ApiError::new(ErrorCode::InvalidCursor, "malformed cursor")
}

/// A dashboard user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: ApiRole,
    /// Whether the user may log in.
    pub enabled: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// The password was set by someone else (generated, or reset by an admin): the dashboard
    /// asks the user to choose their own.
    pub must_change_password: bool,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.0,
            username: u.username.clone(),
            role: u.role.into(),
            enabled: u.enabled,
            created_at: utc(u.created_at),
            must_change_password: u.must_change_password,
        }
    }
}

/// The user summary returned at login.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginUser {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: ApiRole,
    /// The password was set by someone else: ask the user to choose their own.
    pub must_change_password: bool,
}

/// `POST /api/v1/auth/login` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A successful login.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// When the token and its session expire.
    pub expires_at: DateTime<Utc>,
    /// Who logged in.
    pub user: LoginUser,
}

/// `POST /api/v1/auth/password` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password in use.
    pub current_password: String,
    /// The new password (8–128 characters).
    pub new_password: String,
}

/// `POST /api/v1/auth/register` and `POST /api/v1/users` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3–32 characters of letters, digits, `_`, `.`, `-`.
    pub username: String,
    /// 8–128 characters.
    pub password: String,
    /// Role (admins only; default `user`).
    pub role: Option<ApiRole>,
}

/// `PATCH /api/v1/users/{id}` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// New password; revokes the user's sessions.
    pub password: Option<String>,
    /// New role.
    pub role: Option<ApiRole>,
    /// Enable or disable; disabling revokes the user's sessions.
    pub enabled: Option<bool>,
}

/// Global settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsView {
    /// Whether anyone may create a user through `POST /api/v1/auth/register`.
    pub registration_open: bool,
}

/// `PATCH /api/v1/settings` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// Open or close self-registration.
    pub registration_open: Option<bool>,
}

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
    pub fn live(a: &Account, live: Option<AccountStatus>) -> Self {
        let mut view = Self::from(a);
        if let Some(status) = live.filter(|_| a.enabled) {
            view.status = status.as_str().to_owned();
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

/// Converts epoch milliseconds to a UTC timestamp.
pub fn from_ms(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
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

/// The last message of a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LastMessage {
    /// Display text.
    pub text: String,
    /// buyer, seller_manual, auto_reply or system.
    pub direction: String,
    /// When it was written.
    pub at: Option<DateTime<Utc>>,
}

/// A chat with a buyer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    /// Conversation id.
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// Goofish conversation id.
    pub cid: String,
    /// The buyer's user id.
    pub buyer_id: Option<String>,
    /// The buyer's nickname.
    pub buyer_name: Option<String>,
    /// The item discussed.
    pub item_id: Option<String>,
    /// The latest message.
    pub last_message: LastMessage,
    /// Buyer messages since the seller last wrote.
    pub unread: i32,
    /// Auto-replies are paused until then after a manual seller message (null: not paused).
    pub paused_until: Option<DateTime<Utc>>,
}

impl From<&xianyu_persistence::Conversation> for ConversationView {
    fn from(c: &xianyu_persistence::Conversation) -> Self {
        let now = chrono::Utc::now().timestamp_millis();
        Self {
            id: c.id,
            account_id: c.account_id.0,
            cid: c.cid.clone(),
            buyer_id: c.buyer_id.clone(),
            buyer_name: c.buyer_name.clone(),
            item_id: c.item_id.clone(),
            last_message: LastMessage {
                text: c.last_text.clone(),
                direction: c.last_direction.clone(),
                at: from_ms(c.last_at),
            },
            unread: c.unread,
            paused_until: c.paused_until.filter(|&t| t > now).and_then(from_ms),
        }
    }
}

/// A stored chat message.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    /// Row id (pagination cursor).
    pub id: i64,
    /// Goofish message id (`<n>.PNM`) when known.
    pub message_id: Option<String>,
    /// buyer, seller_manual, auto_reply or system.
    pub direction: String,
    /// Display text (`[图片]` and the like for non-text messages).
    pub text: String,
    /// When it was written.
    pub at: Option<DateTime<Utc>>,
}

impl From<&xianyu_persistence::StoredMessage> for MessageView {
    fn from(m: &xianyu_persistence::StoredMessage) -> Self {
        Self {
            id: m.id,
            message_id: m.record.message_id.clone(),
            direction: m.record.direction.as_str().to_owned(),
            text: m.record.text.clone(),
            at: from_ms(m.record.at),
        }
    }
}

/// `POST /api/v1/conversations/{id}/messages` body: exactly one of `text`, `image_url` or
/// `upload_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// Text to send (1–5000 characters).
    pub text: Option<String>,
    /// URL of an image already on the Goofish CDN.
    pub image_url: Option<String>,
    /// Id of an upload of the caller (`POST /api/v1/uploads`): sent as an image, uploaded to
    /// the Goofish CDN with the account's cookies on first use.
    pub upload_id: Option<String>,
    /// Image width in pixels (default 800).
    pub width: Option<u32>,
    /// Image height in pixels (default 600).
    pub height: Option<u32>,
}

/// Goofish's verdict on a send that was not rejected.
#[derive(Debug, Serialize, ToSchema)]
pub struct SendResult {
    /// `accepted`, or `unconfirmed` when Goofish did not answer in time (usually delivered).
    pub verdict: String,
    /// Goofish's message id, when accepted.
    pub message_id: Option<String>,
}

impl From<xianyu_runner::SendVerdict> for SendResult {
    fn from(v: xianyu_runner::SendVerdict) -> Self {
        match v {
            xianyu_runner::SendVerdict::Accepted { message_id } => Self {
                verdict: "accepted".into(),
                message_id,
            },
            xianyu_runner::SendVerdict::Rejected { .. } => Self {
                verdict: "rejected".into(),
                message_id: None,
            },
            xianyu_runner::SendVerdict::Unconfirmed => Self {
                verdict: "unconfirmed".into(),
                message_id: None,
            },
        }
    }
}

//! The single error type of the runner.

use goofish_protocol::ProtocolError;
use thiserror::Error;
use xianyu_domain::{AccountId, PortError};

/// Everything that can go wrong while running an account or sending through it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RunnerError {
    /// The cookie has no usable `unb`, or the server answered with a login/block page.
    #[error("cookie invalid: {0}")]
    CookieInvalid(String),
    /// The login cookies expired (`FAIL_SYS_SESSION_EXPIRED`); new cookies are needed.
    #[error("session expired")]
    SessionExpired,
    /// Risk control demands a slider captcha.
    #[error("captcha required")]
    CaptchaRequired {
        /// The verification (punish) URL, when the server gave one.
        url: Option<String>,
    },
    /// Account-level risk block (`FAIL_SYS_ILLEGAL_ACCESS`, `FAIL_BIZ_WUA_IS_MACHINE`).
    #[error("account blocked by risk control: {0}")]
    RiskBlocked(String),
    /// The mtop token stayed expired/empty after the re-signed retry.
    #[error("mtop token still rejected after retry")]
    TokenRetryFailed,
    /// Any other mtop failure (business error, missing field).
    #[error("mtop error {code}: {message}")]
    Mtop {
        /// The `ret` code.
        code: String,
        /// The `ret` message.
        message: String,
    },
    /// HTTP or WebSocket transport failure (connect, reset, TLS, status).
    #[error("network error: {0}")]
    Network(String),
    /// The IM server rejected `/reg` (invalid, superseded or expired token).
    #[error("registration rejected: {0}")]
    RegRejected(String),
    /// The IM server closed the socket.
    #[error("connection closed by server (code {code:?})")]
    Closed {
        /// The close code, when a close frame was received.
        code: Option<u16>,
    },
    /// No frame arrived within the silence timeout (dead or half-open socket).
    #[error("no frame within the silence timeout")]
    Silent,
    /// A wire-format problem.
    #[error("protocol error: {0}")]
    Protocol(#[from] ProtocolError),
    /// The account has no live connection right now.
    #[error("account {0} is not connected")]
    NotConnected(AccountId),
    /// The supervisor does not run this account.
    #[error("account {0} is not running")]
    NotRunning(AccountId),
    /// No answer within the wait limit.
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
    /// A storage port failed.
    #[error(transparent)]
    Port(#[from] PortError),
    /// The runner is shutting down.
    #[error("runner is shutting down")]
    Shutdown,
    /// The image upload API answered an HTML (login) page: the cookies are no longer valid
    /// (spec §2.5, simulator fault F17).
    #[error("image upload answered the login page: cookie invalid")]
    UploadLoginPage,
    /// The image upload failed otherwise (non-200 status, unreadable answer, no URL).
    #[error("image upload failed: {0}")]
    UploadFailed(String),
    /// The order is being delivered right now; try again when that ends.
    #[error("{0}")]
    Busy(String),
    /// The order is not known for this account.
    #[error("order {0} is not known")]
    UnknownOrder(String),
    /// An image reference is neither a Goofish CDN URL nor an upload of the account's owner.
    #[error("image {0:?} is neither a Goofish CDN URL nor an upload of this account's owner")]
    UnknownImage(String),
    /// The account's reply rules cannot be built (for example two item replies for one item).
    #[error("reply rules: {0}")]
    InvalidRules(xianyu_domain::ReplyError),
}

impl RunnerError {
    /// Stable snake_case code of the variant, for logs and API envelopes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::CookieInvalid(_) => "cookie_invalid",
            Self::SessionExpired => "session_expired",
            Self::CaptchaRequired { .. } => "captcha_required",
            Self::RiskBlocked(_) => "risk_blocked",
            Self::TokenRetryFailed => "token_retry_failed",
            Self::Mtop { .. } => "mtop_error",
            Self::Network(_) => "network_error",
            Self::RegRejected(_) => "reg_rejected",
            Self::Closed { .. } => "connection_closed",
            Self::Silent => "connection_silent",
            Self::Protocol(_) => "protocol_error",
            Self::NotConnected(_) => "account_not_connected",
            Self::NotRunning(_) => "account_not_running",
            Self::Timeout(_) => "timeout",
            Self::Port(_) => "port_error",
            Self::Shutdown => "shutting_down",
            Self::UploadLoginPage => "upload_login_page",
            Self::UploadFailed(_) => "upload_failed",
            Self::Busy(_) => "delivery_in_progress",
            Self::UnknownOrder(_) => "order_not_found",
            Self::UnknownImage(_) => "image_not_found",
            Self::InvalidRules(e) => e.code(),
        }
    }

    /// Whether the error needs new cookies (or a solved captcha) before retrying makes sense.
    pub fn needs_new_cookies(&self) -> bool {
        matches!(
            self,
            Self::CookieInvalid(_)
                | Self::SessionExpired
                | Self::CaptchaRequired { .. }
                | Self::RiskBlocked(_)
                | Self::UploadLoginPage
        )
    }
}

/// Result alias of the runner.
pub type Result<T, E = RunnerError> = std::result::Result<T, E>;

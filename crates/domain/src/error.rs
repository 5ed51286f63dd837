//! The validation error of the domain crate.

use thiserror::Error;

/// A value that breaks a domain rule. Each variant has a stable machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A username is empty, too long or uses characters outside `[A-Za-z0-9_.-]`.
    #[error("username must be 3-32 characters of letters, digits, '_', '.' or '-'")]
    InvalidUsername,
    /// A password is too short or too long.
    #[error("password must be 8-128 characters")]
    WeakPassword,
    /// A role name is neither `admin` nor `user`.
    #[error("role must be 'admin' or 'user'")]
    InvalidRole,
    /// A cookie string is empty or lacks a numeric `unb` cookie.
    #[error("cookie string must contain a numeric 'unb' cookie")]
    InvalidCookie,
    /// A replacement cookie belongs to another Xianyu user than the account.
    #[error("the cookie belongs to Xianyu user {found}, not to this account ({expected})")]
    CookieAccountMismatch {
        /// The account's Xianyu user id.
        expected: String,
        /// The `unb` found in the new cookie.
        found: String,
    },
    /// `pause_minutes` is outside 0–1440.
    #[error("pause_minutes must be between 0 and 1440")]
    InvalidPauseMinutes,
    /// A remark is longer than allowed.
    #[error("remark must be at most {max} characters")]
    RemarkTooLong {
        /// The limit in characters.
        max: usize,
    },
    /// A Xianyu user id is not a string of digits.
    #[error("xianyu user id must be 1-20 digits")]
    InvalidXianyuUserId,
}

impl DomainError {
    /// The stable snake_case code of this error, as used in API error envelopes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUsername => "invalid_username",
            Self::WeakPassword => "weak_password",
            Self::InvalidRole => "invalid_role",
            Self::InvalidCookie => "invalid_cookie",
            Self::CookieAccountMismatch { .. } => "cookie_account_mismatch",
            Self::InvalidPauseMinutes => "invalid_pause_minutes",
            Self::RemarkTooLong { .. } => "remark_too_long",
            Self::InvalidXianyuUserId => "invalid_xianyu_user_id",
        }
    }
}

//! The crate's one error enum, with stable codes.

use thiserror::Error;

/// What can go wrong with a captcha session.
#[derive(Debug, Error)]
pub enum CaptchaError {
    /// No chromedriver on `PATH` and none named by `XIANYU_CHROMEDRIVER`.
    #[error(
        "chromedriver not found (install Debian's chromium and chromium-driver, or set XIANYU_CHROMEDRIVER)"
    )]
    ChromedriverNotFound,
    /// chromedriver ran but Chromium did not start (or the session could not be opened).
    #[error("chromium failed to start: {0}")]
    ChromiumFailed(String),
    /// The concurrency cap is reached.
    #[error("at most {0} captcha sessions may run at once")]
    TooManySessions(usize),
    /// No such session (or it belongs to another user).
    #[error("no such captcha session")]
    SessionNotFound,
    /// A DevTools command failed.
    #[error("devtools: {0}")]
    Cdp(String),
    /// A WebDriver command failed.
    #[error("webdriver: {0}")]
    WebDriver(String),
    /// Starting or stopping a process failed.
    #[error("process: {0}")]
    Process(String),
}

impl CaptchaError {
    /// Stable snake_case code, for logs and API envelopes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ChromedriverNotFound => "chromedriver_not_found",
            Self::ChromiumFailed(_) => "chromium_failed_to_start",
            Self::TooManySessions(_) => "captcha_sessions_exhausted",
            Self::SessionNotFound => "captcha_session_not_found",
            Self::Cdp(_) => "captcha_devtools_error",
            Self::WebDriver(_) => "captcha_webdriver_error",
            Self::Process(_) => "captcha_process_error",
        }
    }
}

/// The crate's result type.
pub type Result<T, E = CaptchaError> = std::result::Result<T, E>;

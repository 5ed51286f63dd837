//! The API error type and its JSON envelope `{"error":{"code","message"}}`; the codes are the
//! [`ErrorCode`] table.

mod codes;

pub use codes::ErrorCode;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;
use xianyu_domain::DomainError;
use xianyu_domain::delivery::DeliveryError;
use xianyu_domain::replies::{ReplyError, TemplateError};
use xianyu_persistence::StoreError;

/// An error answer: a code from the [`ErrorCode`] table (which gives the HTTP status) and a
/// human message.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// Human-readable explanation (never contains secrets).
    pub message: String,
    /// Seconds to wait before retrying (rate limiting).
    pub retry_after: Option<u64>,
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// Code and message of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `account_not_found`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Seconds until a retry may succeed (only on 429).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with `code` (its status comes from the table).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The error of a validation failure reported by another crate with its own stable code
    /// (`DomainError::code()` and the like). Every such code is in the [`ErrorCode`] table (a
    /// test checks); an unknown one would be a bug, answered as `invalid_request`.
    pub fn coded(code: &str, message: impl std::fmt::Display) -> Self {
        let known = ErrorCode::from_code(code).unwrap_or_else(|| {
            log::error!(target: "xianyu::api", "error code {code:?} is missing from the table");
            ErrorCode::InvalidRequest
        });
        Self::new(known, message.to_string())
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        self.code.status().unwrap_or(StatusCode::BAD_REQUEST)
    }

    /// 429 `rate_limited` with the seconds to wait.
    pub fn rate_limited(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                ErrorCode::RateLimited,
                format!("too many failed attempts; retry in {retry_after} s"),
            )
        }
    }

    /// 500 `internal_error`; the detail goes to the log, not to the client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        log::error!(target: "xianyu::api", "internal error: {detail}");
        Self::new(ErrorCode::InternalError, "internal server error")
    }

    /// The envelope body of this error.
    pub fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorBody {
                code: self.code.as_str().to_owned(),
                message: self.message.clone(),
                retry_after: self.retry_after,
            },
        }
    }
}

/// `.or_not_found(ErrorCode::CardNotFound)`: a store result whose `NotFound` means "no such
/// resource of yours", answered with the resource's own code.
pub trait OrNotFound<T> {
    /// Maps `StoreError::NotFound` to `code` and any other store error as usual.
    fn or_not_found(self, code: ErrorCode) -> Result<T, ApiError>;
}

impl<T> OrNotFound<T> for Result<T, StoreError> {
    fn or_not_found(self, code: ErrorCode) -> Result<T, ApiError> {
        self.map_err(|e| match e {
            StoreError::NotFound => ApiError::new(code, "not found"),
            other => other.into(),
        })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status());
        if let Some(s) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, HeaderValue::from(s)));
        }
        res.json(self.envelope())
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self::coded(e.code(), e)
    }
}

impl From<ReplyError> for ApiError {
    fn from(e: ReplyError) -> Self {
        Self::coded(e.code(), e)
    }
}

impl From<TemplateError> for ApiError {
    fn from(e: TemplateError) -> Self {
        Self::coded(e.code(), e)
    }
}

impl From<DeliveryError> for ApiError {
    fn from(e: DeliveryError) -> Self {
        Self::coded(e.code(), e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::new(ErrorCode::NotFound, "not found"),
            StoreError::Conflict(what) => {
                Self::new(ErrorCode::Conflict, format!("{what} already exists"))
            }
            StoreError::Unavailable(detail) => {
                log::error!(target: "xianyu::api", "database unavailable: {detail}");
                Self::new(ErrorCode::DatabaseUnavailable, "database unavailable")
            }
            other => Self::internal(other),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::internal(e)
    }
}

/// Runs blocking store work on the blocking pool and flattens the two error layers.
pub async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(f).await?
}

/// Runs a short read. On SQLite in WAL mode readers never wait for writers, so a read takes
/// microseconds and runs inline on the worker (no thread hand-off on hot paths); on PostgreSQL
/// (network round trips) it goes to the blocking pool like any other store work.
pub async fn read<T, F>(store: &xianyu_persistence::Store, f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    match store.backend() {
        xianyu_persistence::Backend::Sqlite => f(),
        xianyu_persistence::Backend::Postgres => blocking(f).await,
    }
}

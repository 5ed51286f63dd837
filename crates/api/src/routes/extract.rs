//! Request extraction: JSON bodies (size limit, error codes, and [`Body`], which lets
//! authentication answer first), path and query errors.

use crate::ApiError;
use crate::error::ErrorCode;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, web as aw};

/// Largest accepted JSON body (cookie strings are a few KB).
pub const JSON_LIMIT_BYTES: usize = 64 * 1024;

/// The extractor configuration every route shares.
pub(super) fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.app_data(json_config())
        .app_data(aw::PathConfig::default().error_handler(path_error))
        .app_data(aw::QueryConfig::default().error_handler(query_error));
}

fn json_config() -> aw::JsonConfig {
    aw::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(|err, _req: &HttpRequest| json_error(err).into())
}

/// Maps a JSON extraction failure to a stable code.
fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("request body exceeds {limit} bytes"),
        ),
        JsonPayloadError::ContentType => ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::new(ErrorCode::InvalidRequest, e.to_string())
        }
        JsonPayloadError::Deserialize(e) => ApiError::new(ErrorCode::InvalidJson, e.to_string()),
        other => ApiError::new(ErrorCode::InvalidJson, other.to_string()),
    }
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(
        ErrorCode::InvalidPath,
        format!("malformed path parameter: {err}"),
    )
    .into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(
        ErrorCode::InvalidQuery,
        format!("malformed query string: {err}"),
    )
    .into()
}

/// A JSON body whose extraction error is kept, not raised, so that authentication (a
/// preceding extractor) answers first: callers without a valid token never learn about
/// validation details. Call [`Body::into_inner`] after the auth extractor has run.
pub struct Body<T>(Result<T, ApiError>);

impl<T> Body<T> {
    /// The parsed body, or the `invalid_json` / `invalid_request` / 413 / 415 error.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let fut = aw::Json::<T>::from_request(req, payload);
        Box::pin(async move {
            Ok(Body(match fut.await {
                Ok(json) => Ok(json.into_inner()),
                Err(e) => Err(e
                    .as_error::<ApiError>()
                    .cloned()
                    .unwrap_or_else(|| ApiError::new(ErrorCode::InvalidJson, e.to_string()))),
            }))
        })
    }
}

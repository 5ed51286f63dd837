//! Request logging, and the JSON envelope for errors produced outside our handlers (unknown
//! routes, wrong methods, oversized bodies).

use crate::ApiError;
use crate::auth::LoggedUser;
use crate::error::ErrorCode;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{Error, HttpMessage};
use std::time::Instant;

/// Counts every request in the metrics (route pattern, method, status, latency) and logs its
/// method, path (without query), status, duration and user id (`user` field) — never
/// bodies, headers or query strings; the dashboard's static files only at debug level.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let metrics = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|s| s.metrics.clone());
    let res = next.call(req).await;
    let secs = start.elapsed().as_secs_f64();
    let ms = secs * 1000.0;
    if let Some(m) = metrics {
        let (route, status) = match &res {
            Ok(r) => (r.request().match_pattern(), r.status().as_u16()),
            Err(e) => (None, e.as_response_error().status_code().as_u16()),
        };
        m.http(
            route.as_deref().unwrap_or("unmatched"),
            method.as_str(),
            status,
            secs,
        );
    }
    // The dashboard's own files are noise in a seller's log: at debug, unless they fail.
    let quiet = (path == "/" || path.starts_with("/assets/") || path == "/favicon.svg")
        && res.as_ref().is_ok_and(|r| r.status().as_u16() < 400);
    if quiet {
        log::debug!(target: "xianyu::http", "{method} {path} {ms:.2}ms");
        return res;
    }
    match &res {
        Ok(r) => {
            let user = r.request().extensions().get::<LoggedUser>().map(|u| u.0.0);
            let status = r.status().as_u16();
            match user {
                Some(u) => {
                    log::info!(target: "xianyu::http", user = u; "{method} {path} {status} {ms:.2}ms")
                }
                None => log::info!(target: "xianyu::http", "{method} {path} {status} {ms:.2}ms"),
            }
        }
        Err(e) => {
            let status = e.as_response_error().status_code().as_u16();
            log::info!(target: "xianyu::http", "{method} {path} {status} {ms:.2}ms");
        }
    }
    res
}

/// Replaces a non-JSON error body with the standard envelope.
pub fn envelope_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, message) = match status.as_u16() {
        404 => (ErrorCode::NotFound, "no such route"),
        405 => (
            ErrorCode::MethodNotAllowed,
            "method not allowed on this route",
        ),
        413 => (ErrorCode::PayloadTooLarge, "request body too large"),
        415 => (ErrorCode::UnsupportedMediaType, "unsupported content type"),
        s if s >= 500 => (ErrorCode::InternalError, "internal server error"),
        _ => (ErrorCode::BadRequest, "request failed"),
    };
    // The answer keeps the framework's status; only the body becomes the envelope.
    let body = ApiError::new(code, message).envelope();
    let (req, _) = res.into_parts();
    let new: ServiceResponse<BoxBody> =
        ServiceResponse::new(req, actix_web::HttpResponse::build(status).json(body));
    Ok(ErrorHandlerResponse::Response(new.map_into_right_body()))
}

/// Headers every answer carries: no framing (clickjacking), no MIME sniffing, the referrer only
/// to this server. Dashboard pages add their Content-Security-Policy (`routes::web::CSP`).
pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
}

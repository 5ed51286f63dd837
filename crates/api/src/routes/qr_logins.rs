//! QR-code login: start one, follow it, cancel it.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode, ErrorEnvelope};
use crate::qr_logins::QrLoginView;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::QrLoginNotFound, "no such QR login")
}

/// Start a QR-code login: scan the returned code with the Xianyu app. When confirmed, the
/// account is created (or, for an account you already have, its cookie is replaced).
#[utoipa::path(tag = "accounts", security(("bearer" = [])),
    responses((status = 201, body = QrLoginView), (status = 502, description = "qr_login_failed", body = ErrorEnvelope)))]
#[post("/qr-logins")]
pub async fn start_qr_login(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .qr_logins
        .start(user.id)
        .await
        .map_err(|e| ApiError::new(ErrorCode::QrLoginFailed, e.0))?;
    Ok(HttpResponse::Created().json(view))
}

/// A QR login's state (also sent live as `qr_login` events on `/ws/events`).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(("id" = String, Path, description = "login id")),
    responses((status = 200, body = QrLoginView), (status = 404, description = "qr_login_not_found", body = ErrorEnvelope)))]
#[get("/qr-logins/{id}")]
pub async fn get_qr_login(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state.qr_logins.get(user.id, &id).ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(view))
}

/// Cancel a QR login that is still waiting.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(("id" = String, Path, description = "login id")),
    responses((status = 200, body = QrLoginView), (status = 404, description = "qr_login_not_found", body = ErrorEnvelope)))]
#[delete("/qr-logins/{id}")]
pub async fn cancel_qr_login(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state.qr_logins.cancel(user.id, &id).ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(view))
}

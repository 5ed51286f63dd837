//! `GET /api/v1/error-codes`: the table of error codes, for clients that translate them.

use crate::error::ErrorCode;
use actix_web::{HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

/// One error code.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorCodeView {
    /// The stable snake_case code.
    pub code: &'static str,
    /// The HTTP status it is answered with; null for codes that only appear per row in an
    /// import report.
    pub status: Option<u16>,
    /// What it means, in English.
    pub meaning: &'static str,
}

/// Every error code the API answers with (or reports per row of an import), with its HTTP
/// status and meaning. Needs no login, so a login page can translate its errors too.
#[utoipa::path(tag = "system", responses((status = 200, body = Vec<ErrorCodeView>)))]
#[get("/error-codes")]
pub async fn list_error_codes() -> HttpResponse {
    let codes: Vec<ErrorCodeView> = ErrorCode::ALL
        .iter()
        .map(|c| ErrorCodeView {
            code: c.as_str(),
            status: c.status().map(|s| s.as_u16()),
            meaning: c.meaning(),
        })
        .collect();
    HttpResponse::Ok().json(codes)
}

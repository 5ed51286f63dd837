//! The dashboard's static entry page and the Swagger UI redirect.

use actix_web::http::header;
use actix_web::{HttpResponse, get};

const INDEX_HTML: &str = include_str!("../../../../web/index.html");

/// The dashboard entry page.
#[get("/")]
pub async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .content_type("text/html; charset=utf-8")
        .body(INDEX_HTML)
}

/// `/docs` → `/docs/` (Swagger UI).
#[get("/docs")]
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// The OpenAPI document, generated on the first request and cached: building it runs a lot of
/// generated code, which would otherwise be paged in at every start.
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOC.get_or_init(crate::openapi::openapi_json).as_str())
}

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

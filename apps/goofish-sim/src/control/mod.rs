//! The JSON control API under `/_sim` (documented in the crate README).

mod kinds;
mod routes;

pub use kinds::{PushKindRequest, PushRequest};

use crate::error::ControlError;
use actix_web::{HttpResponse, web};
use serde::de::DeserializeOwned;

/// Parses a JSON body (empty = `{}`) into `T`, or a 400 control error.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &web::Bytes) -> Result<T, ControlError> {
    let text = if body.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        &body[..]
    };
    serde_json::from_slice(text)
        .map_err(|e| ControlError::bad_request("invalid_body", e.to_string()))
}

/// Registers every control route under `/_sim`.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/_sim")
            .route("/accounts", web::get().to(routes::list_accounts))
            .route("/accounts", web::post().to(routes::create_account))
            .route("/accounts/{unb}", web::get().to(routes::get_account))
            .route("/accounts/{unb}/items", web::post().to(routes::add_item))
            .route(
                "/accounts/{unb}/buyer-messages",
                web::post().to(routes::buyer_message),
            )
            .route(
                "/accounts/{unb}/orders",
                web::post().to(routes::create_order),
            )
            .route("/accounts/{unb}/push", web::post().to(routes::push))
            .route(
                "/accounts/{unb}/push-kind",
                web::post().to(routes::push_kind),
            )
            .route("/accounts/{unb}/sent", web::get().to(routes::sent))
            .route("/orders/{id}", web::get().to(routes::get_order))
            .route("/orders/{id}/pay", web::post().to(routes::pay_order))
            .route(
                "/orders/{id}/bargain",
                web::post().to(routes::bargain_order),
            )
            .route("/journal", web::get().to(routes::journal))
            .route("/journal", web::delete().to(routes::clear_journal))
            .route("/faults", web::post().to(routes::set_fault))
            .route("/faults", web::delete().to(routes::clear_faults))
            .route("/qr", web::get().to(routes::qr_list))
            .route("/qr/{id}/{action}", web::post().to(routes::qr_action))
            .route("/clock", web::get().to(routes::get_clock))
            .route("/clock", web::post().to(routes::advance_clock))
            .route("/stats", web::get().to(routes::stats))
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&ControlError::not_found(
        "no_route",
        "no such control route",
    ))
}

//! The route table: one module per resource, thin handlers.

pub mod accounts;
pub mod auth;
pub mod card_dto;
pub mod cards;
pub mod catalog_dto;
pub mod conversations;
pub mod deliveries;
pub mod delivery_rules;
pub mod dto;
pub mod error_codes;
pub mod events;
pub mod health;
pub mod items;
pub mod keywords_xlsx;
pub mod orders;
pub mod orders_dto;
pub mod replies;
pub mod reply_dto;
pub mod settings;
pub mod stats;
pub mod uploads;
pub mod users;
pub mod web;

use crate::ApiError;
use crate::error::ErrorCode;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, web as aw};

/// Largest accepted JSON body (cookie strings are a few KB).
pub const JSON_LIMIT_BYTES: usize = 64 * 1024;

/// Registers every `/api/v1` route, `/health` and the dashboard.
pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.app_data(json_config())
        .app_data(aw::PathConfig::default().error_handler(path_error))
        .app_data(aw::QueryConfig::default().error_handler(query_error))
        .service(health::health)
        .service(
            aw::scope("/api/v1")
                .service(auth::login)
                .service(auth::logout)
                .service(auth::me)
                .service(auth::change_password)
                .service(auth::register)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::update_user)
                .service(users::delete_user)
                .service(settings::get_settings)
                .service(settings::update_settings)
                .service(accounts::create_account)
                .service(accounts::list_accounts)
                .service(accounts::get_account)
                .service(accounts::update_account)
                .service(accounts::delete_account)
                .service(accounts::replace_cookie)
                .service(accounts::account_status)
                .service(conversations::list_conversations)
                .service(conversations::list_messages)
                .service(conversations::send_message)
                .service(conversations::lift_pause)
                .service(conversations::list_auto_replies)
                .service(events::events)
                .service(replies::list_keyword_rules)
                .service(replies::create_keyword_rule)
                .service(replies::bulk_create_keyword_rules)
                .service(replies::bulk_delete_keyword_rules)
                .service(replies::reorder_keyword_rules)
                .service(replies::update_keyword_rule)
                .service(replies::delete_keyword_rule)
                .service(replies::list_item_replies)
                .service(replies::create_item_reply)
                .service(replies::update_item_reply)
                .service(replies::delete_item_reply)
                .service(replies::list_default_replies)
                .service(replies::create_default_reply)
                .service(replies::update_default_reply)
                .service(replies::delete_default_reply)
                .service(replies::get_reply_settings)
                .service(replies::put_reply_settings)
                .service(replies::clear_reply_memory)
                .service(replies::preview)
                .service(replies::add_blacklist_entry)
                .service(replies::remove_blacklist_entry)
                .service(uploads::create_upload)
                .service(uploads::get_upload)
                .service(uploads::delete_upload)
                .service(keywords_xlsx::export_keywords_xlsx)
                .service(keywords_xlsx::keywords_template_xlsx)
                .service(keywords_xlsx::import_keywords_xlsx)
                .service(items::list_items)
                .service(items::sync_items)
                .service(items::get_item)
                .service(items::update_item)
                .service(items::delete_item)
                .service(items::fetch_item_detail)
                .service(cards::list_cards)
                .service(cards::create_card)
                .service(cards::get_card)
                .service(cards::update_card)
                .service(cards::delete_card)
                .service(cards::append_stock)
                .service(cards::get_stock)
                .service(cards::delete_stock_line)
                .service(delivery_rules::list_delivery_rules)
                .service(delivery_rules::create_delivery_rule)
                .service(delivery_rules::get_delivery_rule)
                .service(delivery_rules::update_delivery_rule)
                .service(delivery_rules::delete_delivery_rule)
                .service(delivery_rules::preview_delivery)
                .service(orders::list_orders)
                .service(orders::get_order)
                .service(orders::order_summary)
                .service(orders::redeliver)
                .service(deliveries::list_deliveries)
                .service(stats::today)
                .service(error_codes::list_error_codes),
        )
        .service(web::index)
        .service(
            aw::scope("/assets")
                .wrap(actix_web::middleware::Compress::default())
                .service(web::asset),
        )
        .service(web::docs_redirect)
        .service(web::openapi_json);
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

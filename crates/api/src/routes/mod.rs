//! The route table: one list of every API handler, from which both the actix services and the
//! OpenAPI paths are made, so a route cannot be served undocumented or documented unserved.
//! One folder per resource, with its handlers and request/response bodies beside them.

pub mod accounts;
pub mod auth;
pub mod captcha;
pub mod cards;
pub mod common;
pub mod conversations;
pub mod delivery_rules;
pub mod error_codes;
pub mod events;
mod extract;
pub mod health;
pub mod items;
pub mod logs;
pub mod metrics;
pub mod observability;
pub mod orders;
pub mod qr_logins;
pub mod replies;
pub mod settings;
pub mod stats;
pub mod uploads;
pub mod users;
pub mod verifications;
pub mod web;

pub use extract::Body;

use actix_web::web as aw;

/// Declares the API: `root` handlers are served at `/`, `v1` handlers under `/api/v1`, in the
/// order given (where paths overlap, a literal segment such as `priority` comes before a
/// parameter such as `{rule_id}`). Generates the service registration and the two OpenAPI path
/// sets that `crate::openapi` assembles.
macro_rules! api_routes {
    (
        root: [$($rm:ident :: $rh:ident),* $(,)?],
        v1: [$($($vm:ident)::+ , )*] $(,)?
    ) => {
        fn register(cfg: &mut aw::ServiceConfig) {
            $(cfg.service($rm::$rh);)*
            cfg.service(aw::scope("/api/v1")$(.service($($vm)::+))*);
        }

        /// The documented paths served at the root.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($rm::$rh),*))]
        pub struct RootPaths;

        /// The documented paths served under `/api/v1`.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($vm)::+),*))]
        pub struct V1Paths;
    };
}

api_routes! {
    root: [health::health, metrics::metrics],
    v1: [
        auth::login,
        auth::logout,
        auth::me,
        auth::change_password,
        auth::register,
        auth::registration,
        users::list_users,
        users::create_user,
        users::update_user,
        users::delete_user,
        settings::get_settings,
        settings::update_settings,
        accounts::create_account,
        accounts::list_accounts,
        accounts::get_account,
        accounts::update_account,
        accounts::delete_account,
        accounts::replace_cookie,
        accounts::account_status,
        qr_logins::start_qr_login,
        qr_logins::get_qr_login,
        qr_logins::cancel_qr_login,
        verifications::list_verifications,
        verifications::dismiss_verification,
        verifications::start_session,
        captcha::captcha_status,
        captcha::close_session,
        captcha::session_socket,
        conversations::list_conversations,
        conversations::conversation_by_cid,
        conversations::get_conversation,
        conversations::list_messages,
        conversations::send_message,
        conversations::lift_pause,
        conversations::list_auto_replies,
        events::events,
        logs::list_logs,
        logs::list_log_files,
        logs::download_log_file,
        logs::live::tail,
        replies::keyword_rules::list_keyword_rules,
        replies::keyword_rules::create_keyword_rule,
        replies::keyword_rules::bulk_create_keyword_rules,
        replies::keyword_rules::bulk_delete_keyword_rules,
        replies::keyword_rules::reorder_keyword_rules,
        replies::keyword_rules::update_keyword_rule,
        replies::keyword_rules::delete_keyword_rule,
        replies::item_replies::list_item_replies,
        replies::item_replies::create_item_reply,
        replies::item_replies::update_item_reply,
        replies::item_replies::delete_item_reply,
        replies::default_replies::list_default_replies,
        replies::default_replies::create_default_reply,
        replies::default_replies::update_default_reply,
        replies::default_replies::delete_default_reply,
        replies::settings::get_reply_settings,
        replies::settings::put_reply_settings,
        replies::settings::clear_reply_memory,
        replies::settings::add_blacklist_entry,
        replies::settings::remove_blacklist_entry,
        replies::preview::preview,
        replies::xlsx::export_keywords_xlsx,
        replies::xlsx::keywords_template_xlsx,
        replies::xlsx::import_keywords_xlsx,
        uploads::create_upload,
        uploads::get_upload,
        uploads::delete_upload,
        items::list_items,
        items::sync_items,
        items::get_item,
        items::update_item,
        items::delete_item,
        items::fetch_item_detail,
        cards::list_cards,
        cards::create_card,
        cards::get_card,
        cards::update_card,
        cards::delete_card,
        cards::append_stock,
        cards::get_stock,
        cards::delete_stock_line,
        delivery_rules::list_delivery_rules,
        delivery_rules::create_delivery_rule,
        delivery_rules::get_delivery_rule,
        delivery_rules::update_delivery_rule,
        delivery_rules::delete_delivery_rule,
        delivery_rules::preview_delivery,
        orders::list_orders,
        orders::get_order,
        orders::order_summary,
        orders::redeliver,
        orders::deliveries::list_deliveries,
        stats::today,
        stats::stats,
        observability::observability,
        error_codes::list_error_codes,
    ],
}

/// Registers every API route, `/health` and the dashboard.
pub fn configure(cfg: &mut aw::ServiceConfig) {
    extract::configure(cfg);
    register(cfg);
    cfg.service(web::index)
        .service(aw::scope("/assets").service(web::asset))
        .service(web::docs_redirect)
        .service(web::openapi_json);
}

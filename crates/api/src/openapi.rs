//! The OpenAPI 3 document, generated from the handler annotations.

use crate::error::{ErrorBody, ErrorEnvelope};
use crate::routes::{
    accounts, auth, cards, conversations, deliveries, delivery_rules, dto, error_codes, events,
    health, items, keywords_xlsx, orders, replies, settings, stats, uploads, users,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API description served at `/openapi.json` and committed as `docs/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Xianyu Auto Reply API",
        description = "Self-hosted seller automation for Xianyu (Goofish). Errors always use the envelope `{\"error\":{\"code\",\"message\"}}` with a stable snake_case code.",
        license(name = "MIT")
    ),
    paths(
        health::health,
        auth::login,
        auth::logout,
        auth::me,
        auth::change_password,
        auth::register,
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
        conversations::list_conversations,
        conversations::list_messages,
        conversations::send_message,
        conversations::lift_pause,
        conversations::list_auto_replies,
        events::events,
        replies::list_keyword_rules,
        replies::create_keyword_rule,
        replies::bulk_create_keyword_rules,
        replies::bulk_delete_keyword_rules,
        replies::reorder_keyword_rules,
        replies::update_keyword_rule,
        replies::delete_keyword_rule,
        replies::list_item_replies,
        replies::create_item_reply,
        replies::update_item_reply,
        replies::delete_item_reply,
        replies::list_default_replies,
        replies::create_default_reply,
        replies::update_default_reply,
        replies::delete_default_reply,
        replies::get_reply_settings,
        replies::put_reply_settings,
        replies::clear_reply_memory,
        replies::preview,
        replies::add_blacklist_entry,
        replies::remove_blacklist_entry,
        uploads::create_upload,
        uploads::get_upload,
        uploads::delete_upload,
        keywords_xlsx::export_keywords_xlsx,
        keywords_xlsx::keywords_template_xlsx,
        keywords_xlsx::import_keywords_xlsx,
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
        deliveries::list_deliveries,
        stats::today,
        error_codes::list_error_codes,
    ),
    components(schemas(ErrorEnvelope, ErrorBody, dto::ApiRole)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Login sessions"),
        (name = "users", description = "Dashboard users (admin only)"),
        (name = "settings", description = "Global settings (admin only)"),
        (name = "accounts", description = "Xianyu seller accounts of the calling user"),
        (name = "conversations", description = "Chats with buyers, and sending through the live connection"),
        (name = "events", description = "Live events over WebSocket"),
        (name = "replies", description = "Automatic-reply rules, settings and preview. Precedence, first match wins: manual-takeover pause → blacklist → system texts → quiet hours → per-buyer minimum interval → item-specific reply → item keywords → general keywords → AI (later) → item default reply → account default reply. Among several keyword matches the higher priority wins, then the longer keyword, then the older rule."),
        (name = "uploads", description = "Reply images of the calling user"),
        (name = "items", description = "Items of the caller's accounts: synced from Goofish, with the local description and delivery flags"),
        (name = "cards", description = "Cards (卡券) of the calling user and their stock lines; HTTP-fetch header values are never returned"),
        (name = "delivery", description = "Delivery rules and the delivery preview. Only the caller's enabled rules count; a rule matches by item id or by keyword in the folded title/local description; a spec-specific rule beats spec-less ones; exactly one rule must remain (else no_rule or ambiguous)."),
        (name = "orders", description = "Orders of the caller's accounts with their state history and delivery records, per-day summaries, the review list of deliveries (`uncertain` ones wait for a human) and manual re-delivery. Days are Asia/Shanghai calendar days."),
        (name = "stats", description = "Statistics of the caller's accounts (Asia/Shanghai days)"),
        (name = "system", description = "Health")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

/// The handlers are mounted under the `/api/v1` scope; utoipa only sees their own paths.
const API_PREFIX: &str = "/api/v1";
const UNSCOPED: &[&str] = &["/health"];

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let paths = std::mem::take(&mut openapi.paths.paths);
        openapi.paths.paths = paths
            .into_iter()
            .map(|(p, item)| {
                if UNSCOPED.contains(&p.as_str()) {
                    (p, item)
                } else {
                    (format!("{API_PREFIX}{p}"), item)
                }
            })
            .collect();
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document as pretty JSON (what `docs/openapi.json` must contain).
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default() + "\n"
}

//! The OpenAPI 3 document, generated from the handler annotations of the route list.

use crate::error::{ErrorBody, ErrorEnvelope};
use crate::routes::{self, users::dto::ApiRole};
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
    components(schemas(ErrorEnvelope, ErrorBody, ApiRole)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Login sessions"),
        (name = "users", description = "Dashboard users (admin only)"),
        (name = "settings", description = "Global settings (admin only)"),
        (name = "accounts", description = "Xianyu seller accounts of the calling user"),
        (name = "conversations", description = "Chats with buyers, and sending through the live connection"),
        (name = "events", description = "Live events over WebSocket"),
        (name = "logs", description = "Log records: query, live tail, daily files"),
        (name = "replies", description = "Automatic-reply rules, settings and preview. Precedence, first match wins: manual-takeover pause → blacklist → system texts → quiet hours → per-buyer minimum interval → item-specific reply → item keywords → general keywords → AI (later) → item default reply → account default reply. Among several keyword matches the higher priority wins, then the longer keyword, then the older rule."),
        (name = "uploads", description = "Reply images of the calling user"),
        (name = "items", description = "Items of the caller's accounts: synced from Goofish, with the local description and delivery flags"),
        (name = "cards", description = "Cards (卡券) of the calling user and their stock lines; HTTP-fetch header values are never returned"),
        (name = "delivery", description = "Delivery rules and the delivery preview. Only the caller's enabled rules count; a rule matches by item id or by keyword in the folded title/local description; a spec-specific rule beats spec-less ones; exactly one rule must remain (else no_rule or ambiguous)."),
        (name = "orders", description = "Orders of the caller's accounts with their state history and delivery records, per-day summaries, the review list of deliveries (`uncertain` ones wait for a human) and manual re-delivery. Days are Asia/Shanghai calendar days."),
        (name = "verifications", description = "The verification inbox (slider captcha, face verification, expired session, QR confirmation) and remote-control captcha sessions: Chromium on the verification page, streamed to the operator, who drags the slider from the dashboard"),
        (name = "stats", description = "Statistics of the caller's accounts (Asia/Shanghai days)"),
        (name = "system", description = "Health and Prometheus metrics")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
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
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The whole document: the description above with the paths of the route list
/// ([`routes::RootPaths`] at the root, [`routes::V1Paths`] under `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
        .merge_from(routes::RootPaths::openapi())
        .nest("/api/v1", routes::V1Paths::openapi())
}

/// The OpenAPI document as pretty JSON (what `docs/openapi.json` must contain).
pub fn openapi_json() -> String {
    openapi().to_pretty_json().unwrap_or_default() + "\n"
}

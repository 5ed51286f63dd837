//! The reply preview: which rule would answer a message, and why the levels before it did not.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode, OrNotFound, blocking};
use crate::routes::Body;
use crate::routes::replies::dto::{PreviewRequest, PreviewResponse};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use std::collections::HashSet;
use xianyu_domain::AccountId;
use xianyu_domain::replies::{MessageContext, RuleSet};

/// Which rule would answer a message, why the ones before it did not, and the rendered reply.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = PreviewRequest, responses((status = 200, body = PreviewResponse)))]
#[post("/accounts/{id}/replies/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<PreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner()?;
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let item_id = req.item_id.clone();
    let (acc, cfg, item) = blocking(move || {
        let acc = store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        let cfg = store
            .reply_config(account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        let item = match item_id {
            Some(id) => store
                .item_facts(account, &id)
                .or_not_found(ErrorCode::AccountNotFound)?,
            None => None,
        };
        Ok((acc, cfg, item))
    })
    .await?;
    let rules = RuleSet::build(cfg.keywords, cfg.item_replies, cfg.defaults, cfg.settings)
        .map_err(ApiError::from)?;
    let none = HashSet::new();
    let item_price = item
        .as_ref()
        .and_then(|i| i.price_fen)
        .map(xianyu_domain::replies::format_price_fen);
    let ctx = MessageContext {
        text: &req.message,
        buyer_id: req.buyer_id.as_deref().unwrap_or("0"),
        buyer_name: req.buyer_name.as_deref().unwrap_or("买家"),
        item_id: req.item_id.as_deref(),
        item_title: item
            .as_ref()
            .map(|i| i.title.as_str())
            .filter(|t| !t.is_empty()),
        item_price: item_price.as_deref(),
        account_remark: &acc.remark,
        now_local: xianyu_domain::clock::local_time(chrono::Utc::now().timestamp_millis())
            .unwrap_or_default(),
        paused: false,
        is_system_text: goofish_protocol::events::texts::is_system_text(&req.message),
        once_used: &none,
        last_auto_reply_to_buyer: None,
    };
    let d = rules.decide(&ctx);
    let v = serde_json::to_value(&d).unwrap_or_default();
    Ok(HttpResponse::Ok().json(PreviewResponse {
        reply: v.get("reply").cloned().unwrap_or_default(),
        fired: v.get("fired").cloned().unwrap_or_default(),
        steps: v.get("steps").cloned().unwrap_or_default(),
        explanation: d.explain(),
    }))
}

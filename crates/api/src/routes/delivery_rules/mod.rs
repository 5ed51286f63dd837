//! Delivery rules of the caller (which orders get which card) and the delivery preview that
//! explains which rule and card an order of an item would get.

pub mod dto;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::routes::Body;
use crate::routes::common::{Page, PageQuery};
use crate::routes::delivery_rules::dto::{
    CreateRuleRequest, DeliveryPreviewRequest, DeliveryPreviewResponse, PreviewCard, PreviewItem,
    RuleView, UpdateRuleRequest,
};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use xianyu_domain::AccountId;
use xianyu_domain::delivery::{
    DeliveryOutcome, DeliveryRuleId, NoDelivery, OrderFacts, select_rule, units,
};
use xianyu_persistence::card_kind_name;

/// List the caller's delivery rules, oldest first.
#[utoipa::path(tag = "delivery", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<RuleView>)))]
#[get("/delivery-rules")]
pub async fn list_delivery_rules(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit_or(100)?;
    let after = query.id_cursor()?;
    let (store, uid) = (state.store.clone(), user.id);
    let rows = blocking(move || Ok(store.list_delivery_rules(uid, after, limit + 1)?)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.rule.id.0.to_string(),
        |r| RuleView::from(r),
    )))
}

/// Create a delivery rule. The card must be one of the caller's.
#[utoipa::path(tag = "delivery", security(("bearer" = [])), request_body = CreateRuleRequest,
    responses((status = 201, body = RuleView), (status = 400, description = "invalid_units_per_order, invalid_item_match, invalid_spec, remark_too_long", body = ErrorEnvelope),
        (status = 404, description = "card_not_found", body = ErrorEnvelope)))]
#[post("/delivery-rules")]
pub async fn create_delivery_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<CreateRuleRequest>,
) -> Result<HttpResponse, ApiError> {
    let (rule, remark) = body.into_inner()?.into_rule(user.id)?;
    let (store, uid) = (state.store.clone(), user.id);
    let saved = blocking(move || {
        store
            .create_delivery_rule(uid, &rule, &remark)
            .or_not_found(ErrorCode::CardNotFound)
    })
    .await?;
    Ok(HttpResponse::Created().json(RuleView::from(&saved)))
}

/// One delivery rule.
#[utoipa::path(tag = "delivery", security(("bearer" = [])), params(("id" = i64, Path, description = "rule id")),
    responses((status = 200, body = RuleView), (status = 404, description = "delivery_rule_not_found", body = ErrorEnvelope)))]
#[get("/delivery-rules/{id}")]
pub async fn get_delivery_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, uid, id) = (state.store.clone(), user.id, DeliveryRuleId(*id));
    let r = blocking(move || {
        store
            .get_delivery_rule(uid, id)
            .or_not_found(ErrorCode::DeliveryRuleNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RuleView::from(&r)))
}

/// Change a delivery rule; `"spec": null` removes the spec.
#[utoipa::path(tag = "delivery", security(("bearer" = [])), params(("id" = i64, Path, description = "rule id")), request_body = UpdateRuleRequest,
    responses((status = 200, body = RuleView), (status = 400, description = "the create codes", body = ErrorEnvelope),
        (status = 404, description = "delivery_rule_not_found, card_not_found", body = ErrorEnvelope)))]
#[patch("/delivery-rules/{id}")]
pub async fn update_delivery_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<UpdateRuleRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner()?;
    let (store, uid, id) = (state.store.clone(), user.id, DeliveryRuleId(*id));
    let saved = blocking(move || {
        let stored = store
            .get_delivery_rule(uid, id)
            .or_not_found(ErrorCode::DeliveryRuleNotFound)?;
        let (rule, remark) = req.apply(stored)?;
        store
            .update_delivery_rule(uid, &rule, &remark)
            .or_not_found(ErrorCode::CardNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RuleView::from(&saved)))
}

/// Delete a delivery rule.
#[utoipa::path(tag = "delivery", security(("bearer" = [])), params(("id" = i64, Path, description = "rule id")),
    responses((status = 204), (status = 404, description = "delivery_rule_not_found", body = ErrorEnvelope)))]
#[delete("/delivery-rules/{id}")]
pub async fn delete_delivery_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, uid, id) = (state.store.clone(), user.id, DeliveryRuleId(*id));
    blocking(move || {
        store
            .delete_delivery_rule(uid, id)
            .or_not_found(ErrorCode::DeliveryRuleNotFound)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Which rule and card an order of this item (and spec, and quantity) would get, and why not
/// when none: `no_rule`, or `ambiguous` with the competing rules as `candidates`. Keyword rules
/// look at the stored item's title and local description.
#[utoipa::path(tag = "delivery", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = DeliveryPreviewRequest,
    responses((status = 200, body = DeliveryPreviewResponse), (status = 404, description = "account_not_found", body = ErrorEnvelope)))]
#[post("/accounts/{id}/delivery/preview")]
pub async fn preview_delivery(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<DeliveryPreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner()?;
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let answer = blocking(move || {
        store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        let item = store.item_facts(account, &req.item_id)?;
        let (rules, cards) = store.user_rules_and_cards(uid)?;
        let facts = OrderFacts {
            user_id: uid,
            item_id: req.item_id.clone(),
            item_title: item.as_ref().map(|i| i.title.clone()).unwrap_or_default(),
            item_description: item
                .as_ref()
                .map(|i| i.description.clone())
                .unwrap_or_default(),
            spec: req.spec.map(|s| (s.name, s.value)),
            quantity: req.quantity.unwrap_or(1),
            amount_fen: 0,
            order_id: String::new(),
            buyer_id: String::new(),
        };
        let item_view = PreviewItem {
            known: item.is_some(),
            title: facts.item_title.clone(),
        };
        let multi_quantity = item.as_ref().is_some_and(|i| i.multi_quantity_delivery);
        Ok(match select_rule(&rules, &facts) {
            Ok(rule) => {
                let card = cards.iter().find(|c| rule.check_card(c).is_ok());
                let record = store
                    .get_delivery_rule(uid, rule.id)
                    .or_not_found(ErrorCode::DeliveryRuleNotFound)?;
                DeliveryPreviewResponse {
                    rule: Some(RuleView::from(&record)),
                    card: card.map(|c| PreviewCard {
                        id: c.id.0,
                        name: c.name.clone(),
                        kind: card_kind_name(&c.kind).to_owned(),
                    }),
                    units: units(rule, &facts, multi_quantity),
                    reason: None,
                    candidates: vec![rule.id.0],
                    item: item_view,
                }
            }
            Err(no) => {
                let (reason, candidates) = match no {
                    NoDelivery::NoRule => (DeliveryOutcome::NoRule, Vec::new()),
                    NoDelivery::Ambiguous { rule_ids } => (
                        DeliveryOutcome::Ambiguous,
                        rule_ids.iter().map(|r| r.0).collect(),
                    ),
                };
                DeliveryPreviewResponse {
                    rule: None,
                    card: None,
                    units: 0,
                    reason: Some(reason.code().to_owned()),
                    candidates,
                    item: item_view,
                }
            }
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(answer))
}

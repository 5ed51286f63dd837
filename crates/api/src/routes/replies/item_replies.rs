//! Item-specific replies (one per item): list, create, replace, delete — scoped to the caller's account.

use super::{create, list, remove, update};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope};
use crate::routes::Body;
use crate::routes::replies::dto::ItemReplyDto;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use xianyu_domain::AccountId;
use xianyu_domain::replies::ItemReply;

/// List item-specific replies.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), responses((status = 200, body = Vec<ItemReplyDto>), (status = 404, body = ErrorEnvelope)))]
#[get("/accounts/{id}/item-replies")]
pub async fn list_item_replies(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let rules: Vec<ItemReply> = list(&state, &user, AccountId(*id)).await?;
    Ok(HttpResponse::Ok().json(
        rules
            .iter()
            .map(ItemReplyDto::from_rule)
            .collect::<Vec<_>>(),
    ))
}

/// Create an item-specific reply (one per item).
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = ItemReplyDto,
    responses((status = 201, body = ItemReplyDto), (status = 400, body = ErrorEnvelope), (status = 409, description = "duplicate_item_reply", body = ErrorEnvelope)))]
#[post("/accounts/{id}/item-replies")]
pub async fn create_item_reply(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<ItemReplyDto>,
) -> Result<HttpResponse, ApiError> {
    let rule = body.into_inner()?.into_rule()?;
    let saved = create(&state, &user, AccountId(*id), vec![rule], |cfg, r| {
        cfg.item_replies.extend_from_slice(r)
    })
    .await?;
    Ok(HttpResponse::Created().json(saved.first().map(ItemReplyDto::from_rule)))
}

/// Replace an item-specific reply.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("rule_id" = i64, Path, description = "rule id")),
    request_body = ItemReplyDto, responses((status = 200, body = ItemReplyDto), (status = 404, description = "rule_not_found", body = ErrorEnvelope)))]
#[put("/accounts/{id}/item-replies/{rule_id}")]
pub async fn update_item_reply(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: Body<ItemReplyDto>,
) -> Result<HttpResponse, ApiError> {
    let (id, rule_id) = path.into_inner();
    let mut rule = body.into_inner()?.into_rule()?;
    rule.id = rule_id;
    let saved = update(&state, &user, AccountId(id), rule, |cfg, r| {
        cfg.item_replies.retain(|k| k.id != r.id);
        cfg.item_replies.push(r.clone());
    })
    .await?;
    Ok(HttpResponse::Ok().json(ItemReplyDto::from_rule(&saved)))
}

/// Delete an item-specific reply.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("rule_id" = i64, Path, description = "rule id")), responses((status = 204), (status = 404, description = "rule_not_found", body = ErrorEnvelope)))]
#[delete("/accounts/{id}/item-replies/{rule_id}")]
pub async fn delete_item_reply(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, rule_id) = path.into_inner();
    remove::<ItemReply>(&state, &user, AccountId(id), vec![rule_id], true).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Default replies (one per item, one for the account, optionally once per conversation): list, create, replace, delete — scoped to the caller's account.

use super::{create, list, remove, update};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope};
use crate::routes::Body;
use crate::routes::replies::dto::DefaultReplyDto;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use xianyu_domain::AccountId;
use xianyu_domain::replies::DefaultReply;

/// List default replies (item level and account level).
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), responses((status = 200, body = Vec<DefaultReplyDto>), (status = 404, body = ErrorEnvelope)))]
#[get("/accounts/{id}/default-replies")]
pub async fn list_default_replies(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let rules: Vec<DefaultReply> = list(&state, &user, AccountId(*id)).await?;
    Ok(HttpResponse::Ok().json(
        rules
            .iter()
            .map(DefaultReplyDto::from_rule)
            .collect::<Vec<_>>(),
    ))
}

/// Create a default reply (one per item, one for the account).
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = DefaultReplyDto,
    responses((status = 201, body = DefaultReplyDto), (status = 400, body = ErrorEnvelope), (status = 409, description = "duplicate_default_reply", body = ErrorEnvelope)))]
#[post("/accounts/{id}/default-replies")]
pub async fn create_default_reply(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<DefaultReplyDto>,
) -> Result<HttpResponse, ApiError> {
    let rule = body.into_inner()?.into_rule()?;
    let saved = create(&state, &user, AccountId(*id), vec![rule], |cfg, r| {
        cfg.defaults.extend_from_slice(r)
    })
    .await?;
    Ok(HttpResponse::Created().json(saved.first().map(DefaultReplyDto::from_rule)))
}

/// Replace a default reply.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("rule_id" = i64, Path, description = "rule id")),
    request_body = DefaultReplyDto, responses((status = 200, body = DefaultReplyDto), (status = 404, description = "rule_not_found", body = ErrorEnvelope)))]
#[put("/accounts/{id}/default-replies/{rule_id}")]
pub async fn update_default_reply(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: Body<DefaultReplyDto>,
) -> Result<HttpResponse, ApiError> {
    let (id, rule_id) = path.into_inner();
    let mut rule = body.into_inner()?.into_rule()?;
    rule.id = rule_id;
    let saved = update(&state, &user, AccountId(id), rule, |cfg, r| {
        cfg.defaults.retain(|k| k.id != r.id);
        cfg.defaults.push(r.clone());
    })
    .await?;
    Ok(HttpResponse::Ok().json(DefaultReplyDto::from_rule(&saved)))
}

/// Delete a default reply.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("rule_id" = i64, Path, description = "rule id")), responses((status = 204), (status = 404, description = "rule_not_found", body = ErrorEnvelope)))]
#[delete("/accounts/{id}/default-replies/{rule_id}")]
pub async fn delete_default_reply(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, rule_id) = path.into_inner();
    remove::<DefaultReply>(&state, &user, AccountId(id), vec![rule_id], true).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Keyword rules: list, create (one or in bulk), delete (one or in bulk), reorder priorities,
//! replace — scoped to the caller's account.

use super::{create, list, remove, update};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode, ErrorEnvelope, OrNotFound, blocking};
use crate::routes::Body;
use crate::routes::replies::dto::{KeywordRuleDto, KeywordRulesBulk, RuleIds};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use xianyu_domain::AccountId;
use xianyu_domain::replies::KeywordRule;

/// List keyword rules.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), responses((status = 200, body = Vec<KeywordRuleDto>), (status = 404, body = ErrorEnvelope)))]
#[get("/accounts/{id}/keyword-rules")]
pub async fn list_keyword_rules(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let rules: Vec<KeywordRule> = list(&state, &user, AccountId(*id)).await?;
    Ok(HttpResponse::Ok().json(
        rules
            .iter()
            .map(KeywordRuleDto::from_rule)
            .collect::<Vec<_>>(),
    ))
}

/// Create a keyword rule.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = KeywordRuleDto,
    responses((status = 201, body = KeywordRuleDto), (status = 400, description = "unknown_placeholder, invalid_regex, regex_too_large, no_keywords, …", body = ErrorEnvelope)))]
#[post("/accounts/{id}/keyword-rules")]
pub async fn create_keyword_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<KeywordRuleDto>,
) -> Result<HttpResponse, ApiError> {
    let rule = body.into_inner()?.into_rule()?;
    let saved = create(&state, &user, AccountId(*id), vec![rule], |cfg, r| {
        cfg.keywords.extend_from_slice(r)
    })
    .await?;
    Ok(HttpResponse::Created().json(saved.first().map(KeywordRuleDto::from_rule)))
}

/// Create several keyword rules at once (all or nothing).
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = KeywordRulesBulk,
    responses((status = 201, body = Vec<KeywordRuleDto>), (status = 400, body = ErrorEnvelope)))]
#[post("/accounts/{id}/keyword-rules/bulk")]
pub async fn bulk_create_keyword_rules(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<KeywordRulesBulk>,
) -> Result<HttpResponse, ApiError> {
    let rules = body
        .into_inner()?
        .rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.into_rule().map_err(|e| ApiError {
                message: format!("rule {}: {}", i + 1, e.message),
                ..e
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let saved = create(&state, &user, AccountId(*id), rules, |cfg, r| {
        cfg.keywords.extend_from_slice(r)
    })
    .await?;
    Ok(HttpResponse::Created().json(
        saved
            .iter()
            .map(KeywordRuleDto::from_rule)
            .collect::<Vec<_>>(),
    ))
}

/// Delete several keyword rules (`{"ids": []}` deletes all of them).
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = RuleIds, responses((status = 200, description = "{\"deleted\": n}")))]
#[post("/accounts/{id}/keyword-rules/bulk-delete")]
pub async fn bulk_delete_keyword_rules(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<RuleIds>,
) -> Result<HttpResponse, ApiError> {
    let ids = body.into_inner()?.ids;
    let n = remove::<KeywordRule>(&state, &user, AccountId(*id), ids, false).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "deleted": n })))
}

/// Reorder keyword priorities: the first id gets the highest priority.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = RuleIds, responses((status = 200, body = Vec<KeywordRuleDto>), (status = 404, body = ErrorEnvelope)))]
#[put("/accounts/{id}/keyword-rules/priority")]
pub async fn reorder_keyword_rules(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<RuleIds>,
) -> Result<HttpResponse, ApiError> {
    let ids = body.into_inner()?.ids;
    let account = AccountId(*id);
    let store = state.store.clone();
    let uid = user.id;
    let rules = blocking(move || {
        let mut rules: Vec<KeywordRule> = store
            .list_rules(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        let unknown = ids.iter().find(|i| !rules.iter().any(|r| r.id == **i));
        if let Some(i) = unknown {
            return Err(ApiError::new(
                ErrorCode::RuleNotFound,
                format!("rule {i} not found"),
            ));
        }
        let top = i32::try_from(ids.len()).unwrap_or(i32::MAX);
        for r in &mut rules {
            if let Some(pos) = ids.iter().position(|i| *i == r.id) {
                r.priority = top - i32::try_from(pos).unwrap_or(0);
                store
                    .update_rule(uid, account, r)
                    .or_not_found(ErrorCode::RuleNotFound)?;
            }
        }
        Ok(rules)
    })
    .await?;
    state.runner.rules_changed(account);
    Ok(HttpResponse::Ok().json(
        rules
            .iter()
            .map(KeywordRuleDto::from_rule)
            .collect::<Vec<_>>(),
    ))
}

/// Replace a keyword rule.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("rule_id" = i64, Path, description = "rule id")),
    request_body = KeywordRuleDto, responses((status = 200, body = KeywordRuleDto), (status = 404, description = "rule_not_found", body = ErrorEnvelope)))]
#[put("/accounts/{id}/keyword-rules/{rule_id}")]
pub async fn update_keyword_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: Body<KeywordRuleDto>,
) -> Result<HttpResponse, ApiError> {
    let (id, rule_id) = path.into_inner();
    let mut rule = body.into_inner()?.into_rule()?;
    rule.id = rule_id;
    let saved = update(&state, &user, AccountId(id), rule, |cfg, r| {
        cfg.keywords.retain(|k| k.id != r.id);
        cfg.keywords.push(r.clone());
    })
    .await?;
    Ok(HttpResponse::Ok().json(KeywordRuleDto::from_rule(&saved)))
}

/// Delete a keyword rule.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("rule_id" = i64, Path, description = "rule id")), responses((status = 204), (status = 404, body = ErrorEnvelope)))]
#[delete("/accounts/{id}/keyword-rules/{rule_id}")]
pub async fn delete_keyword_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, rule_id) = path.into_inner();
    remove::<KeywordRule>(&state, &user, AccountId(id), vec![rule_id], true).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Reply settings of an account (blacklist, quiet hours, minimum interval per buyer), the
//! blacklist one buyer at a time, and the once-per-conversation memory.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode, ErrorEnvelope, OrNotFound, blocking};
use crate::routes::Body;
use crate::routes::replies::dto::ReplySettingsDto;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use std::collections::HashSet;
use xianyu_domain::AccountId;

/// Read the reply settings (blacklist, quiet hours, minimum interval).
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), responses((status = 200, body = ReplySettingsDto)))]
#[get("/accounts/{id}/reply-settings")]
pub async fn get_reply_settings(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let s = blocking(move || {
        store
            .reply_settings(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ReplySettingsDto::from_settings(&s)))
}

/// Replace the reply settings.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = ReplySettingsDto,
    responses((status = 200, body = ReplySettingsDto), (status = 400, description = "invalid_quiet_hours", body = ErrorEnvelope)))]
#[put("/accounts/{id}/reply-settings")]
pub async fn put_reply_settings(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<ReplySettingsDto>,
) -> Result<HttpResponse, ApiError> {
    let settings = body.into_inner()?.into_settings()?;
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let saved = settings.clone();
    blocking(move || {
        store
            .set_reply_settings(uid, account, &saved)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    state.runner.rules_changed(account);
    Ok(HttpResponse::Ok().json(ReplySettingsDto::from_settings(&settings)))
}

/// Forget which once-per-conversation replies were already sent.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), responses((status = 200, description = "{\"cleared\": n}")))]
#[delete("/accounts/{id}/reply-memory")]
pub async fn clear_reply_memory(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let n = blocking(move || {
        store
            .clear_once_memory(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "cleared": n })))
}

/// A blacklisted buyer.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlacklistEntry {
    /// The buyer's Xianyu user id.
    pub buyer_id: String,
}

async fn edit_blacklist(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    edit: impl FnOnce(&mut HashSet<String>) -> bool + Send + 'static,
) -> Result<Vec<String>, ApiError> {
    let (store, uid) = (state.store.clone(), user.id);
    let list = blocking(move || {
        let mut settings = store
            .reply_settings(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        if !edit(&mut settings.blacklist) {
            return Err(ApiError::new(
                ErrorCode::BlacklistEntryNotFound,
                "this buyer is not on the blacklist",
            ));
        }
        store
            .set_reply_settings(uid, account, &settings)
            .or_not_found(ErrorCode::AccountNotFound)?;
        let mut list: Vec<String> = settings.blacklist.into_iter().collect();
        list.sort();
        Ok(list)
    })
    .await?;
    state.runner.rules_changed(account);
    Ok(list)
}

/// Add a buyer to the account's blacklist (no automatic replies to them).
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = BlacklistEntry,
    responses((status = 200, description = "the blacklist after the change", body = Vec<String>), (status = 400, body = ErrorEnvelope)))]
#[post("/accounts/{id}/blacklist")]
pub async fn add_blacklist_entry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<BlacklistEntry>,
) -> Result<HttpResponse, ApiError> {
    let buyer = body.into_inner()?.buyer_id.trim().to_owned();
    if buyer.is_empty() || buyer.len() > 32 || !buyer.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::new(
            ErrorCode::InvalidBuyerId,
            "buyer_id must be 1-32 digits",
        ));
    }
    let list = edit_blacklist(&state, &user, AccountId(*id), move |b| {
        b.insert(buyer);
        true
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Remove a buyer from the account's blacklist.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("buyer_id" = String, Path, description = "buyer id")),
    responses((status = 200, description = "the blacklist after the change", body = Vec<String>), (status = 404, description = "blacklist_entry_not_found", body = ErrorEnvelope)))]
#[delete("/accounts/{id}/blacklist/{buyer_id}")]
pub async fn remove_blacklist_entry(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, buyer) = path.into_inner();
    let list = edit_blacklist(&state, &user, AccountId(id), move |b| b.remove(&buyer)).await?;
    Ok(HttpResponse::Ok().json(list))
}

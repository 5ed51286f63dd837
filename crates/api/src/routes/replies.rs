//! Automatic-reply rules of the caller's accounts: keyword rules, item-specific replies,
//! default replies, settings (blacklist, quiet hours, minimum interval), the
//! once-per-conversation memory, and a preview that explains which rule would fire.
//!
//! Precedence (first match wins): takeover pause → blacklist → system texts → quiet hours →
//! minimum interval → item-specific reply → item keywords → general keywords → AI (later) →
//! item default → account default.

use super::Body;
use super::reply_dto::{
    DefaultReplyDto, ItemReplyDto, KeywordRuleDto, KeywordRulesBulk, PreviewRequest,
    PreviewResponse, ReplySettingsDto, RuleIds,
};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use std::collections::HashSet;
use xianyu_domain::AccountId;
use xianyu_domain::replies::{DefaultReply, ItemReply, KeywordRule, MessageContext, RuleSet};
use xianyu_persistence::StoredRule;

/// Rejects a rule set the engine could not build (for example conflicting item replies).
fn check_buildable(
    store: &xianyu_persistence::Store,
    account: AccountId,
    extra: impl FnOnce(&mut xianyu_persistence::ReplyConfig),
) -> Result<(), ApiError> {
    let mut cfg = store
        .reply_config(account)
        .or_not_found(ErrorCode::AccountNotFound)?;
    extra(&mut cfg);
    RuleSet::build(cfg.keywords, cfg.item_replies, cfg.defaults, cfg.settings)
        .map(|_| ())
        .map_err(|e| ApiError::coded(e.code(), e))
}

async fn create<T: StoredRule + Send + Sync + 'static>(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    rules: Vec<T>,
    merge: fn(&mut xianyu_persistence::ReplyConfig, &[T]),
) -> Result<Vec<T>, ApiError> {
    let store = state.store.clone();
    let uid = user.id;
    let saved = blocking(move || {
        store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        check_buildable(&store, account, |cfg| merge(cfg, &rules))?;
        store
            .create_rules(uid, account, &rules)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    state.rules.invalidate(account);
    Ok(saved)
}

async fn update<T: StoredRule + Send + Sync + 'static>(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    rule: T,
    replace: fn(&mut xianyu_persistence::ReplyConfig, &T),
) -> Result<T, ApiError> {
    let store = state.store.clone();
    let uid = user.id;
    let saved = blocking(move || {
        store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        check_buildable(&store, account, |cfg| replace(cfg, &rule))?;
        store
            .update_rule(uid, account, &rule)
            .or_not_found(ErrorCode::RuleNotFound)
    })
    .await?;
    state.rules.invalidate(account);
    Ok(saved)
}

async fn remove<T: StoredRule + 'static>(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    ids: Vec<i64>,
    must_exist: bool,
) -> Result<usize, ApiError> {
    let store = state.store.clone();
    let uid = user.id;
    let n = blocking(move || {
        store
            .delete_rules::<T>(uid, account, &ids)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    state.rules.invalidate(account);
    if must_exist && n == 0 {
        return Err(ApiError::new(ErrorCode::RuleNotFound, "rule not found"));
    }
    Ok(n)
}

async fn list<T: StoredRule + Send + 'static>(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
) -> Result<Vec<T>, ApiError> {
    let store = state.store.clone();
    let uid = user.id;
    blocking(move || {
        store
            .list_rules::<T>(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await
}

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
    state.rules.invalidate(account);
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

/// The four CRUD handlers of a rule kind that has no extras (item-specific and default
/// replies): list, create, replace, delete — all scoped to the caller's account.
macro_rules! rule_crud {
    (
        $dto:ident, $rule:ty, $field:ident,
        [$list_doc:literal, $create_doc:literal, $update_doc:literal, $delete_doc:literal],
        $list:ident, $create:ident, $update:ident, $delete:ident,
        $coll:literal, $one:literal
    ) => {
        #[doc = $list_doc]
        #[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), responses((status = 200, body = Vec<$dto>), (status = 404, body = ErrorEnvelope)))]
        #[get($coll)]
        pub async fn $list(state: web::Data<AppState>, user: AuthUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
            let rules: Vec<$rule> = list(&state, &user, AccountId(*id)).await?;
            Ok(HttpResponse::Ok().json(rules.iter().map($dto::from_rule).collect::<Vec<_>>()))
        }

        #[doc = $create_doc]
        #[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = $dto,
            responses((status = 201, body = $dto), (status = 400, body = ErrorEnvelope), (status = 409, description = "duplicate_item_reply, duplicate_default_reply", body = ErrorEnvelope)))]
        #[post($coll)]
        pub async fn $create(state: web::Data<AppState>, user: AuthUser, id: web::Path<i64>, body: Body<$dto>) -> Result<HttpResponse, ApiError> {
            let rule = body.into_inner()?.into_rule()?;
            let saved = create(&state, &user, AccountId(*id), vec![rule], |cfg, r| cfg.$field.extend_from_slice(r)).await?;
            Ok(HttpResponse::Created().json(saved.first().map($dto::from_rule)))
        }

        #[doc = $update_doc]
        #[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("rule_id" = i64, Path, description = "rule id")),
            request_body = $dto, responses((status = 200, body = $dto), (status = 404, description = "rule_not_found", body = ErrorEnvelope)))]
        #[put($one)]
        pub async fn $update(state: web::Data<AppState>, user: AuthUser, path: web::Path<(i64, i64)>, body: Body<$dto>) -> Result<HttpResponse, ApiError> {
            let (id, rule_id) = path.into_inner();
            let mut rule = body.into_inner()?.into_rule()?;
            rule.id = rule_id;
            let saved = update(&state, &user, AccountId(id), rule, |cfg, r| {
                cfg.$field.retain(|k| k.id != r.id);
                cfg.$field.push(r.clone());
            })
            .await?;
            Ok(HttpResponse::Ok().json($dto::from_rule(&saved)))
        }

        #[doc = $delete_doc]
        #[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("rule_id" = i64, Path, description = "rule id")), responses((status = 204), (status = 404, description = "rule_not_found", body = ErrorEnvelope)))]
        #[delete($one)]
        pub async fn $delete(state: web::Data<AppState>, user: AuthUser, path: web::Path<(i64, i64)>) -> Result<HttpResponse, ApiError> {
            let (id, rule_id) = path.into_inner();
            remove::<$rule>(&state, &user, AccountId(id), vec![rule_id], true).await?;
            Ok(HttpResponse::NoContent().finish())
        }
    };
}

rule_crud!(
    ItemReplyDto,
    ItemReply,
    item_replies,
    [
        "List item-specific replies.",
        "Create an item-specific reply (one per item).",
        "Replace an item-specific reply.",
        "Delete an item-specific reply."
    ],
    list_item_replies,
    create_item_reply,
    update_item_reply,
    delete_item_reply,
    "/accounts/{id}/item-replies",
    "/accounts/{id}/item-replies/{rule_id}"
);

rule_crud!(
    DefaultReplyDto,
    DefaultReply,
    defaults,
    [
        "List default replies (item level and account level).",
        "Create a default reply (one per item, one for the account).",
        "Replace a default reply.",
        "Delete a default reply."
    ],
    list_default_replies,
    create_default_reply,
    update_default_reply,
    delete_default_reply,
    "/accounts/{id}/default-replies",
    "/accounts/{id}/default-replies/{rule_id}"
);

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
    state.rules.invalidate(account);
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
        .map_err(|e| ApiError::coded(e.code(), e))?;
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
        now_local: shanghai_now(),
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

/// The current time in Asia/Shanghai (UTC+8, no daylight saving), the sellers' local time.
pub fn shanghai_now() -> chrono::NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc()
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
    state.rules.invalidate(account);
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

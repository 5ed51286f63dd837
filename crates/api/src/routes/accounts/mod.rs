//! `/api/v1/accounts`: the caller's Xianyu seller accounts. Another user's account answers 404,
//! exactly like a missing one; the cookie is write-only.

pub mod dto;

use crate::auth::AuthUser;
use crate::error::ErrorCode;
use crate::error::{ApiError, ErrorEnvelope, blocking, read};
use crate::routes::accounts::dto::{
    AccountStatusView, AccountView, CreateAccountRequest, ReplaceCookieRequest,
    UpdateAccountRequest,
};
use crate::routes::common::{Page, PageQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use goofish_protocol::cookies::CookieJar;
use xianyu_domain::Account;
use xianyu_domain::{
    AccountId, AccountPatch, DomainError, PauseMinutes, Remark, XianyuUserId, check_cookie_owner,
};
use xianyu_persistence::{NewAccount, StoreError};
use xianyu_runner::AccountChange;

/// Longest accepted cookie string.
const MAX_COOKIE_BYTES: usize = 16 * 1024;

/// Parses a browser cookie string: returns it normalised (`k=v; …`, CR/LF removed) and the
/// Xianyu user id from its `unb` cookie.
fn parse_cookie(raw: &str) -> Result<(String, XianyuUserId), ApiError> {
    if raw.len() > MAX_COOKIE_BYTES {
        return Err(ApiError::new(
            ErrorCode::InvalidCookie,
            format!("cookie string exceeds {MAX_COOKIE_BYTES} bytes"),
        ));
    }
    let jar = CookieJar::parse(raw);
    let unb = jar.unb().ok_or(DomainError::InvalidCookie)?;
    let id = XianyuUserId::parse(unb).map_err(|_| DomainError::InvalidCookie)?;
    Ok((jar.to_header(), id))
}

/// What the runner must do after a settings change: start or stop the connection, or pick up
/// a new pause length in place.
fn runner_change(before: &Account, after: &Account) -> Option<AccountChange> {
    match (before.enabled, after.enabled) {
        (false, true) => Some(AccountChange::Enabled(after.id)),
        (true, false) => Some(AccountChange::Disabled(after.id)),
        (true, true) if before.pause_minutes != after.pause_minutes => {
            Some(AccountChange::SettingsChanged(after.id))
        }
        _ => None,
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::AccountNotFound, "account not found")
}

/// A store error of an account route: a missing account is `account_not_found`.
pub(crate) fn store_err(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => not_found(),
        StoreError::Conflict(_) => ApiError::new(
            ErrorCode::AccountExists,
            "you already have an account with this Xianyu user id",
        ),
        other => other.into(),
    }
}

/// Add a Xianyu account from a browser cookie string.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = CreateAccountRequest,
    responses(
        (status = 201, body = AccountView),
        (status = 400, description = "invalid_cookie, invalid_pause_minutes, remark_too_long", body = ErrorEnvelope),
        (status = 409, description = "account_exists", body = ErrorEnvelope),
    )
)]
#[post("/accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    user: AuthUser,
    body: super::Body<CreateAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (cookie, unb) = parse_cookie(&body.cookie)?;
    let remark = Remark::parse(body.remark.as_deref().unwrap_or(""))?;
    let pause = body
        .pause_minutes
        .map(PauseMinutes::parse)
        .transpose()?
        .unwrap_or(PauseMinutes::DEFAULT);
    let new = NewAccount {
        xianyu_user_id: unb.as_str().to_owned(),
        cookie,
        remark: remark.as_str().to_owned(),
        enabled: body.enabled.unwrap_or(true),
        auto_confirm: body.auto_confirm.unwrap_or(true),
        pause_minutes: pause.get(),
    };
    let store = state.store.clone();
    let account = blocking(move || store.create_account(user.id, &new).map_err(store_err)).await?;
    if account.enabled {
        state.runner.notify(AccountChange::Created(account.id));
    }
    state.logs.set_owner(account.id.0, account.user_id.0);
    log::info!(target: "xianyu::accounts", account = account.id.0, user = account.user_id.0; "account added (xianyu {})", account.xianyu_user_id);
    Ok(HttpResponse::Created().json(AccountView::from(&account)))
}

/// List the caller's accounts.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<AccountView>)))]
#[get("/accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit_or(100)?;
    let after = query.id_cursor()?.map(AccountId);
    let store = state.store.clone();
    let accounts = read(&state.store, move || {
        Ok(store.list_accounts(user.id, after, limit + 1)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        accounts,
        limit,
        |a| a.id.0.to_string(),
        |a| AccountView::live(a, state.runner.status(a.id)),
    )))
}

/// One of the caller's accounts.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountView), (status = 404, description = "account_not_found", body = ErrorEnvelope))
)]
#[get("/accounts/{id}")]
pub async fn get_account(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = AccountId(id.into_inner());
    let store = state.store.clone();
    let account = blocking(move || store.get_account(user.id, id).map_err(store_err)).await?;
    Ok(HttpResponse::Ok().json(AccountView::live(&account, state.runner.status(account.id))))
}

/// Change an account's settings.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")),
    request_body = UpdateAccountRequest,
    responses((status = 200, body = AccountView), (status = 400, body = ErrorEnvelope), (status = 404, description = "account_not_found", body = ErrorEnvelope))
)]
#[patch("/accounts/{id}")]
pub async fn update_account(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: super::Body<UpdateAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = AccountId(id.into_inner());
    let body = body.into_inner()?;
    let patch = AccountPatch {
        remark: body.remark.as_deref().map(Remark::parse).transpose()?,
        enabled: body.enabled,
        auto_confirm: body.auto_confirm,
        pause_minutes: body.pause_minutes.map(PauseMinutes::parse).transpose()?,
    };
    let store = state.store.clone();
    let (before, account) = blocking(move || {
        let before = store.get_account(user.id, id).map_err(store_err)?;
        Ok((
            before,
            store
                .update_account(user.id, id, &patch)
                .map_err(store_err)?,
        ))
    })
    .await?;
    state.runner.rules_changed(id);
    if let Some(change) = runner_change(&before, &account) {
        state.runner.notify(change);
    }
    Ok(HttpResponse::Ok().json(AccountView::from(&account)))
}

/// Delete an account.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")),
    responses((status = 204), (status = 404, description = "account_not_found", body = ErrorEnvelope))
)]
#[delete("/accounts/{id}")]
pub async fn delete_account(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = AccountId(id.into_inner());
    let store = state.store.clone();
    blocking(move || store.delete_account(user.id, id).map_err(store_err)).await?;
    state.runner.notify(AccountChange::Deleted(id));
    log::info!(target: "xianyu::accounts", account = id.0, user = user.id.0; "account deleted");
    state.logs.forget_account(id.0);
    Ok(HttpResponse::NoContent().finish())
}

/// Replace an account's cookie (for example after logging in again in the browser).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")),
    request_body = ReplaceCookieRequest,
    responses(
        (status = 200, body = AccountView),
        (status = 400, description = "invalid_cookie", body = ErrorEnvelope),
        (status = 404, description = "account_not_found", body = ErrorEnvelope),
        (status = 422, description = "cookie_account_mismatch", body = ErrorEnvelope),
    )
)]
#[put("/accounts/{id}/cookie")]
pub async fn replace_cookie(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: super::Body<ReplaceCookieRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = AccountId(id.into_inner());
    let body = body.into_inner()?;
    let (cookie, unb) = parse_cookie(&body.cookie)?;
    let store = state.store.clone();
    let account = blocking(move || {
        let current = store.get_account(user.id, id).map_err(store_err)?;
        check_cookie_owner(&current.xianyu_user_id, unb.as_str())?;
        store
            .set_account_cookie(user.id, id, &cookie)
            .map_err(store_err)
    })
    .await?;
    if account.enabled {
        state.runner.notify(AccountChange::CookieReplaced(id));
    }
    log::info!(target: "xianyu::accounts", account = id.0; "cookie replaced");
    Ok(HttpResponse::Ok().json(AccountView::from(&account)))
}

/// Live connection state of one of the caller's accounts.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountStatusView), (status = 404, description = "account_not_found", body = ErrorEnvelope))
)]
#[get("/accounts/{id}/status")]
pub async fn account_status(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = AccountId(id.into_inner());
    let store = state.store.clone();
    let stored =
        blocking(move || store.account_runtime_status(user.id, id).map_err(store_err)).await?;
    let live = state.runner.status(id);
    let running = live.is_some();
    Ok(HttpResponse::Ok().json(AccountStatusView::new(live.unwrap_or(stored), running)))
}

//! Items of the caller's accounts: the list with filters, the seller's edits (local
//! description, spec and multi-quantity flags), and syncing the item list or one item's
//! detail from Goofish through the account's live session.

pub mod dto;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::routes::Body;
use crate::routes::common::Page;
use crate::routes::items::dto::{ItemQuery, ItemView, SyncResult, UpdateItemRequest};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use xianyu_domain::{AccountId, UserId};
use xianyu_persistence::{ItemDetailUpdate, ItemFilter, Store};
use xianyu_runner::RunnerError;

/// 404 `account_not_found` unless the account is the user's.
fn own_account(store: &Store, user: UserId, account: AccountId) -> Result<(), ApiError> {
    store
        .get_account(user, account)
        .map(|_| ())
        .or_not_found(ErrorCode::AccountNotFound)
}

/// Maps a failed Goofish call: 409 `account_not_running` without a live session, else 502
/// `goofish_error` (the runner's code only; the detail goes to the log).
pub fn goofish_err(account: AccountId, e: RunnerError) -> ApiError {
    match e {
        RunnerError::NotRunning(_) | RunnerError::NotConnected(_) => ApiError::new(
            ErrorCode::AccountNotRunning,
            "the account is not connected; enable it and check its status",
        ),
        RunnerError::Busy(message) => ApiError::new(ErrorCode::DeliveryInProgress, message),
        RunnerError::UnknownOrder(order) => ApiError::new(
            ErrorCode::OrderNotFound,
            format!("order {order} is not known"),
        ),
        other => {
            log::warn!(target: "xianyu::api", account = account.0; "goofish call failed: {other}");
            ApiError::new(
                ErrorCode::GoofishError,
                format!("Goofish did not answer as expected ({})", other.code()),
            )
        }
    }
}

/// List an account's items, oldest first.
#[utoipa::path(tag = "items", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ItemQuery),
    responses((status = 200, body = Page<ItemView>), (status = 404, description = "account_not_found", body = ErrorEnvelope)))]
#[get("/accounts/{id}/items")]
pub async fn list_items(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<ItemQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page();
    let limit = page.limit_or(100)?;
    let after = page.id_cursor()?;
    let filter = ItemFilter {
        q: query.q.clone(),
        multi_spec: query.multi_spec,
    };
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let rows = blocking(move || {
        store
            .list_items(uid, account, &filter, after, limit + 1)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.to_string(),
        |r| ItemView::new(r, false),
    )))
}

/// Sync the account's on-sale items from Goofish (every page of the seller's item list). The
/// local description and the flags are never overwritten.
#[utoipa::path(tag = "items", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = SyncResult), (status = 404, description = "account_not_found", body = ErrorEnvelope),
        (status = 409, description = "account_not_running", body = ErrorEnvelope), (status = 502, description = "goofish_error", body = ErrorEnvelope)))]
#[post("/accounts/{id}/items/sync")]
pub async fn sync_items(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let s = store.clone();
    blocking(move || own_account(&s, uid, account)).await?;
    let snapshots = state
        .runner
        .sync_items(account)
        .await
        .map_err(|e| goofish_err(account, e))?;
    let synced = blocking(move || {
        store
            .upsert_synced_items(uid, account, &snapshots)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SyncResult { synced }))
}

/// One item, with its raw detail when fetched.
#[utoipa::path(tag = "items", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("item_id" = String, Path, description = "Xianyu item id")),
    responses((status = 200, body = ItemView), (status = 404, description = "account_not_found, item_not_found", body = ErrorEnvelope)))]
#[get("/accounts/{id}/items/{item_id}")]
pub async fn get_item(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, item_id) = path.into_inner();
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(id));
    let item = blocking(move || {
        own_account(&store, uid, account)?;
        store
            .get_item(uid, account, &item_id)
            .or_not_found(ErrorCode::ItemNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ItemView::new(&item, true)))
}

/// Edit an item: local description (≤ 10,000 characters; keyword delivery rules look at it),
/// `multi_spec`, `multi_quantity_delivery`.
#[utoipa::path(tag = "items", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("item_id" = String, Path, description = "Xianyu item id")),
    request_body = UpdateItemRequest,
    responses((status = 200, body = ItemView), (status = 400, description = "description_too_long", body = ErrorEnvelope),
        (status = 404, description = "account_not_found, item_not_found", body = ErrorEnvelope)))]
#[patch("/accounts/{id}/items/{item_id}")]
pub async fn update_item(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
    body: Body<UpdateItemRequest>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?.into_patch()?;
    let (id, item_id) = path.into_inner();
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(id));
    let item = blocking(move || {
        own_account(&store, uid, account)?;
        store
            .update_item(uid, account, &item_id, &patch)
            .or_not_found(ErrorCode::ItemNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ItemView::new(&item, true)))
}

/// Delete an item (a later sync, chat or order brings it back).
#[utoipa::path(tag = "items", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("item_id" = String, Path, description = "Xianyu item id")),
    responses((status = 204), (status = 404, description = "account_not_found, item_not_found", body = ErrorEnvelope)))]
#[delete("/accounts/{id}/items/{item_id}")]
pub async fn delete_item(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, item_id) = path.into_inner();
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(id));
    blocking(move || {
        own_account(&store, uid, account)?;
        store
            .delete_item(uid, account, &item_id)
            .or_not_found(ErrorCode::ItemNotFound)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Fetch one item's detail from Goofish and store it: title, price, the spec flag, and the
/// listing's description where the local one is empty.
#[utoipa::path(tag = "items", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ("item_id" = String, Path, description = "Xianyu item id")),
    responses((status = 200, body = ItemView), (status = 404, description = "account_not_found", body = ErrorEnvelope),
        (status = 409, description = "account_not_running", body = ErrorEnvelope), (status = 502, description = "goofish_error", body = ErrorEnvelope)))]
#[post("/accounts/{id}/items/{item_id}/detail")]
pub async fn fetch_item_detail(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, item_id) = path.into_inner();
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(id));
    let s = store.clone();
    blocking(move || own_account(&s, uid, account)).await?;
    let detail = state
        .runner
        .item_detail(account, &item_id)
        .await
        .map_err(|e| goofish_err(account, e))?;
    let update = ItemDetailUpdate {
        title: detail.title,
        description: detail.description,
        price_fen: detail.price_fen,
        multi_spec: detail.multi_spec,
        raw_json: detail.raw.to_string(),
    };
    let item = blocking(move || {
        store
            .save_item_detail(uid, account, &item_id, &update)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ItemView::new(&item, true)))
}

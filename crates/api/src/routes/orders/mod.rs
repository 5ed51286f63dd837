//! Orders of the caller's accounts: the filtered list, one order with its history, events and
//! delivered content, the per-day summary of an account, and a manual re-delivery through the
//! account's live session.

pub mod deliveries;
pub mod dto;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::routes::common::Page;
use crate::routes::orders::dto::{
    DaySummaryView, OrderDetailView, OrderQuery, OrderSummaryView, OrderView, RedeliverResult,
    SummaryQuery, order_cursor,
};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use xianyu_domain::AccountId;

/// List the orders of the caller's accounts, newest first, with filters.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(OrderQuery),
    responses(
        (status = 200, body = Page<OrderView>),
        (status = 400, description = "invalid_state_filter, invalid_date, invalid_cursor, invalid_query", body = ErrorEnvelope),
        (status = 404, description = "account_not_found (account_id filter)", body = ErrorEnvelope),
    )
)]
#[get("/orders")]
pub async fn list_orders(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<OrderQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.page().limit_or(50)?;
    let filter = query.filter()?;
    let before = query.cursor()?;
    let store = state.store.clone();
    let rows = blocking(move || {
        store
            .list_orders(user.id, &filter, before, limit + 1)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    Ok(
        HttpResponse::Ok().json(Page::from_rows(rows, limit, order_cursor, |o| {
            OrderView::from(o)
        })),
    )
}

/// One order with its state history, events and deliveries (including what was delivered).
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "order id (the row id of the list)")),
    responses((status = 200, body = OrderDetailView), (status = 404, description = "order_not_found", body = ErrorEnvelope))
)]
#[get("/orders/{id}")]
pub async fn get_order(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let store = state.store.clone();
    let order = blocking(move || {
        store
            .get_order(user.id, id)
            .or_not_found(ErrorCode::OrderNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(OrderDetailView::from(&order)))
}

/// Per Asia/Shanghai day, the last `days` days of an account: orders placed, orders paid with
/// their amount, and deliveries sent.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id"), SummaryQuery),
    responses(
        (status = 200, body = OrderSummaryView),
        (status = 400, description = "invalid_days", body = ErrorEnvelope),
        (status = 404, description = "account_not_found", body = ErrorEnvelope),
    )
)]
#[get("/accounts/{id}/orders/summary")]
pub async fn order_summary(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<SummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let account = AccountId(id.into_inner());
    let days = query.days()?;
    let today = xianyu_domain::clock::local_day(chrono::Utc::now().timestamp_millis());
    let store = state.store.clone();
    let rows = blocking(move || {
        store
            .order_summary(user.id, account, days, today)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(OrderSummaryView {
        account_id: account.0,
        timezone: "Asia/Shanghai".into(),
        days: rows.iter().map(DaySummaryView::from).collect(),
    }))
}

/// Deliver an order again by hand, through the account's live session: the units that were not
/// sent (failed, uncertain) go again with the same content — or all of them when every unit
/// was sent; a stock line is never taken twice. An order without delivery rows is delivered as
/// if it had just been paid, unless closed or refunded.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "order id (the row id of the list)")),
    responses(
        (status = 200, body = RedeliverResult),
        (status = 404, description = "order_not_found", body = ErrorEnvelope),
        (status = 409, description = "account_not_running, delivery_in_progress", body = ErrorEnvelope),
        (status = 502, description = "goofish_error", body = ErrorEnvelope),
    )
)]
#[post("/orders/{id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let store = state.store.clone();
    let order = blocking(move || {
        store
            .get_order(user.id, id)
            .or_not_found(ErrorCode::OrderNotFound)
    })
    .await?;
    let account = order.order.account_id;
    let report = state
        .runner
        .redeliver(account, &order.order.order_id)
        .await
        .map_err(|e| super::items::goofish_err(account, e))?;
    Ok(HttpResponse::Ok().json(RedeliverResult::from(report)))
}

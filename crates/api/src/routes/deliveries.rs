//! Delivery rows of the caller's accounts: the review list (e.g. `?state=uncertain`, the
//! deliveries interrupted between reservation and confirmation, which wait for a human).

use super::dto::Page;
use super::orders_dto::{DeliveryQuery, DeliveryView};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// List deliveries of the caller's accounts, newest first, without their content.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(DeliveryQuery),
    responses(
        (status = 200, body = Page<DeliveryView>),
        (status = 400, description = "invalid_state_filter, invalid_cursor, invalid_query", body = ErrorEnvelope),
        (status = 404, description = "account_not_found (account_id filter)", body = ErrorEnvelope),
    )
)]
#[get("/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page();
    let limit = page.limit_or(100)?;
    let before = page.id_cursor()?;
    let filter = query.filter()?;
    let store = state.store.clone();
    let rows = blocking(move || {
        store
            .list_deliveries(user.id, &filter, before, limit + 1)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |d| d.id.to_string(),
        |d| DeliveryView::from(d),
    )))
}

//! Delivery rows of the caller's accounts: the review list (e.g. `?state=uncertain`, the
//! deliveries interrupted between reservation and confirmation, which wait for a human).

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::routes::common::Page;
use crate::routes::common::{PageQuery, from_ms};
use crate::routes::orders::dto::present;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xianyu_domain::AccountId;
use xianyu_domain::delivery::DeliveryState;
use xianyu_persistence::{DeliveryFilter, DeliveryRecord};

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

/// `GET /api/v1/deliveries` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only this state: reserved, sent, failed or uncertain.
    pub state: Option<String>,
    /// Only this account.
    pub account_id: Option<i64>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl DeliveryQuery {
    /// The paging part.
    pub fn page(&self) -> PageQuery {
        PageQuery {
            limit: self.limit,
            cursor: self.cursor.clone(),
        }
    }

    /// The validated filters: 400 `invalid_state_filter`.
    pub fn filter(&self) -> Result<DeliveryFilter, ApiError> {
        let state = present(&self.state)
            .map(|s| {
                s.parse::<DeliveryState>().map_err(|_| {
                    ApiError::new(
                        ErrorCode::InvalidStateFilter,
                        format!("unknown delivery state {s:?}"),
                    )
                })
            })
            .transpose()?;
        Ok(DeliveryFilter {
            account: self.account_id.map(AccountId),
            state,
        })
    }
}

/// A delivery in the review list (its content is only shown with its order).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Delivery id.
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// The order's row id (`GET /api/v1/orders/{id}`).
    pub order: i64,
    /// The Xianyu order id.
    pub order_id: String,
    /// Unit number, 1-based.
    pub unit: i32,
    /// reserved, sent, failed or uncertain.
    pub state: String,
    /// How many times it was sent.
    pub sends: i32,
    /// Why it failed or is uncertain.
    pub error: Option<String>,
    /// The card.
    pub card_id: Option<i64>,
    /// The rule that chose the card.
    pub rule_id: Option<i64>,
    /// Reserved at.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<&DeliveryRecord> for DeliveryView {
    fn from(d: &DeliveryRecord) -> Self {
        Self {
            id: d.id,
            account_id: d.account_id.0,
            order: d.order_row_id,
            order_id: d.order_id.clone(),
            unit: d.unit,
            state: d.state.as_str().to_owned(),
            sends: d.sends,
            error: d.error.clone(),
            card_id: d.card_id,
            rule_id: d.rule_id,
            created_at: from_ms(d.created_at),
            updated_at: from_ms(d.updated_at),
        }
    }
}

//! Statistics of the caller's accounts: today's totals for the dashboard overview.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use xianyu_domain::clock::{TIMEZONE, local_day};
use xianyu_persistence::DayTotals;

/// Today's totals over all of the caller's accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodayStatsView {
    /// The day (`YYYY-MM-DD`, in `timezone`).
    #[schema(value_type = String, example = "2026-12-02")]
    pub day: NaiveDate,
    /// Always `Asia/Shanghai`.
    pub timezone: String,
    /// Buyer messages received.
    pub messages_received: u64,
    /// Automatic replies sent.
    pub auto_replies: u64,
    /// Orders first seen.
    pub orders_placed: u64,
    /// Orders seen paid.
    pub orders_paid: u64,
    /// Known amount of those paid orders, in fen.
    pub paid_amount_fen: i64,
    /// Delivery units sent.
    pub deliveries_sent: u64,
}

impl TodayStatsView {
    fn new(day: NaiveDate, t: DayTotals) -> Self {
        Self {
            day,
            timezone: TIMEZONE.to_owned(),
            messages_received: t.messages_received,
            auto_replies: t.auto_replies,
            orders_placed: t.orders_placed,
            orders_paid: t.orders_paid,
            paid_amount_fen: t.paid_amount_fen,
            deliveries_sent: t.deliveries_sent,
        }
    }
}

/// Today's (Asia/Shanghai) messages, automatic replies, orders, revenue and deliveries over all
/// of the caller's accounts.
#[utoipa::path(tag = "stats", security(("bearer" = [])), responses((status = 200, body = TodayStatsView), (status = 401, body = ErrorEnvelope)))]
#[get("/stats/today")]
pub async fn today(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let day = local_day(chrono::Utc::now().timestamp_millis());
    let store = state.store.clone();
    let totals = blocking(move || Ok(store.day_totals(user.id, day)?)).await?;
    Ok(HttpResponse::Ok().json(TodayStatsView::new(day, totals)))
}

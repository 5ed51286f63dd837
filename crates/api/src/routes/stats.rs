//! Statistics of the caller's accounts: today's totals for the dashboard overview, and figures
//! per day for the statistics page.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode, ErrorEnvelope, blocking};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::IntoParams;
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

/// `?from=&to=&account_id=` of the statistics.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First day (`YYYY-MM-DD`, Asia/Shanghai; default: 6 days before `to`).
    #[param(value_type = Option<String>)]
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (default: today).
    #[param(value_type = Option<String>)]
    pub to: Option<NaiveDate>,
    /// Only this account (default: all of the caller's).
    pub account_id: Option<i64>,
}

/// The figures of one day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayStatsView {
    /// The day (`YYYY-MM-DD`).
    #[schema(value_type = String, example = "2026-12-03")]
    pub day: NaiveDate,
    /// Buyer messages received.
    pub buyer_messages: u64,
    /// Automatic replies sent, by source (`item`, `keyword`, `ai`, `default`).
    pub auto_replies: BTreeMap<String, u64>,
    /// Messages the seller wrote by hand (phone, web or this dashboard).
    pub manual_replies: u64,
    /// Median time from a buyer's message to the first answer, in ms.
    pub response_median_ms: Option<i64>,
    /// 90th percentile of that time, in ms.
    pub response_p90_ms: Option<i64>,
    /// Orders first seen.
    pub orders_placed: u64,
    /// Orders seen paid.
    pub orders_paid: u64,
    /// Known amount of the paid orders, in fen.
    pub revenue_fen: i64,
    /// Delivery outcomes by code (`delivered`, `out_of_stock`, …).
    pub deliveries: BTreeMap<String, u64>,
    /// Buyers who wrote for the first time.
    pub new_buyers: u64,
}

/// Statistics of a range of days.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsView {
    /// Always `Asia/Shanghai`.
    pub timezone: String,
    /// First day.
    #[schema(value_type = String)]
    pub from: NaiveDate,
    /// Last day.
    #[schema(value_type = String)]
    pub to: NaiveDate,
    /// One entry per day, oldest first (days without activity included).
    pub days: Vec<DayStatsView>,
}

/// The longest range one request may ask for.
const MAX_DAYS: i64 = 92;

/// Per-day statistics (Asia/Shanghai) of the caller's accounts or one of them: messages,
/// automatic replies by source, manual replies, response time (median, p90), orders, revenue,
/// deliveries by outcome, new buyers. At most 92 days per request.
#[utoipa::path(tag = "stats", params(StatsQuery), security(("bearer" = [])), responses((status = 200, body = StatsView), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
#[get("/stats")]
pub async fn stats(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let now_day = local_day(chrono::Utc::now().timestamp_millis());
    let to = q.to.unwrap_or(now_day);
    let from = q.from.unwrap_or(to - chrono::Days::new(6));
    let span = (to - from).num_days();
    if !(0..MAX_DAYS).contains(&span) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            format!("from must not be after to, and the range may hold at most {MAX_DAYS} days"),
        ));
    }
    let store = state.store.clone();
    let account = q.account_id.map(xianyu_domain::AccountId);
    let days = blocking(move || {
        store
            .day_stats(user.id, account, from, to)
            .map_err(crate::routes::accounts::store_err)
    })
    .await?;
    Ok(HttpResponse::Ok().json(StatsView {
        timezone: TIMEZONE.to_owned(),
        from,
        to,
        days: days
            .into_iter()
            .map(|d| DayStatsView {
                day: d.day,
                buyer_messages: d.buyer_messages,
                auto_replies: d.auto_replies,
                manual_replies: d.manual_replies,
                response_median_ms: d.response_median_ms,
                response_p90_ms: d.response_p90_ms,
                orders_placed: d.orders_placed,
                orders_paid: d.orders_paid,
                revenue_fen: d.revenue_fen,
                deliveries: d.deliveries,
                new_buyers: d.new_buyers,
            })
            .collect(),
    }))
}

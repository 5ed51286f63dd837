//! `GET /metrics`: the Prometheus series, for a scraper holding `XIANYU_METRICS_TOKEN` (so no
//! user session is exposed to it). Unset, the route does not exist (404).

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

/// The exposition content type (`prometheus-client` writes OpenMetrics text, which Prometheus
/// reads).
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Prometheus series: connection state, reconnects, token refreshes, messages, automatic
/// replies, deliveries, mtop calls and risk events per account (`account_id`); HTTP requests
/// and latency per route pattern; database pool; dropped log records. Needs
/// `Authorization: Bearer <XIANYU_METRICS_TOKEN>`; 404 when that setting is unset.
#[utoipa::path(tag = "system", security(("metrics_token" = [])), responses((status = 200, content_type = "application/openmetrics-text", body = String), (status = 401, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)))]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let Some(want) = state.metrics_token.clone() else {
        return Err(ApiError::new(ErrorCode::NotFound, "no such route"));
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MissingToken,
                "send the metrics token as a bearer token",
            )
        })?;
    if !same(given.as_bytes(), want.as_bytes()) {
        return Err(ApiError::new(
            ErrorCode::InvalidToken,
            "wrong metrics token",
        ));
    }
    let st = state.clone();
    let body = web::block(move || {
        st.metrics
            .scrape(&st.runner.states(), st.store.pool_state(), &st.logs)
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(body))
}

/// Constant-time comparison (the token is a secret).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

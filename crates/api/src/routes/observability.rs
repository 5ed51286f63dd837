//! `GET /api/v1/system/observability` (admins): what the system page shows beside `/health` —
//! the log collector's figures and settings, and whether `/metrics` is on.

use crate::auth::AdminUser;
use crate::error::ErrorEnvelope;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// Records the collector let go of, per sink, since the server started.
#[derive(Debug, Serialize, ToSchema)]
pub struct DropsView {
    /// Evicted from the full in-memory buffer (the oldest go first; normal once it is full).
    pub ring_evicted: u64,
    /// Not written to the day's file (queue full, size cap reached, disk error).
    pub file: u64,
    /// Missed by live tails that fell behind.
    pub tail: u64,
}

/// The log collector and metrics, as configured and now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservabilityView {
    /// Records in memory now.
    pub log_buffered: usize,
    /// The most records kept in memory (`XIANYU_LOG_BUFFER`).
    pub log_buffer: usize,
    /// Days of files kept (`XIANYU_LOG_RETENTION_DAYS`).
    pub log_retention_days: u32,
    /// Size cap of one day's file in MiB (`XIANYU_LOG_FILE_MAX_MB`).
    pub log_file_max_mb: u64,
    /// Records let go of.
    pub log_dropped: DropsView,
    /// Whether `/metrics` answers (`XIANYU_METRICS_TOKEN` is set).
    pub metrics_enabled: bool,
    /// Where the metrics are scraped.
    pub metrics_path: String,
}

/// The log collector's figures and whether `/metrics` is on; admins only.
#[utoipa::path(tag = "system", security(("bearer" = [])), responses((status = 200, body = ObservabilityView), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
#[get("/system/observability")]
pub async fn observability(state: web::Data<AppState>, _admin: AdminUser) -> HttpResponse {
    let d = state.logs.drops();
    let s = &state.log_settings;
    HttpResponse::Ok().json(ObservabilityView {
        log_buffered: state.logs.buffered(),
        log_buffer: s.buffer,
        log_retention_days: s.retention_days,
        log_file_max_mb: s.file_max_mb,
        log_dropped: DropsView {
            ring_evicted: d.ring_evicted,
            file: d.file,
            tail: d.tail,
        },
        metrics_enabled: state.metrics_token.is_some(),
        metrics_path: "/metrics".to_owned(),
    })
}

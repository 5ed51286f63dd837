//! `GET /health`: liveness with database and host metrics. Public; reveals nothing secret.

use crate::error::blocking;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// How long the database may take to answer before it counts as down.
const DB_PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Health report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the database does not answer.
    pub status: &'static str,
    /// Server version.
    pub version: &'static str,
    /// Seconds since start.
    pub uptime_s: u64,
    /// Database check.
    pub database: DatabaseHealth,
    /// Host metrics (sampled every few seconds).
    pub system: SystemHealth,
    /// Remote captcha solving.
    pub captcha: CaptchaHealth,
}

/// Captcha part of the health report (what is known without starting a browser).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptchaHealth {
    /// Whether sessions can be started (as far as is known: Chromium itself is tried on first use).
    pub available: bool,
    /// chromedriver_not_found or chromium_failed_to_start, when not.
    pub reason: Option<&'static str>,
    /// Sessions running now.
    pub active_sessions: usize,
}

/// Database part of the health report.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatabaseHealth {
    /// Whether a trivial query succeeded.
    pub ok: bool,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
}

/// Host part of the health report.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemHealth {
    /// Whole-machine CPU use in percent.
    pub cpu_percent: f32,
    /// Used memory in bytes.
    pub memory_used_bytes: u64,
    /// Total memory in bytes.
    pub memory_total_bytes: u64,
    /// Free bytes on the disk holding the data directory.
    pub disk_free_bytes: u64,
}

/// Health check: 200 when the database answers, else 503.
#[utoipa::path(tag = "system", responses((status = 200, body = Health), (status = 503, body = Health)))]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let store = state.store.clone();
    let ping = blocking(move || Ok(store.ping()?));
    let ok = matches!(
        actix_web::rt::time::timeout(DB_PING_TIMEOUT, ping).await,
        Ok(Ok(()))
    );
    let s = state.system.latest();
    let body = Health {
        status: if ok { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        uptime_s: state.started.elapsed().as_secs(),
        database: DatabaseHealth {
            ok,
            backend: state.store.backend().as_str(),
        },
        system: SystemHealth {
            cpu_percent: s.cpu_percent,
            memory_used_bytes: s.memory_used_bytes,
            memory_total_bytes: s.memory_total_bytes,
            disk_free_bytes: s.disk_free_bytes,
        },
        captcha: {
            let m = state.inbox.captcha();
            let a = m.availability();
            CaptchaHealth {
                available: a.available,
                reason: a.reason,
                active_sessions: m.active(),
            }
        },
    };
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

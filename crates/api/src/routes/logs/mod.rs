//! The log collector over HTTP: `GET /logs` (query the in-memory records), `GET /ws/logs`
//! (live tail, see [`tail`]), and the daily files for admins. An admin sees every record; a
//! user sees the records of their own accounts and of their own requests, never records that
//! concern nobody (start-up, migrations).

pub mod live;

use crate::auth::{AdminUser, AuthUser};
use crate::error::{ApiError, ErrorCode, ErrorEnvelope, blocking};
use crate::routes::common::{bad_cursor, from_ms};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xianyu_domain::Role;
use xianyu_logs::{Entry, LogQuery, LogScope};

/// One log record.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogRecordView {
    /// Position in this server's memory; pass as `cursor` for older records.
    pub id: u64,
    /// When it was logged.
    pub time: DateTime<Utc>,
    /// `error`, `warn`, `info`, `debug` or `trace`.
    pub level: String,
    /// The module it came from, e.g. `xianyu_runner::task` or `xianyu::http`.
    pub target: String,
    /// The message; secrets are redacted before it is stored.
    pub message: String,
    /// The account it concerns.
    pub account_id: Option<i64>,
    /// The user it concerns: their requests, or the owner of its account.
    pub user_id: Option<i64>,
}

impl LogRecordView {
    /// The view of `e` in `logs` (which knows the owners of accounts).
    pub(crate) fn new(e: &Entry, logs: &xianyu_logs::Collector) -> Self {
        let r = &e.record;
        Self {
            id: e.id,
            time: from_ms(r.time_ms).unwrap_or_default(),
            level: r.level.as_str().to_ascii_lowercase(),
            target: r.target.clone(),
            message: r.message.clone(),
            account_id: r.account_id,
            user_id: logs.user_of(r),
        }
    }
}

/// A page of records, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogPageView {
    /// The records.
    pub items: Vec<LogRecordView>,
    /// Pass as `cursor` for older records; `null` when there are none in memory.
    pub next_cursor: Option<String>,
}

/// Filters of the log query and of the live tail.
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// This level and more severe: `error`, `warn`, `info`, `debug`, `trace`.
    pub level: Option<String>,
    /// Only records of this account.
    pub account_id: Option<i64>,
    /// Only records of this user's requests (admins).
    pub user_id: Option<i64>,
    /// The target starts with this, e.g. `xianyu_runner`.
    pub target: Option<String>,
    /// The message contains this (case-insensitive).
    pub q: Option<String>,
    /// Logged at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Logged before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl LogParams {
    /// The collector's query; a bad level is `invalid_query`.
    pub(crate) fn query(&self) -> Result<LogQuery, ApiError> {
        let min_level = match self.level.as_deref().filter(|l| !l.is_empty()) {
            None => None,
            Some(l) => Some(l.parse::<log::Level>().map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidQuery,
                    "level must be error, warn, info, debug or trace",
                )
            })?),
        };
        let text = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
        Ok(LogQuery {
            min_level,
            target: text(&self.target),
            account_id: self.account_id,
            user_id: self.user_id,
            from_ms: self.from.map(|t| t.timestamp_millis()),
            to_ms: self.to.map(|t| t.timestamp_millis()),
            text: text(&self.q),
        })
    }
}

/// What `user` may read: everything for admins, else their requests and their accounts.
pub(crate) async fn scope_of(state: &AppState, user: &AuthUser) -> Result<LogScope, ApiError> {
    if user.role == Role::Admin {
        return Ok(LogScope::Everything);
    }
    let (store, id) = (state.store.clone(), user.id);
    let accounts = blocking(move || Ok(store.account_ids(id)?)).await?;
    Ok(LogScope::Owner {
        user_id: user.id.0,
        accounts: accounts.into_iter().map(|a| a.0).collect(),
    })
}

/// Recent log records this server holds in memory (`XIANYU_LOG_BUFFER`), newest first.
#[utoipa::path(tag = "logs", params(LogParams), security(("bearer" = [])), responses((status = 200, body = LogPageView), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope)))]
#[get("/logs")]
pub async fn list_logs(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<LogParams>,
) -> Result<HttpResponse, ApiError> {
    let query = params.query()?;
    let limit = params.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "limit must be between 1 and 500",
        ));
    }
    let before = match params.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(c.parse::<u64>().map_err(|_| bad_cursor())?),
    };
    let scope = scope_of(&state, &user).await?;
    let page = state.logs.query(&query, &scope, before, limit);
    Ok(HttpResponse::Ok().json(LogPageView {
        items: page
            .entries
            .iter()
            .map(|e| LogRecordView::new(e, &state.logs))
            .collect(),
        next_cursor: page.next_cursor.map(|c| c.to_string()),
    }))
}

/// One day's log file.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogFileView {
    /// The day (Asia/Shanghai), `YYYY-MM-DD`.
    #[schema(value_type = String, example = "2026-12-03")]
    pub day: NaiveDate,
    /// The file name in `<data dir>/logs`.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The daily log files (`<data dir>/logs`, kept `XIANYU_LOG_RETENTION_DAYS` days), newest
/// first; admins only.
#[utoipa::path(tag = "logs", security(("bearer" = [])), responses((status = 200, body = [LogFileView]), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
#[get("/logs/files")]
pub async fn list_log_files(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> Result<HttpResponse, ApiError> {
    let logs = state.logs.clone();
    let files = blocking(move || logs.files().map_err(log_error)).await?;
    let views: Vec<LogFileView> = files
        .into_iter()
        .map(|f| LogFileView {
            day: f.day,
            name: f.name,
            bytes: f.bytes,
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Downloads one day's log file as text; admins only.
#[utoipa::path(tag = "logs", params(("day" = String, Path, description = "`YYYY-MM-DD`")), security(("bearer" = [])), responses((status = 200, content_type = "text/plain", body = String), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
#[get("/logs/files/{day}")]
pub async fn download_log_file(
    state: web::Data<AppState>,
    _admin: AdminUser,
    day: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .map_err(|_| ApiError::new(ErrorCode::InvalidPath, "day must be YYYY-MM-DD"))?;
    let logs = state.logs.clone();
    let bytes = blocking(move || {
        logs.flush();
        let path = logs.file_path(day).map_err(log_error)?;
        std::fs::read(path).map_err(|e| log_error(e.into()))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", xianyu_logs::file_name(day)),
        ))
        .body(bytes))
}

fn log_error(e: xianyu_logs::LogError) -> ApiError {
    match e {
        xianyu_logs::LogError::NoSuchFile(day) => {
            ApiError::new(ErrorCode::LogFileNotFound, format!("no log file for {day}"))
        }
        other => ApiError::internal(other),
    }
}

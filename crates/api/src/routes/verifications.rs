//! The verification inbox: what needs a person (slider captcha, face verification, expired
//! session, QR confirmation), and remote-control sessions to solve it in the browser.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode, ErrorEnvelope, blocking};
use crate::inbox::OpenError;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xianyu_captcha::CaptchaError;
use xianyu_domain::verification::{Verification, VerificationState};
use xianyu_persistence::StoreError;

/// One task of the inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerificationView {
    /// Its id.
    pub id: i64,
    /// The account, when there is one (a QR login's face check may come before it).
    pub account_id: Option<i64>,
    /// The account's remark, when it has one.
    pub account_remark: Option<String>,
    /// captcha, face, session_expired or qr_confirmation.
    #[schema(example = "captcha")]
    pub kind: &'static str,
    /// open, in_progress, solved, expired or dismissed.
    #[schema(example = "open")]
    pub state: &'static str,
    /// The page to solve, when known.
    pub url: Option<String>,
    /// When it was opened (ms).
    pub created_at: i64,
    /// When it last changed (ms).
    pub updated_at: i64,
    /// When it was closed (ms).
    pub resolved_at: Option<i64>,
    /// Automatic attempts made.
    pub auto_attempts: i32,
    /// How the last attempt ended.
    pub last_outcome: Option<String>,
}

impl VerificationView {
    /// The view of `t`, with the account's remark.
    pub fn new(t: &Verification, account_remark: Option<String>) -> Self {
        Self {
            id: t.id,
            account_id: t.account_id.map(|a| a.0),
            account_remark,
            kind: t.kind.as_str(),
            state: t.state.as_str(),
            url: t.url.clone(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            resolved_at: t.resolved_at,
            auto_attempts: t.auto_attempts,
            last_outcome: t.last_outcome.clone(),
        }
    }
}

/// The inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationList {
    /// Tasks, newest first.
    pub items: Vec<VerificationView>,
    /// How many are open or in progress.
    pub open: usize,
}

/// Which tasks to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerificationQuery {
    /// `all` for closed ones too (newest 200); default: open and in progress.
    pub state: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::VerificationNotFound, "no such verification task")
}

fn views(
    store: &xianyu_persistence::Store,
    user: xianyu_domain::UserId,
    tasks: Vec<Verification>,
) -> Vec<VerificationView> {
    let remarks: std::collections::HashMap<i64, String> = store
        .list_accounts(user, None, 1000)
        .map(|p| p.into_iter().map(|a| (a.id.0, a.remark)).collect())
        .unwrap_or_default();
    tasks
        .iter()
        .map(|t| {
            let remark = t
                .account_id
                .and_then(|a| remarks.get(&a.0).cloned())
                .filter(|r| !r.is_empty());
            VerificationView::new(t, remark)
        })
        .collect()
}

/// The caller's verification tasks.
#[utoipa::path(tag = "verifications", security(("bearer" = [])), params(VerificationQuery),
    responses((status = 200, body = VerificationList), (status = 400, description = "invalid_query", body = ErrorEnvelope)))]
#[get("/verifications")]
pub async fn list_verifications(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<VerificationQuery>,
) -> Result<HttpResponse, ApiError> {
    let all = match q.state.as_deref() {
        None | Some("open") => false,
        Some("all") => true,
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::InvalidQuery,
                "state is open or all",
            ));
        }
    };
    let store = state.store.clone();
    let list = blocking(move || {
        let tasks = store.list_verifications(user.id, !all)?;
        let open = if all {
            store.list_verifications(user.id, true)?.len()
        } else {
            tasks.len()
        };
        Ok(VerificationList {
            items: views(&store, user.id, tasks),
            open,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Dismiss a task (it disappears from the inbox; a new problem opens a new task).
#[utoipa::path(tag = "verifications", security(("bearer" = [])), params(("id" = i64, Path, description = "task id")),
    responses((status = 200, body = VerificationView), (status = 404, description = "verification_not_found", body = ErrorEnvelope)))]
#[post("/verifications/{id}/dismiss")]
pub async fn dismiss_verification(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (store, inbox) = (state.store.clone(), state.inbox.clone());
    let view = blocking(move || {
        let t = store.user_verification(user.id, id).map_err(|e| match e {
            StoreError::NotFound => not_found(),
            other => other.into(),
        })?;
        let t = if t.state.is_active() {
            inbox.close_task(t.id, VerificationState::Dismissed, Some("dismissed"))?
        } else {
            t
        };
        Ok(views(&store, user.id, vec![t]).remove(0))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A started remote-control session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionStarted {
    /// The session's id.
    pub session_id: String,
    /// The task it works on.
    pub verification_id: i64,
    /// The WebSocket to connect to (authenticate with the first message, as `/ws/events`).
    #[schema(example = "/api/v1/captcha/sessions/0f3c…/ws")]
    pub ws_path: String,
    /// Seconds without input after which the session ends.
    pub idle_timeout_secs: u64,
}

/// The API error for a solver refusal.
pub(crate) fn captcha_error(e: CaptchaError) -> ApiError {
    match e {
        CaptchaError::TooManySessions(n) => ApiError::new(
            ErrorCode::CaptchaSessionsExhausted,
            format!("at most {n} captcha sessions may run at once; close one or wait"),
        ),
        CaptchaError::SessionNotFound => {
            ApiError::new(ErrorCode::CaptchaSessionNotFound, "no such captcha session")
        }
        other => ApiError::new(
            ErrorCode::CaptchaUnavailable,
            format!("{}: {other}", other.code()),
        ),
    }
}

/// Start a remote-control session (Chromium on the task's page, streamed to you) for a task.
#[utoipa::path(tag = "verifications", security(("bearer" = [])), params(("id" = i64, Path, description = "task id")),
    responses(
        (status = 201, body = SessionStarted),
        (status = 404, description = "verification_not_found", body = ErrorEnvelope),
        (status = 409, description = "verification_not_open", body = ErrorEnvelope),
        (status = 429, description = "captcha_sessions_exhausted", body = ErrorEnvelope),
        (status = 503, description = "captcha_unavailable", body = ErrorEnvelope),
    ))]
#[post("/verifications/{id}/sessions")]
pub async fn start_session(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let inbox = state.inbox.clone();
    let available = inbox.captcha().checked_availability().await;
    if !available.available {
        return Err(ApiError::new(
            ErrorCode::CaptchaUnavailable,
            format!(
                "{}: {}",
                available.reason.unwrap_or("unavailable"),
                available.detail.unwrap_or_default()
            ),
        ));
    }
    let idle = inbox.captcha().config().idle_timeout.as_secs();
    let (session, task) = blocking(move || {
        inbox.open_session(user.id, id).map_err(|e| match e {
            OpenError::Store(StoreError::NotFound) => not_found(),
            OpenError::Store(other) => other.into(),
            OpenError::NotOpen => ApiError::new(
                ErrorCode::VerificationNotOpen,
                "the task is closed, or a browser session cannot solve it",
            ),
            OpenError::Captcha(e) => captcha_error(e),
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(SessionStarted {
        ws_path: format!("/api/v1/captcha/sessions/{session}/ws"),
        session_id: session,
        verification_id: task.id,
        idle_timeout_secs: idle,
    }))
}

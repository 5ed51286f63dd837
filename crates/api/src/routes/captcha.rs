//! Remote captcha solving: whether it is available here, the operator's WebSocket to a
//! session (frames out, pointer in), and closing a session.

use crate::auth::{AuthUser, has_authorization};
use crate::error::{ApiError, ErrorCode, ErrorEnvelope};
use crate::routes::events::{refuse, socket_user};
use crate::routes::verifications::captcha_error;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, web};
use actix_ws::{Message, MessageStream, Session};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use xianyu_captcha::{PointerAction, PointerInput, SessionState, Viewer, ViewerEvent};

/// Whether remote solving works on this server.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptchaStatus {
    /// Whether sessions can be started.
    pub available: bool,
    /// chromedriver_not_found or chromium_failed_to_start, when not.
    pub reason: Option<&'static str>,
    /// The error behind the reason.
    pub detail: Option<String>,
    /// XIANYU_CAPTCHA_MAX_SESSIONS.
    pub max_sessions: usize,
    /// Sessions running now (all users).
    pub active_sessions: usize,
    /// Whether the automatic attempt is on (XIANYU_CAPTCHA_AUTO).
    pub auto_attempt: bool,
}

/// Whether remote captcha solving is available (the first call may start Chromium once to find
/// out).
#[utoipa::path(tag = "verifications", security(("bearer" = [])), responses((status = 200, body = CaptchaStatus), (status = 401, body = ErrorEnvelope)))]
#[get("/captcha/status")]
pub async fn captcha_status(state: web::Data<AppState>, _user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(status_of(&state).await)
}

/// The solver's status (also part of `/health`).
pub(crate) async fn status_of(state: &AppState) -> CaptchaStatus {
    let m = state.inbox.captcha();
    let a = m.checked_availability().await;
    CaptchaStatus {
        available: a.available,
        reason: a.reason,
        detail: a.detail,
        max_sessions: m.config().max_sessions,
        active_sessions: m.active(),
        auto_attempt: state.inbox.auto_attempt(),
    }
}

/// Close a remote-control session (its browser is stopped).
#[utoipa::path(tag = "verifications", security(("bearer" = [])), params(("id" = String, Path, description = "session id")),
    responses((status = 204), (status = 404, description = "captcha_session_not_found", body = ErrorEnvelope)))]
#[delete("/captcha/sessions/{id}")]
pub async fn close_session(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .inbox
        .captcha()
        .close(&id, user.id)
        .map_err(captcha_error)?;
    Ok(HttpResponse::NoContent().finish())
}

/// A message from the operator's view.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Inbound {
    Pointer {
        action: PointerAction,
        x: f64,
        y: f64,
        #[serde(default)]
        touch: bool,
    },
    Ping,
}

/// The operator's view of a session.
#[utoipa::path(tag = "verifications", params(("id" = String, Path, description = "session id")),
    responses(
        (status = 101, description = "WebSocket upgrade. Authenticate with the first message {\"type\":\"auth\",\"token\":\"…\"} (or an Authorization header). Then the server sends JSON text messages — ready {viewport:{width,height}}, status {state: loading|ready|checking|solved|failed|expired|closed, message: null, not_passed (back to ready after a release that did not pass), or the failure}, pong, error {code, message} — and binary messages, each one JPEG frame of the page. The client sends {\"type\":\"pointer\",\"action\":\"down|move|up\",\"x\":0..1,\"y\":0..1,\"touch\":bool} (fractions of the displayed frame) and {\"type\":\"ping\"}. Another user's session, or an unknown one, gets error captcha_session_not_found. Closing the socket ends the session after a short grace period."),
    ))]
#[get("/captcha/sessions/{id}/ws")]
pub async fn session_socket(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    id: web::Path<String>,
) -> Result<HttpResponse, actix_web::Error> {
    let pre_auth = if has_authorization(&req) {
        Some(<AuthUser as actix_web::FromRequest>::extract(&req).await?)
    } else {
        None
    };
    let (response, session, mut stream) = actix_ws::handle(&req, body)?;
    let state = state.into_inner();
    let id = id.into_inner();
    actix_web::rt::spawn(async move {
        let Some((user, _)) = socket_user(&state, pre_auth, &session, &mut stream).await else {
            return;
        };
        match state.inbox.captcha().attach(&id, user.id) {
            Ok(viewer) => relay(viewer, session, stream).await,
            Err(e) => {
                let e = captcha_error(e);
                refuse(session, e.code.as_str(), &e.message).await;
            }
        }
    });
    Ok(response)
}

fn is_final(state: SessionState) -> bool {
    matches!(
        state,
        SessionState::Solved | SessionState::Failed | SessionState::Expired | SessionState::Closed
    )
}

async fn relay(mut viewer: Viewer, mut session: Session, mut stream: MessageStream) {
    // the frames end with the session; its last status may still be queued behind them
    let mut frames_open = true;
    loop {
        tokio::select! {
            ev = viewer.events.recv() => {
                let Some(ev) = ev else { break };
                let done = matches!(ev, ViewerEvent::Status { state, .. } if is_final(state));
                let text = serde_json::to_string(&ev).unwrap_or_default();
                if session.text(text).await.is_err() || done { break; }
            }
            changed = viewer.frames.changed(), if frames_open => {
                if changed.is_err() { frames_open = false; continue; }
                let frame = viewer.frames.borrow_and_update().clone();
                if let Some(f) = frame
                    && session.binary(f.as_ref().clone()).await.is_err()
                {
                    break;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<Inbound>(&text) {
                    Ok(Inbound::Pointer { action, x, y, touch }) => {
                        let p = PointerInput { action, x, y, touch };
                        if !p.is_valid() {
                            if reject(&mut session).await { break; }
                        } else if !viewer.input(p).await {
                            break;
                        }
                    }
                    Ok(Inbound::Ping) => {
                        if session.text(json!({"type": "pong"}).to_string()).await.is_err() { break; }
                    }
                    Err(_) => {
                        if reject(&mut session).await { break; }
                    }
                },
                Some(Ok(Message::Ping(p))) => { if session.pong(&p).await.is_err() { break; } }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    let _ = session.close(None).await;
}

/// Tells the operator a message was malformed (the socket stays open); `true` when the socket
/// is gone.
async fn reject(session: &mut Session) -> bool {
    let e = ApiError::new(
        ErrorCode::InvalidPointer,
        "expected {type:pointer, action: down|move|up, x, y in 0..1} or {type:ping}",
    );
    session
        .text(json!({"type": "error", "code": e.code.as_str(), "message": e.message}).to_string())
        .await
        .is_err()
}

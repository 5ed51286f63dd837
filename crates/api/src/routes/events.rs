//! `GET /api/v1/ws/events`: live events (account status changes, messages) over a WebSocket.
//! A user only ever sees events of their own accounts.
//!
//! Authenticate with an `Authorization: Bearer` header, or — for browsers, which cannot set
//! headers on WebSockets — by sending `{"type":"auth","token":"…"}` as the first message
//! within 5 seconds. Tokens never go in the URL.

use crate::auth::{AuthUser, authenticate_token, has_authorization};
use crate::error::ErrorCode;
use crate::error::{ApiError, blocking};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{Message, MessageStream, Session};
use futures_util::StreamExt;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use xianyu_domain::AccountId;
use xianyu_runner::RunnerEvent;

const AUTH_WAIT: Duration = Duration::from_secs(5);

/// Open the live-events WebSocket.
#[utoipa::path(
    tag = "events",
    responses(
        (status = 101, description = "WebSocket upgrade; then JSON text messages tagged by `type`: ready (after authentication), status_changed, message_received, message_sent, chat_paused, chat_resumed, reply_recorded (an automatic reply's decision was stored), order_updated, delivery, low_stock, verification (an inbox task was opened or changed), qr_login (a QR login changed state), lagged (events were dropped: reload), error (authentication failed)"),
        (status = 401, description = "invalid or missing token"),
    )
)]
#[get("/ws/events")]
pub async fn events(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    let pre_auth = if has_authorization(&req) {
        Some(<AuthUser as actix_web::FromRequest>::extract(&req).await?)
    } else {
        None
    };
    let (response, mut session, mut stream) = actix_ws::handle(&req, body)?;
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        let Some((user, _)) = socket_user(&state, pre_auth, &session, &mut stream).await else {
            return;
        };
        let _ = session
            .text(json!({"type": "ready", "user_id": user.id}).to_string())
            .await;
        forward(&state, user, session, stream).await;
    });
    Ok(response)
}

/// The caller of a WebSocket: authenticated by its header before the upgrade (`pre_auth`), or
/// by its first message (which is returned too). On failure the client gets an `error` message
/// and the socket is closed.
pub(crate) async fn socket_user(
    state: &AppState,
    pre_auth: Option<AuthUser>,
    session: &Session,
    stream: &mut MessageStream,
) -> Option<(AuthUser, serde_json::Value)> {
    if let Some(u) = pre_auth {
        return Some((u, serde_json::Value::Null));
    }
    match first_message_auth(state, stream).await {
        Ok(found) => Some(found),
        Err(e) => {
            refuse(session.clone(), e.code.as_str(), &e.message).await;
            None
        }
    }
}

/// Sends an `error` message and closes the socket.
pub(crate) async fn refuse(mut session: Session, code: &str, message: &str) {
    let _ = session
        .text(json!({"type": "error", "code": code, "message": message}).to_string())
        .await;
    let _ = session.close(None).await;
}

/// Authenticates a WebSocket by its first message `{"type":"auth","token":"…"}` (within 5 s);
/// returns the caller and the whole message (which may carry more, e.g. a filter).
async fn first_message_auth(
    state: &AppState,
    stream: &mut MessageStream,
) -> Result<(AuthUser, serde_json::Value), ApiError> {
    let missing = || {
        ApiError::new(
            ErrorCode::MissingToken,
            "send {\"type\":\"auth\",\"token\":\"…\"} first",
        )
    };
    let first = tokio::time::timeout(AUTH_WAIT, stream.next())
        .await
        .map_err(|_| missing())?;
    let Some(Ok(Message::Text(text))) = first else {
        return Err(missing());
    };
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|_| missing())?;
    let token = v
        .get("token")
        .and_then(|t| t.as_str())
        .filter(|_| v["type"] == "auth")
        .ok_or_else(missing)?;
    let user = authenticate_token(state, token).await?;
    Ok((user, v))
}

fn event_account(e: &RunnerEvent) -> AccountId {
    e.account()
}

async fn forward(
    state: &AppState,
    user: AuthUser,
    mut session: Session,
    mut stream: MessageStream,
) {
    let mut feed = state.runner.subscribe();
    let mut mine = state.user_events.subscribe();
    // account id → owned by this user; filled lazily from the database.
    let mut owned: HashMap<AccountId, bool> = HashMap::new();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Ping(p))) => { if session.pong(&p).await.is_err() { return; } }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => { let _ = session.close(None).await; return; }
                Some(Ok(_)) => {}
            },
            event = mine.recv() => match event {
                Ok(e) if e.user == user.id => {
                    if session.text(e.payload.to_string()).await.is_err() { return; }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(n)) => {
                    if session.text(json!({"type": "lagged", "missed": n}).to_string()).await.is_err() { return; }
                }
                Err(RecvError::Closed) => {}
            },
            event = feed.recv() => match event {
                Ok(e) => {
                    let account = event_account(&e);
                    if !is_owned(state, &user, account, &mut owned).await {
                        continue;
                    }
                    let text = serde_json::to_string(&e).unwrap_or_default();
                    if session.text(text).await.is_err() { return; }
                }
                Err(RecvError::Lagged(n)) => {
                    if session.text(json!({"type": "lagged", "missed": n}).to_string()).await.is_err() { return; }
                }
                Err(RecvError::Closed) => { let _ = session.close(None).await; return; }
            },
        }
    }
}

/// Whether `account` belongs to `user`, asked of the database once per account.
pub(crate) async fn is_owned(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    owned: &mut HashMap<AccountId, bool>,
) -> bool {
    if let Some(&known) = owned.get(&account) {
        return known;
    }
    let store = state.store.clone();
    let uid = user.id;
    let mine = blocking(move || Ok(store.get_account(uid, account).is_ok()))
        .await
        .unwrap_or(false);
    owned.insert(account, mine);
    mine
}

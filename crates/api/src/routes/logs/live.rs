//! `GET /api/v1/ws/logs`: a live tail of the log records the caller may read, over a
//! WebSocket. Authentication as for `/ws/events` (a bearer header, or a first message
//! `{"type":"auth","token":"…"}`); filters (`level`, `account_id`, `user_id`, `target`, `q`) in
//! the query string or in a `"filter"` object of that first message.

use super::{LogParams, LogRecordView, scope_of};
use crate::auth::{AuthUser, has_authorization};
use crate::routes::events::{is_owned, refuse, socket_user};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{Message, MessageStream, Session};
use futures_util::StreamExt;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use xianyu_domain::AccountId;
use xianyu_logs::{LogQuery, LogScope};

/// How often a tail looks for new records.
const LOOK_EVERY: Duration = Duration::from_millis(250);
/// The most records a tail reads per look (a busier server catches up over the next looks).
const BATCH: usize = 2_000;

/// Open the live log tail.
#[utoipa::path(
    tag = "logs",
    params(LogParams),
    responses(
        (status = 101, description = "WebSocket upgrade; then JSON text messages tagged by `type`: ready (after authentication), log (one record, fields as in GET /logs), lagged (records left the server's memory before this tail read them; `missed` says how many), error (authentication or filter failed)"),
        (status = 401, description = "invalid or missing token"),
    )
)]
#[get("/ws/logs")]
pub async fn tail(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    params: web::Query<LogParams>,
) -> Result<HttpResponse, actix_web::Error> {
    let pre_auth = if has_authorization(&req) {
        Some(<AuthUser as actix_web::FromRequest>::extract(&req).await?)
    } else {
        None
    };
    let mut query = params.query()?;
    let (response, mut session, mut stream) = actix_ws::handle(&req, body)?;
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        let Some((user, first)) = socket_user(&state, pre_auth, &session, &mut stream).await else {
            return;
        };
        if let Some(f) = first.get("filter") {
            match serde_json::from_value::<LogParams>(f.clone())
                .map_err(|e| e.to_string())
                .and_then(|p| p.query().map_err(|e| e.message.clone()))
            {
                Ok(q) => query = q,
                Err(e) => return refuse(session, "invalid_query", &e).await,
            }
        }
        let scope = match scope_of(&state, &user).await {
            Ok(s) => s,
            Err(e) => return refuse(session, e.code.as_str(), &e.message).await,
        };
        let _ = session
            .text(json!({"type": "ready", "user_id": user.id}).to_string())
            .await;
        forward(&state, &user, &scope, &query, session, stream).await;
    });
    Ok(response)
}

async fn forward(
    state: &AppState,
    user: &AuthUser,
    scope: &LogScope,
    query: &LogQuery,
    mut session: Session,
    mut stream: MessageStream,
) {
    let mut reader = state.logs.tail();
    let mut every = tokio::time::interval(LOOK_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // accounts created after the tail opened: checked once each
    let mut later: HashMap<AccountId, bool> = HashMap::new();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Ping(p))) => { if session.pong(&p).await.is_err() { return; } }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => { let _ = session.close(None).await; return; }
                Some(Ok(_)) => {}
            },
            _ = every.tick() => {
                let batch = reader.poll(&state.logs, BATCH);
                if batch.missed > 0
                    && session.text(json!({"type": "lagged", "missed": batch.missed}).to_string()).await.is_err()
                {
                    return;
                }
                for e in batch.entries {
                    if !query.matches(&e.record) {
                        continue;
                    }
                    let allowed = scope.allows(&e.record) || match (scope, e.record.account_id) {
                        (LogScope::Owner { .. }, Some(a)) => is_owned(state, user, AccountId(a), &mut later).await,
                        _ => false,
                    };
                    if !allowed {
                        continue;
                    }
                    let mut v = serde_json::to_value(LogRecordView::new(&e, &state.logs)).unwrap_or_default();
                    v["type"] = json!("log");
                    if session.text(v.to_string()).await.is_err() { return; }
                }
            },
        }
    }
}

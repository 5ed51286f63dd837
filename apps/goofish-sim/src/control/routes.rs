//! Handlers of the control routes; thin wrappers over [`SimState`] methods.

use super::parse_body;
use crate::error::ControlError;
use crate::faults::FaultSpec;
use crate::journal::JournalKind;
use crate::state::{BuyerMessage, NewAccount, NewItem, NewOrder, SimState};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

type State = web::Data<Arc<SimState>>;
type Res = Result<HttpResponse, ControlError>;

fn ok(v: serde_json::Value) -> Res {
    Ok(HttpResponse::Ok().json(v))
}

fn query_param(req: &HttpRequest, key: &str) -> Option<String> {
    crate::mtop::parse_pairs(req.query_string().as_bytes())
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

pub(super) async fn list_accounts(state: State) -> Res {
    let unbs: Vec<String> = state.lock().accounts.keys().cloned().collect();
    ok(json!({"accounts": unbs}))
}

pub(super) async fn create_account(body: web::Bytes, state: State) -> Res {
    let req: NewAccount = parse_body(&body)?;
    let (unb, cookie) = state.create_account(req)?;
    ok(json!({"unb": unb, "cookie": cookie}))
}

pub(super) async fn get_account(path: web::Path<String>, state: State) -> Res {
    let unb = path.into_inner();
    state
        .account_summary(&unb)
        .map(|v| HttpResponse::Ok().json(v))
        .ok_or_else(|| {
            ControlError::not_found("account_not_found", format!("account {unb} not found"))
        })
}

pub(super) async fn add_item(path: web::Path<String>, body: web::Bytes, state: State) -> Res {
    let req: NewItem = parse_body(&body)?;
    let id = state.add_item(&path.into_inner(), req)?;
    ok(json!({"item_id": id}))
}

pub(super) async fn buyer_message(path: web::Path<String>, body: web::Bytes, state: State) -> Res {
    let req: BuyerMessage = parse_body(&body)?;
    let (cid, mid) = state.buyer_message(&path.into_inner(), req)?;
    ok(json!({"cid": cid, "message_id": mid}))
}

pub(super) async fn create_order(path: web::Path<String>, body: web::Bytes, state: State) -> Res {
    let req: NewOrder = parse_body(&body)?;
    let (order_id, cid) = state.create_order(&path.into_inner(), req)?;
    ok(json!({"order_id": order_id, "cid": cid}))
}

pub(super) async fn get_order(path: web::Path<String>, state: State) -> Res {
    let id = path.into_inner();
    state
        .order_summary(&id)
        .map(|v| HttpResponse::Ok().json(v))
        .ok_or_else(|| ControlError::not_found("order_not_found", format!("order {id} not found")))
}

pub(super) async fn pay_order(path: web::Path<String>, state: State) -> Res {
    ok(state.pay_order(&path.into_inner())?)
}

pub(super) async fn bargain_order(path: web::Path<String>, state: State) -> Res {
    ok(state.bargain_order(&path.into_inner())?)
}

pub(super) async fn push(path: web::Path<String>, body: web::Bytes, state: State) -> Res {
    let req = parse_body(&body)?;
    ok(state.push_custom(&path.into_inner(), req)?)
}

pub(super) async fn push_kind(path: web::Path<String>, body: web::Bytes, state: State) -> Res {
    let req = parse_body(&body)?;
    ok(state.push_kind(&path.into_inner(), req)?)
}

pub(super) async fn sent(path: web::Path<String>, state: State) -> Res {
    let unb = path.into_inner();
    state
        .sent_messages(&unb)
        .map(|v| HttpResponse::Ok().json(v))
        .ok_or_else(|| {
            ControlError::not_found("account_not_found", format!("account {unb} not found"))
        })
}

pub(super) async fn journal(req: HttpRequest, state: State) -> Res {
    let unb = query_param(&req, "unb");
    let kind = match query_param(&req, "kind").as_deref() {
        None => None,
        Some("http") => Some(JournalKind::Http),
        Some("ws") => Some(JournalKind::Ws),
        Some(o) => {
            return Err(ControlError::bad_request(
                "invalid_kind",
                format!("kind must be http or ws, got {o}"),
            ));
        }
    };
    let limit =
        match query_param(&req, "limit") {
            None => None,
            Some(l) => Some(l.parse::<usize>().map_err(|_| {
                ControlError::bad_request("invalid_limit", "limit must be a number")
            })?),
        };
    ok(serde_json::to_value(state.journal(unb.as_deref(), kind, limit)).unwrap_or_default())
}

pub(super) async fn clear_journal(state: State) -> Res {
    state.clear_journal();
    ok(json!({"cleared": true}))
}

pub(super) async fn set_fault(body: web::Bytes, state: State) -> Res {
    let spec: FaultSpec = parse_body(&body)?;
    ok(state.apply_fault(spec)?)
}

pub(super) async fn clear_faults(req: HttpRequest, state: State) -> Res {
    ok(state.clear_faults(query_param(&req, "unb").as_deref())?)
}

pub(super) async fn qr_list(state: State) -> Res {
    ok(json!({"sessions": state.qr_sessions()}))
}

#[derive(Debug, Default, Deserialize)]
struct QrBody {
    unb: Option<String>,
}

pub(super) async fn qr_action(
    path: web::Path<(String, String)>,
    body: web::Bytes,
    state: State,
) -> Res {
    let (id, action) = path.into_inner();
    let b: QrBody = parse_body(&body)?;
    ok(state.qr_action(&id, &action, b.unb)?)
}

pub(super) async fn get_clock(state: State) -> Res {
    ok(json!({"now_ms": state.now_ms(), "offset_ms": state.clock_offset_ms()}))
}

#[derive(Debug, Deserialize)]
struct ClockBody {
    advance_ms: i64,
}

pub(super) async fn advance_clock(body: web::Bytes, state: State) -> Res {
    let b: ClockBody = parse_body(&body)?;
    let offset = state.advance_clock(b.advance_ms);
    ok(json!({"now_ms": state.now_ms(), "offset_ms": offset}))
}

pub(super) async fn stats(state: State) -> Res {
    ok(serde_json::to_value(state.stats()).unwrap_or_default())
}

//! QR-code login (spec §5, §8.3, F18): `generate.do`, `query.do`, the pages behind
//! `codeContent` and `iframeRedirectUrl`, and the control operations that drive a session.
//!
//! States: `NEW` → `SCANED` → `CONFIRMED` (login Set-Cookies on `query.do`) / `EXPIRED` /
//! `CANCELED` / `CONFIRMED` + `iframeRedirect` (face verification pending, page at
//! `<base>/qr/<id>/verify`) → after `face-verified`, plain `CONFIRMED`.

use crate::error::ControlError;
use crate::mtop::{pair, parse_pairs, set_cookie};
use crate::passport::journal;
use crate::state::{Inner, QrSession, SimState, rand_alnum, rand_hex};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use std::sync::Arc;

type State = web::Data<Arc<SimState>>;

/// How long a `NEW` / `SCANED` session lives, in ms of sim clock.
const QR_TTL_MS: i64 = 300_000;

/// `GET /newlogin/qrcode/generate.do`.
pub(crate) async fn qr_generate(req: HttpRequest, state: State) -> HttpResponse {
    let id = rand_hex(32);
    let t = state.now_ms();
    let ck = rand_alnum(32);
    {
        let mut inner = state.lock();
        inner.qr.insert(
            id.clone(),
            QrSession {
                id: id.clone(),
                t,
                ck: ck.clone(),
                status: "NEW",
                iframe_redirect: false,
                unb: None,
                created_at: t,
                polls: 0,
            },
        );
    }
    journal(&state, &req, None, &format!("qr {id}"));
    HttpResponse::Ok().json(json!({"content": {"success": true, "data": {
        "t": t, "ck": ck, "codeContent": format!("{}/qr/{id}", state.base_url()), "resultCode": 100,
    }}}))
}

/// `GET /qr/{id}`: the page a phone would open after scanning.
pub(crate) async fn qr_page(path: web::Path<String>, state: State) -> HttpResponse {
    let id = path.into_inner();
    let status = state.lock().qr.get(&id).map(|q| q.status);
    match status {
        Some(s) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(format!(
                "<!DOCTYPE html><html><body>goofish-sim QR {id}: {s}</body></html>"
            )),
        None => HttpResponse::NotFound().body("unknown qr"),
    }
}

/// `POST /newlogin/qrcode/query.do`.
pub(crate) async fn qr_query(req: HttpRequest, body: web::Bytes, state: State) -> HttpResponse {
    let form = parse_pairs(&body);
    let t = pair(&form, "t").unwrap_or_default().to_string();
    let ck = pair(&form, "ck").unwrap_or_default().to_string();
    let now = state.now_ms();
    let mut inner = state.lock();
    let found = inner
        .qr
        .values_mut()
        .find(|q| q.t.to_string() == t && q.ck == ck && !ck.is_empty());
    let Some(q) = found else {
        drop(inner);
        journal(&state, &req, None, "qr unknown");
        return HttpResponse::Ok().json(json!({"content": {"success": false, "data": {"titleMsg": "二维码参数错误", "qrCodeStatus": "ERROR"}}}));
    };
    q.polls += 1;
    if (q.status == "NEW" || q.status == "SCANED") && now - q.created_at > QR_TTL_MS {
        q.status = "EXPIRED";
    }
    let q = q.clone();
    let mut resp = HttpResponse::Ok();
    let mut data = json!({"qrCodeStatus": q.status, "resultCode": 100});
    if q.status == "CONFIRMED" {
        if q.iframe_redirect {
            data["iframeRedirect"] = json!(true);
            data["iframeRedirectUrl"] = json!(format!("{}/qr/{}/verify", state.base_url(), q.id));
        } else if let Some(acc) = q.unb.as_ref().and_then(|u| inner.accounts.get(u)) {
            for (k, v) in acc.login_cookie_pairs() {
                resp.append_header(("Set-Cookie", set_cookie(k, &v)));
            }
        }
    }
    drop(inner);
    journal(&state, &req, q.unb.clone(), &format!("qr {}", q.status));
    resp.json(json!({"content": {"success": true, "data": data}}))
}

/// `GET /qr/{id}/verify`: the `iframeRedirectUrl` target, a face-verification notice.
pub(crate) async fn qr_verify_page(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
) -> HttpResponse {
    let id = path.into_inner();
    let found = state
        .lock()
        .qr
        .get(&id)
        .map(|q| (q.status, q.iframe_redirect, q.unb.clone()));
    let Some((status, pending, unb)) = found else {
        journal(&state, &req, None, "qr verify unknown");
        return HttpResponse::NotFound().body("unknown qr");
    };
    let (state_attr, text) = match (status, pending) {
        ("CONFIRMED", true) => (
            "pending",
            "人脸验证待完成：请在手机闲鱼App上完成刷脸验证，完成后本页面将自动登录。",
        ),
        ("CONFIRMED", false) => ("done", "身份验证已完成。"),
        _ => ("none", "当前二维码无需身份验证。"),
    };
    journal(&state, &req, unb, &format!("qr verify {state_attr}"));
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .append_header(("X-Content-Type-Options", "nosniff"))
        .append_header(("Cache-Control", "no-store"))
        .body(format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>身份验证</title></head><body><h1>身份验证</h1><p id=\"face_status\" data-state=\"{state_attr}\" data-qr=\"{id}\">{text}</p></body></html>"
        ))
}

/// A QR control action (`POST /_sim/qr/{id}/{action}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QrAction {
    Scan,
    Confirm,
    Expire,
    Cancel,
    RequireVerification,
    FaceVerified,
}

impl QrAction {
    fn parse(s: &str) -> Result<Self, ControlError> {
        Ok(match s {
            "scan" => Self::Scan,
            "confirm" => Self::Confirm,
            "expire" => Self::Expire,
            "cancel" => Self::Cancel,
            "require-verification" => Self::RequireVerification,
            "face-verified" => Self::FaceVerified,
            other => {
                return Err(ControlError::bad_request(
                    "invalid_action",
                    format!("unknown qr action {other}"),
                ));
            }
        })
    }
}

/// A fresh generated `unb` that no account uses yet.
fn fresh_unb(inner: &mut Inner) -> String {
    loop {
        inner.next_unb += 1;
        let u = inner.next_unb.to_string();
        if !inner.accounts.contains_key(&u) {
            return u;
        }
    }
}

fn qr_json(q: &QrSession) -> Value {
    json!({"id": q.id, "status": q.status, "t": q.t, "iframe_redirect": q.iframe_redirect, "unb": q.unb, "polls": q.polls})
}

impl SimState {
    /// Drives a QR session: `scan`, `confirm`, `expire`, `cancel`, `require-verification`,
    /// `face-verified`. `confirm` and `require-verification` bind the session to `unb` (an
    /// existing account, or one created without `_m_h5_tk`; a fresh `unb` when absent);
    /// `confirm` answers plain `CONFIRMED`. `face-verified` completes a pending
    /// `require-verification` (409 otherwise), keeping the bound account unless `unb` is given.
    pub fn qr_action(
        &self,
        id: &str,
        action: &str,
        unb: Option<String>,
    ) -> Result<Value, ControlError> {
        let mut inner = self.lock();
        let Some(q) = inner.qr.get(id) else {
            return Err(ControlError::not_found(
                "qr_not_found",
                format!("qr {id} not found"),
            ));
        };
        let action = QrAction::parse(action)?;
        if action == QrAction::FaceVerified && !(q.status == "CONFIRMED" && q.iframe_redirect) {
            return Err(ControlError::conflict(
                "qr_not_verifying",
                format!(
                    "qr {id} is {} without a pending face verification",
                    q.status
                ),
            ));
        }
        let binds = matches!(
            action,
            QrAction::Confirm | QrAction::RequireVerification | QrAction::FaceVerified
        );
        let account = match unb {
            _ if !binds => None,
            Some(u) if !u.is_empty() && u.bytes().all(|b| b.is_ascii_digit()) => Some(u),
            Some(u) => {
                return Err(ControlError::bad_request(
                    "invalid_unb",
                    format!("unb must be digits, got {u:?}"),
                ));
            }
            None if action == QrAction::FaceVerified => None,
            None => Some(fresh_unb(&mut inner)),
        };
        if let Some(u) = &account
            && !inner.accounts.contains_key(u)
        {
            self.new_account(&mut inner, u, None, true);
        }
        let Some(q) = inner.qr.get_mut(id) else {
            return Err(ControlError::not_found("qr_not_found", id));
        };
        match action {
            QrAction::Scan => q.status = "SCANED",
            QrAction::Confirm | QrAction::FaceVerified => {
                q.status = "CONFIRMED";
                q.iframe_redirect = false;
            }
            QrAction::Expire => q.status = "EXPIRED",
            QrAction::Cancel => q.status = "CANCELED",
            QrAction::RequireVerification => {
                q.status = "CONFIRMED";
                q.iframe_redirect = true;
            }
        }
        if account.is_some() {
            q.unb = account;
        }
        Ok(qr_json(q))
    }

    /// All QR sessions (id, status, t, iframe_redirect, unb, polls).
    pub fn qr_sessions(&self) -> Vec<Value> {
        self.lock().qr.values().map(qr_json).collect()
    }
}

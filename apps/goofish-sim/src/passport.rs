//! Passport and image upload endpoints (spec §2.5, §8.3); QR login is in `qr.rs`.

use crate::journal::{JournalEntry, JournalKind};
use crate::mtop::{cookie_account, pair, parse_pairs, request_cookies, set_cookie};
use crate::state::{SessionState, SimState, rand_alnum, rand_hex};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde_json::json;
use std::sync::Arc;

type State = web::Data<Arc<SimState>>;

/// Journals a passport/QR request (cookie names only).
pub(crate) fn journal(state: &SimState, req: &HttpRequest, unb: Option<String>, outcome: &str) {
    let jar = request_cookies(req);
    let mut e = JournalEntry::new(JournalKind::Http);
    e.unb = unb;
    e.method = Some(req.method().to_string());
    e.path = Some(req.path().to_string());
    e.query = Some(parse_pairs(req.query_string().as_bytes()));
    e.cookie_names = Some(jar.names().map(str::to_string).collect());
    e.outcome = Some(outcome.to_string());
    let mut inner = state.lock();
    state.journal_push(&mut inner, e);
}

/// `GET /mini_login.htm`.
pub(crate) async fn mini_login(req: HttpRequest, state: State) -> HttpResponse {
    journal(&state, &req, None, "200");
    let view = json!({"loginFormData": {
        "appName": "xianyu",
        "appEntrance": "web",
        "fromSite": "77",
        "lang": "zh_cn",
        "returnUrl": "",
        "bizParams": "",
        "isMobile": "false",
        "_csrf_token": rand_alnum(22),
        "umidToken": rand_hex(40),
        "hsiz": "",
        "mainPage": "false",
        "defaultView": "qrcode",
    }});
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .append_header(("Set-Cookie", set_cookie("XSRF-TOKEN", &rand_hex(36))))
        .body(format!(
            "<!DOCTYPE html><html><head><title>闲鱼登录</title></head><body><div id=\"mini-login\"></div><script>window.viewData = {view};</script></body></html>"
        ))
}

/// `POST /newlogin/hasLogin.do` and `/newlogin/silentHasLogin.do`.
pub(crate) async fn has_login(req: HttpRequest, body: web::Bytes, state: State) -> HttpResponse {
    let form = parse_pairs(&body);
    let jar = request_cookies(&req);
    let mut inner = state.lock();
    let unb = cookie_account(&inner, &jar);
    let ok = unb
        .as_ref()
        .and_then(|u| inner.accounts.get(u))
        .is_some_and(|a| {
            a.session != SessionState::SessionExpired
                && pair(&form, "hid").is_none_or(|h| h.is_empty() || h == a.unb)
        });
    let mut resp = HttpResponse::Ok();
    if ok && let Some(acc) = unb.as_ref().and_then(|u| inner.accounts.get_mut(u)) {
        acc.sgcookie = format!("E100{}", rand_alnum(60));
        acc.t = rand_hex(32);
        for (k, v) in acc.login_cookie_pairs() {
            resp.append_header(("Set-Cookie", set_cookie(k, &v)));
        }
    }
    drop(inner);
    journal(&state, &req, unb, if ok { "success" } else { "fail" });
    if ok {
        resp.json(json!({"content": {"success": true, "status": 0, "data": {"titleMsg": ""}}}))
    } else {
        resp.json(json!({"content": {"success": false, "status": -1, "titleMsg": "登录已失效，请重新登录", "code": "SESSION_EXPIRED"}}))
    }
}

/// `POST /ac/account/setLoginSettings.do`.
pub(crate) async fn set_login_settings(req: HttpRequest, state: State) -> HttpResponse {
    let jar = request_cookies(&req);
    let unb = cookie_account(&state.lock(), &jar);
    journal(&state, &req, unb, "200");
    HttpResponse::Ok()
        .append_header(("Set-Cookie", set_cookie("havana_lgc2_77", &rand_alnum(64))))
        .json(json!({"content": {"success": true}}))
}

/// HTML login page served instead of JSON when cookies are bad (F17).
const LOGIN_PAGE: &str = "<!DOCTYPE html><html><head><title>闲鱼 - 登录</title></head><body><div id=\"mini-login\">请登录闲鱼</div></body></html>";

/// Width and height of a PNG or JPEG, when recognizable.
fn image_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() >= 24 && b.starts_with(b"\x89PNG") {
        let w = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
        let h = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
        return Some((w, h));
    }
    if b.len() > 4 && b[0] == 0xff && b[1] == 0xd8 {
        let mut i = 2;
        while i + 9 < b.len() {
            if b[i] != 0xff {
                i += 1;
                continue;
            }
            let marker = b[i + 1];
            let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
            if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
                let h = u32::from(u16::from_be_bytes([b[i + 5], b[i + 6]]));
                let w = u32::from(u16::from_be_bytes([b[i + 7], b[i + 8]]));
                return Some((w, h));
            }
            i += 2 + len;
        }
    }
    None
}

/// `POST /api/upload.api`.
pub(crate) async fn upload(
    req: HttpRequest,
    mut payload: actix_multipart::Multipart,
    state: State,
) -> HttpResponse {
    let jar = request_cookies(&req);
    let (unb, ok) = {
        let inner = state.lock();
        let unb = cookie_account(&inner, &jar);
        let ok = unb
            .as_ref()
            .and_then(|u| inner.accounts.get(u))
            .is_some_and(|a| {
                a.session != SessionState::SessionExpired && !a.faults.upload_login_page
            });
        (unb, ok)
    };
    if !ok {
        journal(
            &state,
            &req,
            unb.or_else(|| jar.get("unb").map(str::to_string)),
            "login page",
        );
        return HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(LOGIN_PAGE);
    }
    let mut file: Option<Vec<u8>> = None;
    while let Some(Ok(mut field)) = payload.next().await {
        let is_file = field.name() == Some("file");
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            match chunk {
                Ok(c) => buf.extend_from_slice(&c),
                Err(_) => break,
            }
        }
        if is_file {
            file = Some(buf);
        }
    }
    let Some(bytes) = file else {
        journal(&state, &req, unb, "no file");
        return HttpResponse::BadRequest()
            .json(json!({"success": false, "errorCode": "NO_FILE", "errorMsg": "missing multipart part `file`"}));
    };
    use sha1::{Digest, Sha1};
    let digest = hex::encode(Sha1::digest(&bytes));
    let (w, h) = image_size(&bytes).unwrap_or((800, 600));
    journal(&state, &req, unb, "uploaded");
    HttpResponse::Ok().json(json!({"success": true, "object": {
        "url": format!("//img.alicdn.com/fake/{digest}.jpg"), "width": w, "height": h, "size": bytes.len(),
    }}))
}

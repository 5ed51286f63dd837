//! The mtop gateway `/h5/<api>/<v>/` with the exact processing order of spec §8.2.

use crate::journal::{JournalEntry, JournalKind};
use crate::proto::{self, CookieJar};
use crate::state::{Inner, SessionState, SimState, rand_alnum, rand_hex};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use std::sync::Arc;

/// The QR-seed api, which always succeeds (spec §5 step 1).
pub(crate) const API_GAIA: &str = "mtop.gaia.nodejs.gaia.idle.data.gw.v2.index.get";
/// The IM token api.
pub(crate) const API_TOKEN: &str = "mtop.taobao.idlemessage.pc.login.token";

/// Result of processing one mtop call.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub ret: Vec<String>,
    pub data: Value,
    pub set_cookies: Vec<String>,
}

impl Outcome {
    /// A response with one `ret` element and empty data.
    pub fn ret(code: &str) -> Self {
        Self {
            ret: vec![code.to_string()],
            data: json!({}),
            set_cookies: Vec::new(),
        }
    }

    /// A success response.
    pub fn ok(data: Value) -> Self {
        Self {
            ret: vec!["SUCCESS::调用成功".into()],
            data,
            set_cookies: Vec::new(),
        }
    }
}

/// `Set-Cookie` values for a cookie on `.goofish.com`.
pub(crate) fn set_cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; Domain=.goofish.com; Path=/")
}

/// Parses a form / query string into ordered pairs.
pub(crate) fn parse_pairs(s: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(s).into_owned().collect()
}

/// First value of a key.
pub(crate) fn pair<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// All `cookie` headers joined and parsed.
pub(crate) fn request_cookies(req: &HttpRequest) -> CookieJar {
    // Lenient like real servers: a stray non-ASCII byte must not hide the whole header.
    let joined: Vec<String> = req
        .headers()
        .get_all("cookie")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    CookieJar::parse(&joined.join("; "))
}

/// The account the cookies log in as: `unb` and `cookie2` must match a known account.
pub(crate) fn cookie_account(inner: &Inner, jar: &CookieJar) -> Option<String> {
    let unb = jar.get("unb")?;
    let acc = inner.accounts.get(unb)?;
    (jar.get("cookie2") == Some(acc.cookie2.as_str())).then(|| unb.to_string())
}

/// Actix handler for `/h5/{api}/{v}/`.
pub(crate) async fn handle(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
    state: web::Data<Arc<SimState>>,
) -> HttpResponse {
    let (api, v) = path.into_inner();
    let query = parse_pairs(req.query_string().as_bytes());
    let form = parse_pairs(&body);
    let data = pair(&form, "data")
        .or_else(|| pair(&query, "data"))
        .map(str::to_string);
    let jar = request_cookies(&req);
    let t = pair(&query, "t").unwrap_or_default().to_string();
    let sign_received = pair(&query, "sign").map(str::to_string);
    let sign_computed = proto::sign(jar.m_h5_token(), &t, data.as_deref().unwrap_or_default());
    let sign_ok = sign_received.as_deref() == Some(sign_computed.as_str());

    let mut inner = state.lock();
    inner.stats.mtop_calls += 1;
    let unb = cookie_account(&inner, &jar);
    let out = process(
        &state,
        &mut inner,
        &api,
        unb.as_deref(),
        &jar,
        data.as_deref(),
        sign_ok,
    );
    let mut e = JournalEntry::new(JournalKind::Http);
    e.unb = unb.or_else(|| jar.get("unb").map(str::to_string));
    e.method = Some(req.method().to_string());
    e.path = Some(req.path().to_string());
    e.api = Some(api.clone());
    e.query = Some(query);
    e.data = data;
    e.cookie_names = Some(jar.names().map(str::to_string).collect());
    e.sign_received = sign_received;
    e.sign_computed = Some(sign_computed);
    e.sign_ok = Some(sign_ok);
    e.outcome = out.ret.first().cloned();
    state.journal_push(&mut inner, e);
    drop(inner);

    let mut resp = HttpResponse::Ok();
    resp.content_type("application/json;charset=UTF-8");
    for c in &out.set_cookies {
        resp.append_header(("Set-Cookie", c.as_str()));
    }
    resp.body(json!({"api": api, "data": out.data, "ret": out.ret, "v": v}).to_string())
}

/// Cookies carrying an account's current `_m_h5_tk` (rotating it when asked or needed).
fn token_cookies(state: &SimState, inner: &mut Inner, unb: &str, rotate: bool) -> Vec<String> {
    let now = state.now_ms();
    let Some(acc) = inner.accounts.get_mut(unb) else {
        return Vec::new();
    };
    let needs = rotate || acc.m_h5_tk.as_ref().is_none_or(|(_, exp)| *exp <= now);
    let (tk, enc) = if needs {
        state.rotate_m_h5_tk(acc)
    } else {
        let (t, e) = acc.m_h5_tk.clone().unwrap_or_default();
        (format!("{t}_{e}"), acc.m_h5_tk_enc.clone())
    };
    vec![
        set_cookie("_m_h5_tk", &tk),
        set_cookie("_m_h5_tk_enc", &enc),
    ]
}

/// The processing order of spec §8.2.
fn process(
    state: &SimState,
    inner: &mut Inner,
    api: &str,
    unb: Option<&str>,
    jar: &CookieJar,
    data: Option<&str>,
    sign_ok: bool,
) -> Outcome {
    if api == API_GAIA {
        let mut out = Outcome::ok(json!({"result": {"bizScene": "home"}}));
        out.set_cookies = match unb {
            Some(u) => token_cookies(state, inner, u, false),
            None => {
                let exp = state.now_ms() + state.config.m_h5_tk_ttl_ms;
                vec![
                    set_cookie("_m_h5_tk", &format!("{}_{exp}", rand_hex(32))),
                    set_cookie("_m_h5_tk_enc", &rand_hex(32)),
                ]
            }
        };
        if jar.get("cna").is_none() {
            out.set_cookies.push(set_cookie("cna", &rand_alnum(24)));
        }
        return out;
    }
    let session_expired = Outcome::ret("FAIL_SYS_SESSION_EXPIRED::Session过期");
    let Some(unb) = unb else {
        return session_expired;
    };
    let now = state.now_ms();
    let base = state.base_url().to_string();
    let Some(acc) = inner.accounts.get_mut(unb) else {
        return session_expired;
    };
    *acc.mtop_calls.entry(api.to_string()).or_default() += 1;
    match acc.session {
        SessionState::SessionExpired => return session_expired,
        SessionState::RiskRequired if acc.captcha_all || api == API_TOKEN => {
            if jar.get("x5sec") == Some(acc.x5sec_clear.as_str()) {
                acc.session = SessionState::Ok;
            } else {
                let x5secdata = state.issue_x5secdata(inner, unb);
                let mut out = Outcome::ret("FAIL_SYS_USER_VALIDATE");
                out.ret
                    .push("RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试".into());
                out.data = json!({"url": format!(
                    "{base}/h5/{api}/1.0/_____tmd_____/punish?x5secdata={x5secdata}&x5step=2&action=captcha&pureCaptcha="
                )});
                return out;
            }
        }
        _ => {}
    }
    let presented = jar.get("_m_h5_tk").unwrap_or_default();
    if presented.is_empty() || acc.faults.force_token_empty {
        acc.faults.force_token_empty = false;
        let mut out = Outcome::ret("FAIL_SYS_TOKEN_EMPTY::令牌为空");
        out.set_cookies = token_cookies(state, inner, unb, true);
        return out;
    }
    let expired = acc.m_h5_tk.as_ref().is_none_or(|(_, exp)| *exp <= now);
    let not_current = acc
        .m_h5_tk
        .as_ref()
        .is_none_or(|(tk, _)| tk != jar.m_h5_token());
    if expired || not_current || !sign_ok {
        let mut out = Outcome::ret("FAIL_SYS_TOKEN_EXOIRED::令牌过期");
        let rotate = state.config.rotate_on_mismatch;
        out.set_cookies = token_cookies(state, inner, unb, rotate);
        return out;
    }
    crate::mtop_apis::dispatch(state, inner, unb, api, data.unwrap_or_default())
}

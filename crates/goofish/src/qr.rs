//! QR-code login through the passport API, without a browser (spec §5): request shapes and
//! response parsing. The caller does the HTTP and owns the polling loop.

use crate::ProtocolError;
use crate::constants::{API_QR_SEED, JSV, MTOP_APP_KEY};
use crate::cookies::CookieJar;
use crate::mtop;
use serde_json::Value;
use std::fmt;

/// User agent of every QR-login step (Chrome/120).
pub const QR_USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
/// The common headers of every QR-login step: user agent, accept, referer and origin.
pub const QR_HEADERS: [(&str, &str); 4] = [
    ("user-agent", QR_USER_AGENT),
    ("accept", "application/json, text/plain, */*"),
    ("referer", "https://passport.goofish.com/"),
    ("origin", "https://passport.goofish.com"),
];
/// Passport path of the login page holding `window.viewData` (step 2).
pub const MINI_LOGIN_PATH: &str = "/mini_login.htm";
/// Passport path that creates a QR code (step 3).
pub const GENERATE_PATH: &str = "/newlogin/qrcode/generate.do";
/// Passport path that reports a QR code's status (step 4).
pub const QUERY_PATH: &str = "/newlogin/qrcode/query.do";
/// `data` of the signed cookie-seeding POST (step 1).
pub const SEED_DATA: &str = r#"{"bizScene":"home"}"#;
/// How long a QR session lives, in seconds.
pub const SESSION_LIFETIME_SECS: u64 = 300;
/// Pause between two status polls, in milliseconds (also after `NEW`: no busy loop).
pub const POLL_INTERVAL_MS: u64 = 800;
/// Pause after a failed poll (network or parse error), in milliseconds.
pub const POLL_ERROR_BACKOFF_MS: u64 = 2000;

/// Path of the cookie-seeding mtop API, `/h5/<seed api>/1.0/` (step 1, GET and POST).
pub fn seed_path() -> String {
    format!("/h5/{API_QR_SEED}/1.0/")
}

/// Query of the signed seeding POST, `data` included; `token` comes from `_m_h5_tk` (step 1).
///
/// Pass [`CookieJar::m_h5_token`] of the jar filled by the seeding GET (the reference looks up
/// `m_h5_tk` without the underscore and always signs with an empty token).
pub fn seed_query(token: &str, t: &str) -> Vec<(&'static str, String)> {
    vec![
        ("jsv", JSV.to_owned()),
        ("appKey", MTOP_APP_KEY.to_owned()),
        ("t", t.to_owned()),
        ("sign", mtop::sign(token, t, SEED_DATA)),
        ("v", "1.0".to_owned()),
        ("type", "originaljson".to_owned()),
        ("dataType", "json".to_owned()),
        ("timeout", "20000".to_owned()),
        ("api", API_QR_SEED.to_owned()),
        ("data", SEED_DATA.to_owned()),
    ]
}

/// Query of `GET /mini_login.htm`; `rnd` is a random float in `[0, 1)` (step 2).
pub fn mini_login_query(rnd: f64) -> Vec<(&'static str, String)> {
    let mut q: Vec<(&'static str, String)> = [
        ("lang", "zh_cn"),
        ("appName", "xianyu"),
        ("appEntrance", "web"),
        ("styleType", "vertical"),
        ("bizParams", ""),
        ("notLoadSsoView", "false"),
        ("notKeepLogin", "false"),
        ("isMobile", "false"),
        ("qrCodeFirst", "false"),
        ("stie", "77"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    q.push(("rnd", rnd.to_string()));
    q
}

/// The flat `loginFormData` object of the login page plus `umidTag=SERVER`, in page order.
///
/// `Debug` prints only the field names (`_csrf_token` and `umidToken` are session secrets).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct LoginFormData {
    fields: Vec<(String, String)>,
}

impl fmt::Debug for LoginFormData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.fields.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("LoginFormData")
            .field("names", &names)
            .finish()
    }
}

impl LoginFormData {
    /// The value of field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets field `name`, overwriting in place or appending.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.fields.iter_mut().find(|(k, _)| k == name) {
            Some(entry) => entry.1 = value.to_owned(),
            None => self.fields.push((name.to_owned(), value.to_owned())),
        }
    }

    /// All fields in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.fields
    }
}

/// Finds `window.viewData = {…};` in the login page and returns its `loginFormData` with
/// `umidTag=SERVER` added (step 2).
///
/// The object is read with a JSON parser from the `{` on, so `};` inside strings, nesting and
/// line breaks are fine. Strings are kept, numbers and booleans become their JSON text, `null`s
/// are dropped and nested values are sent as compact JSON.
pub fn parse_login_page(html: &str) -> Result<LoginFormData, ProtocolError> {
    let start = view_data_start(html).ok_or(ProtocolError::ViewDataMissing)?;
    let view: Value = serde_json::Deserializer::from_str(&html[start..])
        .into_iter::<Value>()
        .next()
        .ok_or(ProtocolError::ViewDataMissing)?
        .map_err(|e| ProtocolError::ViewDataInvalid(e.to_string()))?;
    let form = view
        .get("loginFormData")
        .and_then(Value::as_object)
        .ok_or(ProtocolError::LoginFormDataMissing)?;
    let mut out = LoginFormData::default();
    for (k, v) in form {
        let value = match v {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.set(k, &value);
    }
    out.set("umidTag", "SERVER");
    Ok(out)
}

/// Byte offset of the `{` that follows `window.viewData` `\s*=\s*`, when present.
fn view_data_start(html: &str) -> Option<usize> {
    const MARK: &str = "window.viewData";
    let mut from = 0;
    while let Some(pos) = html[from..].find(MARK) {
        let after = from + pos + MARK.len();
        let rest = html[after..].trim_start();
        if let Some(rest) = rest.strip_prefix('=') {
            let value = rest.trim_start();
            if value.starts_with('{') {
                return Some(html.len() - value.len());
            }
        }
        from = after;
    }
    None
}

/// The query of `GET generate.do`: every login-form field, `umidTag` included (step 3).
pub fn generate_query(form: &LoginFormData) -> Vec<(String, String)> {
    form.fields.clone()
}

/// A generated QR code: the `t`/`ck` pair that identifies it and the content to encode.
///
/// `Debug` hides `ck`.
#[derive(Clone, PartialEq, Eq)]
pub struct QrCode {
    /// `data.t` (a millisecond timestamp) as decimal text.
    pub t: String,
    /// `data.ck`, the code's check key.
    pub ck: String,
    /// `data.codeContent`: the URL to render as the QR image.
    pub code_content: String,
}

impl fmt::Debug for QrCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QrCode")
            .field("t", &self.t)
            .field("code_content", &self.code_content)
            .finish_non_exhaustive()
    }
}

/// `content.data` of a passport answer, after checking it is a JSON object.
fn content_data<'a>(envelope: &'a Value, what: &str) -> Result<&'a Value, ProtocolError> {
    let content = envelope
        .get("content")
        .filter(|c| c.is_object())
        .ok_or_else(|| ProtocolError::QrResponseInvalid(format!("{what}: no content object")))?;
    content
        .get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| ProtocolError::QrResponseInvalid(format!("{what}: no content.data object")))
}

fn parse_envelope(body: &[u8], what: &str) -> Result<Value, ProtocolError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ProtocolError::QrResponseInvalid(format!("{what}: not JSON: {e}")))?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(ProtocolError::QrResponseInvalid(format!(
            "{what}: not a JSON object"
        )))
    }
}

/// A non-empty string, or a number as decimal text.
fn text_field(data: &Value, key: &str) -> Option<String> {
    match data.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses the `generate.do` answer into its `t`, `ck` and `codeContent` (step 3).
pub fn parse_generate(body: &[u8]) -> Result<QrCode, ProtocolError> {
    let envelope = parse_envelope(body, "generate.do")?;
    let success = envelope
        .pointer("/content/success")
        .and_then(Value::as_bool);
    if success != Some(true) {
        let msg = envelope
            .pointer("/content/data/titleMsg")
            .or_else(|| envelope.pointer("/content/titleMsg"))
            .and_then(Value::as_str)
            .unwrap_or("content.success is not true");
        return Err(ProtocolError::QrGenerateFailed(msg.to_owned()));
    }
    let data = content_data(&envelope, "generate.do")?;
    let field = |key: &str| {
        text_field(data, key).ok_or_else(|| {
            ProtocolError::QrResponseInvalid(format!("generate.do: missing content.data.{key}"))
        })
    };
    Ok(QrCode {
        t: field("t")?,
        ck: field("ck")?,
        code_content: field("codeContent")?,
    })
}

/// The urlencoded form of `POST query.do`: the login-form fields plus `t` and `ck` (step 4).
pub fn query_form(form: &LoginFormData, code: &QrCode) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &form.fields {
        if k != "t" && k != "ck" {
            s.append_pair(k, v);
        }
    }
    s.append_pair("t", &code.t);
    s.append_pair("ck", &code.ck);
    s.finish()
}

/// The status of a QR code, as one `query.do` answer reports it (step 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrPoll {
    /// `NEW`: nobody scanned the code yet.
    Waiting,
    /// `SCANED`: scanned, waiting for the phone to confirm.
    Scanned,
    /// `CONFIRMED`: logged in; this answer's `Set-Cookie`s are the login cookies.
    Confirmed,
    /// `CONFIRMED` with `iframeRedirect`: risk verification must be done at `url` first.
    VerificationRequired {
        /// `iframeRedirectUrl`, when the server gave one.
        url: Option<String>,
    },
    /// `EXPIRED`: the code timed out; generate a new one.
    Expired,
    /// Any other status (`CANCELED`, `ERROR`, …): the login was cancelled.
    Cancelled {
        /// The raw `qrCodeStatus`.
        status: String,
    },
}

impl QrPoll {
    /// The app-level state name: `waiting`, `scanned`, `success`, `verification_required`,
    /// `expired` or `cancelled`.
    pub fn state(&self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Scanned => "scanned",
            Self::Confirmed => "success",
            Self::VerificationRequired { .. } => "verification_required",
            Self::Expired => "expired",
            Self::Cancelled { .. } => "cancelled",
        }
    }

    /// Whether polling should stop (everything except `Waiting` and `Scanned`).
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::Waiting | Self::Scanned)
    }
}

/// Parses the `query.do` answer's `content.data.qrCodeStatus` (step 4). A body that is not
/// JSON or has no status is an error; an unknown status is [`QrPoll::Cancelled`].
pub fn parse_query(body: &[u8]) -> Result<QrPoll, ProtocolError> {
    let envelope = parse_envelope(body, "query.do")?;
    let data = content_data(&envelope, "query.do")?;
    let status = data
        .get("qrCodeStatus")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ProtocolError::QrResponseInvalid("query.do: missing content.data.qrCodeStatus".into())
        })?;
    Ok(match status {
        "NEW" => QrPoll::Waiting,
        "SCANED" | "SCANNED" => QrPoll::Scanned,
        "CONFIRMED" if is_true(data.get("iframeRedirect")) => QrPoll::VerificationRequired {
            url: data
                .get("iframeRedirectUrl")
                .and_then(Value::as_str)
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
        },
        "CONFIRMED" => QrPoll::Confirmed,
        "EXPIRED" => QrPoll::Expired,
        other => QrPoll::Cancelled {
            status: other.to_owned(),
        },
    })
}

/// `true` or `"true"`.
fn is_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Merges the `Set-Cookie`s of the `CONFIRMED` answer into the session jar and returns the
/// logged-in `unb`, which must be among them (step 4).
pub fn merge_login_cookies<'a>(
    jar: &mut CookieJar,
    set_cookies: impl IntoIterator<Item = &'a str>,
    now_ms: i64,
) -> Result<String, ProtocolError> {
    let mut saw_unb = false;
    for header in set_cookies {
        let name = header.split(';').next().and_then(|p| p.split_once('='));
        saw_unb |= name.is_some_and(|(n, _)| n.trim() == "unb");
        jar.merge_set_cookie(header, now_ms);
    }
    match jar.unb() {
        Some(unb) if saw_unb => Ok(unb.to_owned()),
        _ => Err(ProtocolError::QrLoginWithoutUnb),
    }
}

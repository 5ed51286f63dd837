//! Classification of mtop response envelopes (§2.3).

use serde_json::Value;

/// Substrings of `ret` that mean "captcha / slider required" (§2.3).
pub const CAPTCHA_MARKERS: &[&str] = &[
    "FAIL_SYS_USER_VALIDATE",
    "RGV587_ERROR",
    "哎哟喂,被挤爆啦",
    "哎哟喂，被挤爆啦",
    "挤爆了",
    "请稍后重试",
    "punish?x5secdata",
    "captcha",
];

/// What an mtop response means for the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum MtopOutcome {
    /// `SUCCESS::…`; carries `data` (or `null`).
    Success(Value),
    /// `_m_h5_tk` expired or invalid (`EXOIRED`, `EXPIRED`, `ILLEGAL`): merge Set-Cookie, re-sign, retry.
    TokenExpired,
    /// No `_m_h5_tk` cookie: merge Set-Cookie, re-sign, retry.
    TokenEmpty,
    /// Login cookies are dead (`FAIL_SYS_SESSION_EXPIRED`).
    SessionExpired,
    /// Risk control wants a slider; `url` is `data.url` when present.
    CaptchaRequired {
        /// The verification (punish) URL.
        url: Option<String>,
    },
    /// Account-level risk block (`FAIL_SYS_ILLEGAL_ACCESS`, `FAIL_BIZ_WUA_IS_MACHINE`).
    RiskBlocked {
        /// The ret code.
        code: String,
    },
    /// Any other failure: the code and message of the first `ret` element.
    Business {
        /// The part before `::`.
        code: String,
        /// The part after `::`.
        message: String,
    },
    /// The body is not a JSON object (HTML login or block page).
    NotJson,
}

/// The `ret` strings of a parsed envelope (non-strings skipped).
pub fn ret_codes(envelope: &Value) -> Vec<String> {
    envelope
        .get("ret")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Splits one `ret` element into `(code, message)` at the first `::`.
pub fn split_ret(ret: &str) -> (&str, &str) {
    ret.split_once("::").unwrap_or((ret, ""))
}

/// Classifies a raw response body following §2.3 (session expiry is checked before the slider).
pub fn classify_response(body: &[u8]) -> MtopOutcome {
    let Ok(envelope) = serde_json::from_slice::<Value>(body) else {
        return MtopOutcome::NotJson;
    };
    if !envelope.is_object() {
        return MtopOutcome::NotJson;
    }
    let rets = ret_codes(&envelope);
    let data = envelope.get("data").cloned().unwrap_or(Value::Null);
    let has = |prefix: &str| rets.iter().any(|r| r.starts_with(prefix));
    if rets.iter().any(|r| r.starts_with("SUCCESS")) {
        return MtopOutcome::Success(data);
    }
    if has("FAIL_SYS_SESSION_EXPIRED") || rets.iter().any(|r| r.contains("Session过期")) {
        return MtopOutcome::SessionExpired;
    }
    if has("FAIL_SYS_TOKEN_EMPTY") {
        return MtopOutcome::TokenEmpty;
    }
    if has("FAIL_SYS_TOKEN_EXOIRED")
        || has("FAIL_SYS_TOKEN_EXPIRED")
        || has("FAIL_SYS_TOKEN_ILLEGAL")
    {
        return MtopOutcome::TokenExpired;
    }
    for code in ["FAIL_SYS_ILLEGAL_ACCESS", "FAIL_BIZ_WUA_IS_MACHINE"] {
        if has(code) {
            return MtopOutcome::RiskBlocked {
                code: code.to_owned(),
            };
        }
    }
    let url = data.get("url").and_then(Value::as_str).map(str::to_owned);
    let joined = rets.join(",");
    let url_hit = url.as_deref().is_some_and(|u| {
        ["punish", "captcha", "validate"]
            .iter()
            .any(|m| u.contains(m))
    });
    if url_hit || CAPTCHA_MARKERS.iter().any(|m| joined.contains(m)) {
        return MtopOutcome::CaptchaRequired { url };
    }
    let (code, message) = rets.first().map(|r| split_ret(r)).unwrap_or(("", ""));
    MtopOutcome::Business {
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

//! The mtop HTTP client: signed calls, Set-Cookie merging, one re-signed retry (spec §2).

use crate::error::{Result, RunnerError};
use crate::now_ms;
use goofish_protocol::constants as c;
use goofish_protocol::cookies::CookieJar;
use goofish_protocol::mtop::{self, MtopOutcome, MtopRequest};
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// A cheap-to-clone mtop client bound to one gateway base URL. The HTTP client (TLS roots and
/// all) is built on the first call, so a server without accounts does not carry it.
#[derive(Debug, Clone)]
pub struct MtopClient {
    http: Arc<OnceLock<std::result::Result<reqwest::Client, String>>>,
    timeout: Duration,
    base: String,
}

/// The result of one mtop call: the outcome and whether the cookie jar changed.
#[derive(Debug)]
pub struct MtopReply {
    /// `data` of the successful envelope.
    pub data: Value,
    /// Whether any Set-Cookie changed the jar (the caller persists it).
    pub cookies_changed: bool,
}

fn static_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    let pairs: [(&str, &str); 14] = [
        ("accept", "application/json"),
        ("accept-language", "zh-CN,zh;q=0.9,en;q=0.8"),
        ("cache-control", "no-cache"),
        ("content-type", "application/x-www-form-urlencoded"),
        ("pragma", "no-cache"),
        ("priority", "u=1, i"),
        ("sec-ch-ua", c::SEC_CH_UA),
        ("sec-ch-ua-mobile", "?0"),
        ("sec-ch-ua-platform", "\"Windows\""),
        ("sec-fetch-dest", "empty"),
        ("sec-fetch-mode", "cors"),
        ("sec-fetch-site", "same-site"),
        ("referer", c::WEB_REFERER),
        ("origin", c::WEB_ORIGIN),
    ];
    for (k, v) in pairs {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            h.insert(name, value);
        }
    }
    h
}

impl MtopClient {
    /// A client for `base` (e.g. `https://h5api.m.goofish.com`) with the given call timeout.
    pub fn new(base: &str, timeout: Duration) -> Result<Self> {
        Ok(Self {
            http: Arc::default(),
            timeout,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    fn http(&self) -> Result<&reqwest::Client> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .timeout(self.timeout)
                    .user_agent(c::BROWSER_UA)
                    .default_headers(static_headers())
                    .build()
                    .map_err(|e| format!("http client: {e}"))
            })
            .as_ref()
            .map_err(|e| RunnerError::Network(e.clone()))
    }

    /// One HTTP round trip; merges every Set-Cookie into `jar`. Returns the classified outcome.
    async fn call_once(&self, jar: &mut CookieJar, req: &MtopRequest) -> Result<MtopOutcome> {
        let t = now_ms().to_string();
        let url = format!("{}{}", self.base, req.path());
        let resp = self
            .http()?
            .post(url)
            .query(&req.query(jar.m_h5_token(), &t))
            .header(header::COOKIE, jar.to_header())
            .body(req.form_body())
            .send()
            .await
            .map_err(|e| RunnerError::Network(format!("mtop {}: {}", req.api, e.without_url())))?;
        let now = now_ms();
        for value in resp.headers().get_all(header::SET_COOKIE) {
            if let Ok(s) = value.to_str() {
                jar.merge_set_cookie(s, now);
            }
        }
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .map_err(|e| RunnerError::Network(format!("mtop {} body: {e}", req.api)))?;
        let outcome = mtop::classify_response(&body);
        if outcome == MtopOutcome::NotJson && !status.is_success() {
            return Err(RunnerError::Network(format!(
                "mtop {}: HTTP {status}",
                req.api
            )));
        }
        Ok(outcome)
    }

    /// A signed call with one re-signed retry on `TOKEN_EXOIRED`/`TOKEN_EMPTY` (§1.3, §2.3).
    /// Set-Cookies are merged into `jar` after every attempt, success or not.
    pub async fn call(&self, jar: &mut CookieJar, req: &MtopRequest) -> Result<MtopReply> {
        let before = jar.to_header();
        let mut result = self.call_once(jar, req).await;
        if matches!(
            result,
            Ok(MtopOutcome::TokenExpired | MtopOutcome::TokenEmpty)
        ) {
            log::debug!(target: "xianyu_runner::mtop", "{}: token expired/empty, re-signing", req.api);
            result = self.call_once(jar, req).await;
        }
        let cookies_changed = jar.to_header() != before;
        let data = match result? {
            MtopOutcome::Success(data) => data,
            MtopOutcome::TokenExpired | MtopOutcome::TokenEmpty => {
                return Err(RunnerError::TokenRetryFailed);
            }
            MtopOutcome::SessionExpired => return Err(RunnerError::SessionExpired),
            MtopOutcome::CaptchaRequired { url } => {
                return Err(RunnerError::CaptchaRequired { url });
            }
            MtopOutcome::RiskBlocked { code } => return Err(RunnerError::RiskBlocked(code)),
            MtopOutcome::Business { code, message } => {
                return Err(RunnerError::Mtop { code, message });
            }
            MtopOutcome::NotJson => {
                return Err(RunnerError::CookieInvalid(
                    "mtop answered with a non-JSON (login or block) page".into(),
                ));
            }
        };
        Ok(MtopReply {
            data,
            cookies_changed,
        })
    }

    /// Fetches an IM access token for `device_id` (§2.4.1). Returns the token and whether the
    /// cookies changed. Cookie changes are kept in `jar` even when the call fails.
    pub async fn login_token(
        &self,
        jar: &mut CookieJar,
        device_id: &str,
    ) -> Result<(String, bool)> {
        let reply = self.call(jar, &mtop::login_token(device_id)).await?;
        let token = access_token(&reply.data)?;
        Ok((token, reply.cookies_changed))
    }
}

/// The IM access token of a successful `login.token` answer.
pub(crate) fn access_token(data: &Value) -> Result<String> {
    data.get("accessToken")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| RunnerError::Mtop {
            code: "NO_ACCESS_TOKEN".into(),
            message: "login.token succeeded without data.accessToken".into(),
        })
}

/// A signed call with an account's shared cookie jar: works on a copy, writes changed cookies
/// back and persists them (encrypted, through the port) even when the call fails.
pub(crate) async fn call_shared(
    mtop: &MtopClient,
    sink: &Arc<dyn xianyu_domain::CookieSink>,
    metrics: &dyn xianyu_domain::metrics::Metrics,
    account: xianyu_domain::AccountId,
    jar: &std::sync::Mutex<CookieJar>,
    req: &MtopRequest,
) -> Result<MtopReply> {
    let mut work = jar.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let before = work.to_header();
    let result = mtop.call(&mut work, req).await;
    metrics.record(
        account,
        xianyu_domain::metrics::MetricEvent::Mtop {
            api: req.api,
            result: result.as_ref().map_or_else(|e| e.code(), |_| "ok"),
        },
    );
    let after = work.to_header();
    if after != before {
        *jar.lock().unwrap_or_else(|p| p.into_inner()) = work;
        let sink = sink.clone();
        if let Err(e) = crate::blocking(move || sink.save_cookie(account, &after)).await {
            log::warn!(target: "xianyu_runner::mtop", account = account.0; "saving refreshed cookies failed: {}", e.code());
        }
    }
    result
}

//! QR-code login without a browser (spec §5): seed cookies, fetch the login form, generate a
//! code, poll its status once per call and turn a confirmed login into a full cookie string.
//!
//! The client holds no loop: the caller polls every [`QR_POLL_INTERVAL`] (waiting
//! [`QR_POLL_ERROR_BACKOFF`] after a failed poll) and gives up after [`QR_SESSION_LIFETIME`].

use crate::config::Endpoints;
use crate::error::{Result, RunnerError};
use crate::mtop_client::MtopClient;
use crate::now_ms;
use goofish_protocol::ProtocolError;
use goofish_protocol::cookies::CookieJar;
use goofish_protocol::mtop;
use goofish_protocol::qr::{self, LoginFormData, QrCode};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::time::{Duration, Instant};

pub use goofish_protocol::qr::QrPoll;

/// How often the caller should poll a QR code.
pub const QR_POLL_INTERVAL: Duration = Duration::from_millis(qr::POLL_INTERVAL_MS);
/// How long the caller should wait after a failed poll before the next one.
pub const QR_POLL_ERROR_BACKOFF: Duration = Duration::from_millis(qr::POLL_ERROR_BACKOFF_MS);
/// How long a QR login session lives (300 s).
pub const QR_SESSION_LIFETIME: Duration = Duration::from_secs(qr::SESSION_LIFETIME_SECS);

const TARGET: &str = "xianyu_runner::qr_login";

/// A started QR login: what to show, what to poll with, and the session cookies so far.
///
/// `Debug` prints no cookie or form values.
#[derive(Clone)]
pub struct QrTicket {
    /// The generated code (`codeContent` is what the QR image encodes).
    pub code: QrCode,
    /// The login-form fields (`umidTag=SERVER` included) sent with `t`/`ck` to `query.do`.
    pub form: LoginFormData,
    /// The session cookies collected by seeding and the login page.
    pub jar: CookieJar,
    /// When the session started (for [`QrTicket::is_expired`]).
    pub started: Instant,
}

impl fmt::Debug for QrTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QrTicket")
            .field("code", &self.code)
            .field("form", &self.form)
            .field("jar", &self.jar)
            .field("age", &self.started.elapsed())
            .finish()
    }
}

impl QrTicket {
    /// The text to encode in the QR image.
    pub fn code_content(&self) -> &str {
        &self.code.code_content
    }

    /// Whether the session is older than [`QR_SESSION_LIFETIME`].
    pub fn is_expired(&self) -> bool {
        self.started.elapsed() >= QR_SESSION_LIFETIME
    }
}

/// One `query.do` answer: the status and, on [`QrPoll::Confirmed`], the login cookies.
#[derive(Debug, Clone)]
pub struct QrPolled {
    /// The status the server reported.
    pub status: QrPoll,
    /// On `Confirmed`: the ticket's jar with this answer's `Set-Cookie`s merged (has `unb`).
    pub cookies: Option<CookieJar>,
}

/// HTTP client of the passport QR-login flow, bound to one set of [`Endpoints`].
#[derive(Debug, Clone)]
pub struct QrLoginClient {
    http: reqwest::Client,
    mtop: MtopClient,
    h5api_base: String,
    passport_base: String,
}

fn qr_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in qr::QR_HEADERS {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            h.insert(name, value);
        }
    }
    h
}

fn net(step: &str, e: reqwest::Error) -> RunnerError {
    RunnerError::Network(format!("qr {step}: {}", e.without_url()))
}

/// Merges every `Set-Cookie` of `resp` into `jar`.
fn merge_cookies(jar: &mut CookieJar, resp: &reqwest::Response) {
    let now = now_ms();
    for value in resp.headers().get_all(header::SET_COOKIE) {
        if let Ok(s) = value.to_str() {
            jar.merge_set_cookie(s, now);
        }
    }
}

/// The body of a 2xx answer, else a network error naming the step.
async fn body_of(step: &str, resp: reqwest::Response) -> Result<Vec<u8>> {
    let status = resp.status();
    if !status.is_success() {
        return Err(RunnerError::Network(format!("qr {step}: HTTP {status}")));
    }
    let bytes = resp.bytes().await.map_err(|e| net(step, e))?;
    Ok(bytes.to_vec())
}

impl QrLoginClient {
    /// A client for `endpoints` (passport and mtop bases) with `timeout` per HTTP call.
    pub fn new(endpoints: &Endpoints, timeout: Duration) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .default_headers(qr_headers())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| RunnerError::Network(format!("http client: {e}")))?;
        Ok(Self {
            http,
            mtop: MtopClient::new(&endpoints.h5api_base, timeout)?,
            h5api_base: endpoints.h5api_base.trim_end_matches('/').to_owned(),
            passport_base: endpoints.passport_base.trim_end_matches('/').to_owned(),
        })
    }

    /// Starts a session: seeds cookies, reads the login form and generates a QR code (§5
    /// steps 1–3).
    pub async fn start(&self) -> Result<QrTicket> {
        let started = Instant::now();
        let mut jar = CookieJar::default();
        self.seed(&mut jar).await?;
        let form = self.login_form(&mut jar).await?;
        let code = self.generate(&form).await?;
        log::info!(target: TARGET, "qr login session started ({} session cookies)", jar.len());
        Ok(QrTicket {
            code,
            form,
            jar,
            started,
        })
    }

    /// Step 1: `GET` the seeding API, then the signed `POST` (its answer is ignored).
    async fn seed(&self, jar: &mut CookieJar) -> Result<()> {
        let url = format!("{}{}", self.h5api_base, qr::seed_path());
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| net("seed", e))?;
        merge_cookies(jar, &resp);
        let t = now_ms().to_string();
        let resp = self
            .http
            .post(&url)
            .query(&qr::seed_query(jar.m_h5_token(), &t))
            .header(header::COOKIE, jar.to_header())
            .send()
            .await
            .map_err(|e| net("seed", e))?;
        merge_cookies(jar, &resp);
        if jar.get("_m_h5_tk").is_none() {
            log::debug!(target: TARGET, "seeding set no _m_h5_tk; continuing");
        }
        Ok(())
    }

    /// Step 2: the login page's `loginFormData` (+ `umidTag`), with its cookies merged.
    async fn login_form(&self, jar: &mut CookieJar) -> Result<LoginFormData> {
        let resp = self
            .http
            .get(format!("{}{}", self.passport_base, qr::MINI_LOGIN_PATH))
            .query(&qr::mini_login_query(rand::random::<f64>()))
            .header(header::COOKIE, jar.to_header())
            .send()
            .await
            .map_err(|e| net("mini_login", e))?;
        merge_cookies(jar, &resp);
        let body = body_of("mini_login", resp).await?;
        Ok(qr::parse_login_page(&String::from_utf8_lossy(&body))?)
    }

    /// Step 3: a new QR code for `form` (no cookies are sent).
    async fn generate(&self, form: &LoginFormData) -> Result<QrCode> {
        let resp = self
            .http
            .get(format!("{}{}", self.passport_base, qr::GENERATE_PATH))
            .query(&qr::generate_query(form))
            .send()
            .await
            .map_err(|e| net("generate", e))?;
        let body = body_of("generate", resp).await?;
        Ok(qr::parse_generate(&body)?)
    }

    /// One `query.do` call (§5 step 4). On `Confirmed` the answer's `Set-Cookie`s are merged
    /// into a copy of the ticket's jar, which must then hold `unb` (else `CookieInvalid`).
    pub async fn poll(&self, ticket: &QrTicket) -> Result<QrPolled> {
        let resp = self
            .http
            .post(format!("{}{}", self.passport_base, qr::QUERY_PATH))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, ticket.jar.to_header())
            .body(qr::query_form(&ticket.form, &ticket.code))
            .send()
            .await
            .map_err(|e| net("query", e))?;
        let set_cookies: Vec<String> = resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let body = body_of("query", resp).await?;
        let status = qr::parse_query(&body)?;
        let cookies = if status == QrPoll::Confirmed {
            let mut jar = ticket.jar.clone();
            let unb =
                qr::merge_login_cookies(&mut jar, set_cookies.iter().map(String::as_str), now_ms())
                    .map_err(|e| match e {
                        ProtocolError::QrLoginWithoutUnb => RunnerError::CookieInvalid(
                            "QR login confirmed without a unb cookie".into(),
                        ),
                        other => RunnerError::Protocol(other),
                    })?;
            log::info!(target: TARGET, "qr login confirmed for unb {unb}");
            Some(jar)
        } else {
            log::debug!(target: TARGET, "qr status {}", status.state());
            None
        };
        Ok(QrPolled { status, cookies })
    }

    /// Post-login (§5 step 5): a signed `loginuser.get` (re-signed once after the expected
    /// `FAIL_SYS_TOKEN_EMPTY`/`EXOIRED`) so the jar gets `_m_h5_tk`; returns the cookie string.
    pub async fn complete(&self, mut jar: CookieJar) -> Result<String> {
        if jar.unb().is_none() {
            return Err(RunnerError::CookieInvalid(
                "QR login cookies have no unb".into(),
            ));
        }
        self.mtop.call(&mut jar, &mtop::loginuser_get()).await?;
        if jar.m_h5_token().is_empty() {
            return Err(RunnerError::Mtop {
                code: "NO_M_H5_TK".into(),
                message: "loginuser.get set no _m_h5_tk".into(),
            });
        }
        log::info!(target: TARGET, "qr login complete ({} cookies)", jar.len());
        Ok(jar.to_header())
    }
}

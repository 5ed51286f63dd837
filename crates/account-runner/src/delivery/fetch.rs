//! Content of HTTP-fetch cards: one request per unit, retried on timeouts, network errors and
//! 5xx answers as the card says, the content picked by its JSON path.

use std::sync::OnceLock;
use std::time::Duration;
use xianyu_domain::delivery::{
    HttpFetchSpec, HttpMethod, OrderFacts, extract_content, render_http_body,
};

/// Pause between attempts.
const RETRY_PAUSE: Duration = Duration::from_millis(500);
/// The largest answer read, so a wrong URL cannot fill memory.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// The HTTP client of fetch cards, built on first use.
#[derive(Default)]
pub(crate) struct Fetcher {
    http: OnceLock<Result<reqwest::Client, String>>,
}

impl Fetcher {
    fn http(&self) -> Result<&reqwest::Client, String> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::limited(3))
                    .build()
                    .map_err(|e| format!("fetch client: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The content for one unit, or why there is none (never contains header values).
    pub(crate) async fn fetch(
        &self,
        spec: &HttpFetchSpec,
        facts: &OrderFacts,
    ) -> Result<String, String> {
        let http = self.http()?;
        let body = render_http_body(spec, facts);
        let mut attempt = 1;
        loop {
            let mut req = match spec.method {
                HttpMethod::Get => http.get(&spec.url),
                HttpMethod::Post => http.post(&spec.url).body(body.clone()),
            }
            .timeout(Duration::from_secs(u64::from(spec.timeout_secs)));
            for (name, value) in &spec.headers {
                req = req.header(name, value);
            }
            let (status, error) = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if resp.status().is_success() {
                        match read_limited(resp).await {
                            Ok(text) => {
                                return extract_content(&text, spec.json_path.as_deref())
                                    .ok_or_else(|| match &spec.json_path {
                                        Some(p) => format!("the answer has no content at {p}"),
                                        None => "the answer is empty".to_owned(),
                                    });
                            }
                            Err(e) => (None, e),
                        }
                    } else {
                        (Some(status), format!("HTTP {status}"))
                    }
                }
                Err(e) if e.is_timeout() => (None, "timed out".to_owned()),
                Err(_) => (None, "network error".to_owned()),
            };
            if !spec.should_retry(status, attempt) {
                return Err(format!("{error} after {attempt} attempt(s)"));
            }
            attempt += 1;
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }
}

async fn read_limited(mut resp: reqwest::Response) -> Result<String, String> {
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|_| "network error".to_owned())? {
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(format!("answer larger than {MAX_BODY_BYTES} bytes"));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| "answer is not UTF-8".to_owned())
}

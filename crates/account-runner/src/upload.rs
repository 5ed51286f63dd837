//! Image upload to the Goofish CDN (spec §2.5): images sent in chats must be CDN URLs, so a
//! local image is first posted to the upload API with the account's cookies.

use crate::error::{Result, RunnerError};
use goofish_protocol::constants as c;
use reqwest::header;
use serde_json::Value;
use std::time::Duration;

/// The Chrome/120 user agent the reference sends on uploads (§2.5).
const UPLOAD_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
/// `Accept` of the upload call (§2.5).
const UPLOAD_ACCEPT: &str = "application/json, text/javascript, */*; q=0.01";
/// Where the URL may be in the JSON answer, in order of preference (§2.5).
const URL_PATHS: [(&str, &str); 6] = [
    ("data", "url"),
    ("object", "url"),
    ("", "url"),
    ("result", "url"),
    ("data", "fileUrl"),
    ("data", "file_url"),
];

/// An image on the Goofish CDN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdnImage {
    /// Absolute `https://` URL.
    pub url: String,
    /// Width, when the answer carried it.
    pub width: Option<u32>,
    /// Height, when the answer carried it.
    pub height: Option<u32>,
}

/// The HTTP client and URL used for uploads; shared by every account's sender.
#[derive(Debug, Clone)]
pub(crate) struct Uploader {
    http: std::sync::OnceLock<std::result::Result<reqwest::Client, String>>,
    timeout: Duration,
    pub url: String,
}

impl Uploader {
    /// An uploader for `url` with the given call timeout; the HTTP client is built on first use.
    pub fn new(url: &str, timeout: Duration) -> Result<Self> {
        Ok(Self {
            http: std::sync::OnceLock::new(),
            timeout,
            url: url.to_owned(),
        })
    }

    /// The HTTP client, built on first use.
    pub fn http(&self) -> Result<&reqwest::Client> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .timeout(self.timeout)
                    .build()
                    .map_err(|e| format!("upload client: {e}"))
            })
            .as_ref()
            .map_err(|e| RunnerError::Network(e.clone()))
    }
}

/// Uploads a JPEG (already re-encoded: quality 85, longest side ≤ 1920) to the Goofish upload
/// API with the account's `cookie_header` and returns the CDN URL (scheme-relative URLs are
/// made `https:`).
///
/// Errors: [`RunnerError::UploadLoginPage`] when the API answers an HTML (login) page, i.e.
/// the cookies are no longer valid; [`RunnerError::UploadFailed`] for a non-200 status, an
/// unreadable answer or an answer without a URL; [`RunnerError::Network`] for transport
/// failures.
pub async fn upload_image(
    http: &reqwest::Client,
    upload_url: &str,
    cookie_header: &str,
    file_name: &str,
    jpeg: Vec<u8>,
) -> Result<CdnImage> {
    let part = reqwest::multipart::Part::bytes(jpeg)
        .file_name(file_name.to_owned())
        .mime_str("image/jpeg")
        .map_err(|e| RunnerError::UploadFailed(format!("multipart: {e}")))?;
    let form = reqwest::multipart::Form::new().part("file", part);
    let resp = http
        .post(upload_url)
        .query(c::UPLOAD_QUERY)
        .header(header::COOKIE, cookie_header)
        .header(header::REFERER, c::WEB_REFERER)
        .header(header::USER_AGENT, UPLOAD_UA)
        .header("x-requested-with", "XMLHttpRequest")
        .header(header::ACCEPT, UPLOAD_ACCEPT)
        .multipart(form)
        .send()
        .await
        .map_err(|e| RunnerError::Network(format!("upload: {}", e.without_url())))?;
    let status = resp.status();
    let body = resp
        .bytes()
        .await
        .map_err(|e| RunnerError::Network(format!("upload body: {}", e.without_url())))?;
    if status != reqwest::StatusCode::OK {
        return Err(RunnerError::UploadFailed(format!("HTTP {status}")));
    }
    parse_answer(&body)
}

/// Classifies the upload API's answer body (§2.5).
fn parse_answer(body: &[u8]) -> Result<CdnImage> {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    if lower.contains("<!doctype html>") || lower.contains("<html") {
        return Err(RunnerError::UploadLoginPage);
    }
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| RunnerError::UploadFailed(format!("answer is not JSON: {e}")))?;
    for (parent, key) in URL_PATHS {
        let holder = if parent.is_empty() {
            Some(&json)
        } else {
            json.get(parent)
        };
        let Some(holder) = holder else { continue };
        let Some(url) = holder
            .get(key)
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
        else {
            continue;
        };
        let dim = |k: &str| {
            holder
                .get(k)
                .and_then(Value::as_u64)
                .and_then(|v| u32::try_from(v).ok())
        };
        return Ok(CdnImage {
            url: normalise_url(url),
            width: dim("width"),
            height: dim("height"),
        });
    }
    Err(RunnerError::UploadFailed("answer carries no URL".into()))
}

/// `//host/path` → `https://host/path`; anything else unchanged.
fn normalise_url(url: &str) -> String {
    match url.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_is_taken_from_the_first_present_path() {
        let a = parse_answer(
            br#"{"success":true,"object":{"url":"//img.alicdn.com/x.jpg","width":10,"height":20}}"#,
        );
        assert_eq!(
            a,
            Ok(CdnImage {
                url: "https://img.alicdn.com/x.jpg".into(),
                width: Some(10),
                height: Some(20),
            })
        );
        let b = parse_answer(br#"{"data":{"fileUrl":"https://a/b.jpg"},"url":"https://c/d.jpg"}"#);
        assert_eq!(b.map(|i| i.url), Ok("https://c/d.jpg".to_owned()));
        let c = parse_answer(br#"{"data":{"file_url":"https://a/b.jpg"}}"#);
        assert_eq!(c.map(|i| i.url), Ok("https://a/b.jpg".to_owned()));
    }

    #[test]
    fn html_is_the_login_page_and_missing_url_fails() {
        assert_eq!(
            parse_answer(b"<!DOCTYPE html><html><body>mini-login</body></html>"),
            Err(RunnerError::UploadLoginPage)
        );
        assert_eq!(
            parse_answer(b"<html>x</html>"),
            Err(RunnerError::UploadLoginPage)
        );
        assert!(matches!(
            parse_answer(br#"{"success":false}"#),
            Err(RunnerError::UploadFailed(_))
        ));
    }
}

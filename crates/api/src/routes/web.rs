//! The dashboard: `index.html` and the files under `web/`, embedded into the binary with
//! rust-embed (release builds carry them; debug builds read `web/` from disk at each request,
//! so a page can be edited without rebuilding the server), plus the Swagger UI redirect and the
//! OpenAPI document.
//!
//! Cache-busting: every asset is served under `/assets/<version>/<path>`, where `<version>` is
//! a hash over the names and contents of all web files. Relative ES module imports stay inside
//! that prefix, so one changed file changes every URL the page loads, and assets can be cached
//! forever (`immutable`) while `index.html` is revalidated (`no-cache`).

use crate::error::ErrorCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use rust_embed::Embed;
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// The dashboard's files (`web/` of the workspace).
#[derive(Embed)]
#[folder = "../../web/"]
struct WebFiles;

/// What `index.html` writes where asset URLs start (replaced by `/assets/<version>`).
const ASSETS_PLACEHOLDER: &str = "{{assets}}";

/// The Content-Security-Policy of dashboard pages: scripts, styles, fonts and connections only
/// from this server, no inline scripts or `eval`; images also from `https:` (chat images are
/// Goofish CDN URLs) and `data:`/`blob:` (previews of files being uploaded).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: blob: https:; font-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The asset version: the first 12 hex digits of a SHA-256 over every file's name and hash.
fn compute_version() -> String {
    let mut names: Vec<Cow<'static, str>> = WebFiles::iter().collect();
    names.sort();
    let mut h = Sha256::new();
    for name in names {
        if let Some(f) = WebFiles::get(&name) {
            h.update(name.as_bytes());
            h.update(f.metadata.sha256_hash());
        }
    }
    hex::encode(&h.finalize()[..6])
}

/// The current asset version (computed once in release builds, where the files are fixed;
/// at every call in debug builds, where they are read from disk).
pub fn asset_version() -> Cow<'static, str> {
    if cfg!(debug_assertions) {
        return Cow::Owned(compute_version());
    }
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    Cow::Borrowed(VERSION.get_or_init(compute_version).as_str())
}

fn dashboard_headers(res: &mut actix_web::HttpResponseBuilder) {
    res.insert_header((header::CONTENT_SECURITY_POLICY, CSP));
}

/// The dashboard entry page, with asset URLs of the current version.
#[get("/")]
pub async fn index() -> HttpResponse {
    let html = WebFiles::get("index.html")
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .unwrap_or_default();
    let prefix = format!("/assets/{}", asset_version());
    let mut res = HttpResponse::Ok();
    dashboard_headers(&mut res);
    res.insert_header((header::CACHE_CONTROL, "no-cache"))
        .content_type("text/html; charset=utf-8")
        .body(html.replace(ASSETS_PLACEHOLDER, &prefix))
}

/// One dashboard file (mounted under `/assets`). Under the current version it is immutable;
/// under another version (a tab opened before an upgrade) the current file is served but not
/// cached. Text files go gzip'd to clients that accept it (see [`gzipped`]).
#[get("/{version}/{path:.*}")]
pub async fn asset(req: HttpRequest, path: web::Path<(String, String)>) -> HttpResponse {
    let (version, path) = path.into_inner();
    let file = (path != "index.html")
        .then(|| WebFiles::get(&path))
        .flatten();
    let Some(file) = file else {
        let err = crate::ApiError::new(ErrorCode::NotFound, "no such file");
        return actix_web::ResponseError::error_response(&err);
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..8]));
    let cache = if version == asset_version() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    dashboard_headers(&mut res);
    res.insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag));
    if fresh {
        return res.finish();
    }
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT | mime_guess::mime::APPLICATION
            if mime.get_param("charset").is_none() && is_text(&path) =>
        {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    };
    res.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    ))
    .insert_header((header::VARY, "accept-encoding"));
    if accepts_gzip(&req)
        && let Some(gz) = gzipped(&path, &file.data)
    {
        return res
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(gz);
    }
    res.body(match file.data {
        Cow::Borrowed(b) => Bytes::from_static(b),
        Cow::Owned(v) => Bytes::from(v),
    })
}

fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.split(';').map(str::trim);
            parts.next() == Some("gzip") && !parts.any(|p| p.replace(' ', "") == "q=0")
        })
}

/// The gzip'd dashboard files of a release build, made by `build.rs`: (path, gzip bytes).
#[cfg(any(test, not(debug_assertions)))]
static GZIPPED: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/web_gz.rs"));

/// The gzip'd body of a text file; `None` for files that do not shrink. Release builds carry
/// them compressed at build time (nothing is compressed at run time, and the bytes are only
/// paged in when sent); debug builds, which read `web/` from disk, compress on the fly.
fn gzipped(path: &str, data: &[u8]) -> Option<Bytes> {
    #[cfg(not(debug_assertions))]
    {
        let _ = data;
        GZIPPED
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, gz)| Bytes::from_static(gz))
    }
    #[cfg(debug_assertions)]
    {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        if !is_text(path) {
            return None;
        }
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(data)
            .and_then(|()| enc.finish())
            .ok()
            .filter(|gz| gz.len() < data.len())
            .map(Bytes::from)
    }
}

include!("web_text.rs");

fn is_text(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| TEXT_EXTENSIONS.contains(&ext))
}

/// `/docs` → `/docs/` (Swagger UI).
#[get("/docs")]
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// The OpenAPI document, generated on the first request and cached: building it runs a lot of
/// generated code, which would otherwise be paged in at every start.
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOC.get_or_init(crate::openapi::openapi_json).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The table `build.rs` writes holds every text file, and each entry unpacks to the file
    /// the binary embeds (a stale or mismatched table would serve another file's bytes).
    #[test]
    fn build_time_gzip_matches_the_embedded_files() {
        let mut texts = 0;
        for path in WebFiles::iter() {
            if !is_text(&path) {
                continue;
            }
            texts += 1;
            let data = WebFiles::get(&path).expect("listed file").data;
            let Some((_, gz)) = GZIPPED.iter().find(|(p, _)| *p == path.as_ref()) else {
                // Only files that do not shrink may be missing.
                assert!(data.len() < 200, "{path} has no gzip'd copy");
                continue;
            };
            let mut unpacked = Vec::new();
            flate2::read::GzDecoder::new(*gz)
                .read_to_end(&mut unpacked)
                .expect("valid gzip");
            assert_eq!(unpacked, data.as_ref(), "{path}");
        }
        assert!(texts > 10, "the dashboard's text files are embedded");
    }
}

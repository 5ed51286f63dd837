//! Image upload to the (simulated) Goofish CDN (spec §2.5, §8.3) and fault F17.
#![allow(clippy::unwrap_used)]

use crate::common::Env;
use goofish_sim::JournalKind;
use std::time::Duration;
use xianyu_runner::{RunnerError, upload_image};

/// A few bytes standing in for a JPEG (the simulator only hashes them).
fn fake_jpeg() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.extend_from_slice(b"not really a jpeg, the simulator hashes it");
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

fn assert_cdn_url(url: &str) {
    let name = url
        .strip_prefix("https://img.alicdn.com/fake/")
        .unwrap_or_else(|| panic!("not a normalised CDN URL: {url}"));
    let hex = name.strip_suffix(".jpg").unwrap();
    assert_eq!(hex.len(), 40, "{url}");
    assert!(hex.chars().all(|c| c.is_ascii_hexdigit()), "{url}");
}

fn upload_entries(env: &Env) -> Vec<(String, Vec<(String, String)>)> {
    env.sim
        .state()
        .journal(None, Some(JournalKind::Http), None)
        .into_iter()
        .filter(|e| e.path.as_deref() == Some("/api/upload.api"))
        .map(|e| (e.outcome.unwrap_or_default(), e.query.unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_returns_the_https_cdn_url_with_the_spec_query() {
    let env = Env::new(false, false);
    let cookie = env.mem.cookie(env.id);
    let http = reqwest::Client::new();
    let image = upload_image(
        &http,
        &env.sim.upload_url(),
        &cookie,
        "reply.jpg",
        fake_jpeg(),
    )
    .await
    .unwrap();
    assert_cdn_url(&image.url);
    assert!(image.width.is_some() && image.height.is_some());
    let entries = upload_entries(&env);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].0, "uploaded");
    let q = &entries[0].1;
    for (k, v) in [
        ("floderId", "0"),
        ("appkey", "xy_chat"),
        ("_input_charset", "utf-8"),
    ] {
        assert!(q.iter().any(|(a, b)| a == k && b == v), "{k}={v} in {q:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_sender_uploads_with_the_account_cookies() {
    let env = Env::new(false, false);
    let sup = env.start().await;
    env.wait_online(&sup, Duration::from_secs(5)).await;
    let sender = sup.sender(env.id).unwrap();
    let url = sender.upload_image("a.jpg", fake_jpeg()).await.unwrap();
    assert_cdn_url(&url);
    let entries = upload_entries(&env);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].0, "uploaded");
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f17_login_page_is_an_upload_login_page_error() {
    let env = Env::new(false, false);
    env.fault("upload_login_page", |_| {});
    let cookie = env.mem.cookie(env.id);
    let http = reqwest::Client::new();
    let err = upload_image(&http, &env.sim.upload_url(), &cookie, "x.jpg", fake_jpeg())
        .await
        .unwrap_err();
    assert_eq!(err, RunnerError::UploadLoginPage);
    assert_eq!(err.code(), "upload_login_page");
    assert!(err.needs_new_cookies());
    let entries = upload_entries(&env);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].0, "login page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_without_login_cookies_is_the_login_page() {
    let env = Env::new(false, false);
    let http = reqwest::Client::new();
    let err = upload_image(&http, &env.sim.upload_url(), "", "x.jpg", fake_jpeg())
        .await
        .unwrap_err();
    assert_eq!(err, RunnerError::UploadLoginPage);
}

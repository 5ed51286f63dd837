//! Health, static pages, Swagger UI, OpenAPI drift, first start and restarts.
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::{Method, StatusCode};
use serde_json::Value;
use xianyu_tests::{Backend, TestServer};

#[tokio::test]
async fn health_reports_database_and_system() {
    let s = TestServer::start(Backend::Sqlite).unwrap();
    let (st, v) = s.call(Method::GET, "/health", None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["database"]["ok"], true);
    assert_eq!(v["database"]["backend"], "sqlite");
    assert!(v["uptime_s"].is_u64());
    for k in [
        "cpu_percent",
        "memory_used_bytes",
        "memory_total_bytes",
        "disk_free_bytes",
    ] {
        assert!(v["system"][k].is_number(), "{k}: {v}");
    }
    assert!(v["system"]["memory_total_bytes"].as_u64().unwrap() > 0);
    let text = v.to_string();
    assert!(
        !text.contains(s.data_dir().to_str().unwrap()),
        "no paths in /health"
    );
}

#[tokio::test]
async fn health_is_503_when_postgres_goes_away() {
    let Some(base) = xianyu_tests::postgres_base_url() else {
        return;
    };
    let s = TestServer::start(Backend::Postgres).unwrap();
    assert_eq!(
        s.call(Method::GET, "/health", None, None).await.1["database"]["backend"],
        "postgres"
    );
    let url = s.settings.database_url.clone().unwrap();
    xianyu_persistence::testing::drop_scratch_postgres_database(&base, &url);
    let (st, v) = s.call(Method::GET, "/health", None, None).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["database"]["ok"].as_bool()),
        (Some("degraded"), Some(false))
    );
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username":"admin","password":"whatever-pw"})),
        )
        .await;
    assert!(
        st == StatusCode::SERVICE_UNAVAILABLE,
        "no 500 when the database is gone: {st} {v}"
    );
    assert_eq!(v["error"]["code"], "database_unavailable");
}

#[tokio::test]
async fn static_pages_and_swagger_ui() {
    let s = TestServer::start(Backend::Sqlite).unwrap();
    let res = s.client.get(s.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.text().await.unwrap().contains("闲鱼自动回复"));
    for p in ["/docs/", "/docs/index.html"] {
        let res = s.client.get(s.url(p)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{p}");
        assert!(
            res.text().await.unwrap().to_lowercase().contains("swagger"),
            "{p}"
        );
    }
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = no_redirect.get(s.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(res.headers()["location"], "/docs/");
    let res = s
        .client
        .get(s.url("/docs/swagger-ui.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "Swagger UI assets are vendored, not fetched"
    );
}

#[tokio::test]
async fn openapi_document_matches_the_committed_file() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json"))
            .unwrap_or_default();
    let generated = xianyu_api::openapi::openapi_json();
    assert!(
        committed == generated,
        "docs/openapi.json is stale: run `cargo run -p xianyu-server -- openapi > docs/openapi.json`"
    );
    let s = TestServer::start(Backend::Sqlite).unwrap();
    let (st, served) = s.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(served, serde_json::from_str::<Value>(&generated).unwrap());
    for p in [
        "/api/v1/auth/login",
        "/api/v1/accounts/{id}/cookie",
        "/api/v1/users/{id}",
        "/health",
    ] {
        assert!(served["paths"].get(p).is_some(), "{p} documented");
    }
}

#[tokio::test]
async fn first_start_creates_admin_once() {
    let mut s = TestServer::start(Backend::Sqlite).unwrap();
    let file = s.data_dir().join("initial-admin-password");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.trim(), s.admin_password);
    assert!(s.admin_password.len() >= 16);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["initial-admin-password", "secret.key", "jwt.secret"] {
            let mode = std::fs::metadata(s.data_dir().join(f))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600, "{f}");
        }
    }
    let token = s.admin_token().await;
    s.call(
        Method::POST,
        "/api/v1/accounts",
        Some(&token),
        Some(serde_json::json!({"cookie": "unb=5; cookie2=x"})),
    )
    .await;
    s.restart();
    assert!(
        s.server.as_ref().unwrap().created_admin_password.is_none(),
        "no second admin"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let token = s.admin_token().await;
    let (_, v) = s
        .call(Method::GET, "/api/v1/accounts", Some(&token), None)
        .await;
    assert_eq!(
        v["items"][0]["xianyu_user_id"], "5",
        "data survives a restart"
    );
    let (_, old) = s
        .call(Method::GET, "/api/v1/auth/me", Some(&token), None)
        .await;
    assert_eq!(old["username"], "admin");
}

#[tokio::test]
async fn dashboard_assets_are_versioned_immutable_and_guarded() {
    let s = TestServer::start(Backend::Sqlite).unwrap();
    let res = s.client.get(s.url("/")).send().await.unwrap();
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    for directive in [
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    let html = res.text().await.unwrap();
    assert!(!html.contains("{{assets}}"), "placeholders are replaced");
    assert!(!html.contains("<script>"), "no inline scripts");
    let start = html.find("/assets/").expect("index links versioned assets");
    let version: String = html[start + 8..]
        .chars()
        .take_while(|c| *c != '/')
        .collect();
    assert_eq!(version.len(), 12, "{version}");
    let app = format!("/assets/{version}/app.js");

    let res = s
        .client
        .get(s.url(&app))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(h["content-type"], "text/javascript; charset=utf-8");
    assert!(h.contains_key("content-security-policy"));
    assert_eq!(h["content-encoding"], "gzip");
    assert_eq!(h["vary"], "accept-encoding");
    let gz = res.bytes().await.unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "a gzip stream");
    let plain = s.client.get(s.url(&app)).send().await.unwrap();
    assert!(
        plain.headers().get("content-encoding").is_none(),
        "no gzip unless accepted"
    );
    let plain = plain.bytes().await.unwrap();
    assert!(
        plain.len() > gz.len() && plain.starts_with(b"//"),
        "the module itself"
    );
    let etag = h["etag"].clone();
    let res = s
        .client
        .get(s.url(&app))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    let old = s
        .client
        .get(s.url("/assets/0123456789ab/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.status(),
        StatusCode::OK,
        "an old tab still gets the file"
    );
    assert_eq!(
        old.headers()["cache-control"],
        "no-cache",
        "but not cached under that name"
    );
    for missing in [
        "/assets/x/nope.js",
        "/assets/x/index.html",
        "/assets/x/../Cargo.toml",
    ] {
        let (st, v) = s.call(Method::GET, missing, None, None).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{missing}"
        );
    }
    let (_, h, _) = s.send(Method::GET, "/api/v1/auth/me", None, None).await;
    assert_eq!(
        h["x-content-type-options"], "nosniff",
        "API answers carry the headers too"
    );
}

#[tokio::test]
async fn error_codes_are_served_without_login() {
    let s = TestServer::start(Backend::Sqlite).unwrap();
    let (st, v) = s.call(Method::GET, "/api/v1/error-codes", None, None).await;
    assert_eq!(st, StatusCode::OK);
    let codes = v.as_array().unwrap();
    assert_eq!(codes.len(), xianyu_api::ErrorCode::ALL.len());
    let find = |c: &str| codes.iter().find(|e| e["code"] == c).cloned().unwrap();
    assert_eq!(find("account_not_found")["status"], 404);
    assert_eq!(find("rate_limited")["status"], 429);
    assert!(
        find("invalid_cell")["status"].is_null(),
        "per-row codes have no status"
    );
    assert!(
        codes
            .iter()
            .all(|c| c["meaning"].as_str().is_some_and(|m| !m.is_empty()))
    );
}

#[tokio::test]
async fn stats_today_counts_only_the_callers_accounts() {
    use xianyu_domain::{AccountId, MessageDirection, MessageLog, MessageRecord};
    let s = TestServer::start(Backend::Sqlite).unwrap();
    let admin = s.admin_token().await;
    let alice = s.user_token(&admin, "alice").await;
    let (st, a) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&alice),
            Some(serde_json::json!({"cookie": "unb=2201; cookie2=x", "enabled": false})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let now = chrono::Utc::now().timestamp_millis();
    s.store()
        .record_message(&MessageRecord {
            account: AccountId(a["id"].as_i64().unwrap()),
            cid: "c1".into(),
            message_id: Some("1.PNM".into()),
            peer_id: Some("2200".into()),
            peer_name: None,
            item_id: None,
            direction: MessageDirection::Buyer,
            text: "在吗".into(),
            at: now,
        })
        .unwrap();
    let (st, v) = s
        .call(Method::GET, "/api/v1/stats/today", Some(&alice), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["messages_received"], 1, "{v}");
    assert_eq!(v["timezone"], "Asia/Shanghai");
    assert_eq!(v["day"], xianyu_domain::clock::local_day(now).to_string());
    let (_, v) = s
        .call(Method::GET, "/api/v1/stats/today", Some(&admin), None)
        .await;
    assert_eq!(
        v["messages_received"], 0,
        "another user's messages do not count"
    );
    let (st, _) = s.call(Method::GET, "/api/v1/stats/today", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

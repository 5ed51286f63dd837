//! Bad input always gets the error envelope with a stable code, never a 500.
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::{Method, StatusCode};
use serde_json::Value;
use xianyu_domain::{SessionId, UserId};
use xianyu_tests::{TestServer, on_both_backends};

on_both_backends! {
    malformed_bodies => malformed_bodies;
    bad_tokens => bad_tokens;
}

/// method, path, content type, body, expected status, expected code
type Case = (
    Method,
    &'static str,
    &'static str,
    Vec<u8>,
    StatusCode,
    &'static str,
);

async fn raw(
    s: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut req = s
        .client
        .request(method, s.url(path))
        .header("content-type", content_type)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let st = res.status();
    (
        st,
        serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null),
    )
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no envelope>")
}

async fn malformed_bodies(s: TestServer) {
    let t = s.admin_token().await;
    let j = "application/json";
    let cases: Vec<Case> = vec![
        (
            Method::POST,
            "/api/v1/accounts",
            j,
            b"{\"cookie\":".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            Method::POST,
            "/api/v1/accounts",
            j,
            b"not json".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            Method::POST,
            "/api/v1/accounts",
            j,
            b"{\"cookie\":42}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            Method::POST,
            "/api/v1/accounts",
            j,
            b"{}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            Method::POST,
            "/api/v1/accounts",
            j,
            b"{\"cookie\":\"unb=1\",\"admin\":true}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            Method::POST,
            "/api/v1/accounts",
            "text/plain",
            b"unb=1".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            Method::POST,
            "/api/v1/accounts",
            j,
            format!("{{\"cookie\":\"{}\"}}", "a".repeat(70_000)).into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            Method::POST,
            "/api/v1/accounts",
            j,
            format!("{{\"cookie\":\"unb=1; x={}\"}}", "a".repeat(20_000)).into_bytes(),
            StatusCode::BAD_REQUEST,
            "invalid_cookie",
        ),
        (
            Method::PATCH,
            "/api/v1/accounts/1",
            j,
            b"{\"pause_minutes\":\"ten\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            Method::GET,
            "/api/v1/accounts/abc",
            j,
            vec![],
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            Method::GET,
            "/api/v1/accounts/99999999999999999999",
            j,
            vec![],
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            Method::GET,
            "/api/v1/accounts/-1",
            j,
            vec![],
            StatusCode::NOT_FOUND,
            "account_not_found",
        ),
        (
            Method::PATCH,
            "/api/v1/users/x",
            j,
            b"{}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            Method::GET,
            "/api/v1/accounts?limit=many",
            j,
            vec![],
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            Method::POST,
            "/api/v1/auth/login",
            j,
            b"[1,2]".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            Method::GET,
            "/api/v1/nothing-here",
            j,
            vec![],
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::PUT,
            "/api/v1/accounts/1/cookie",
            j,
            b"{\"cookie\":null}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ];
    for (m, p, ct, body, want_status, want_code) in cases {
        let (st, v) = raw(&s, m.clone(), p, Some(&t), ct, body).await;
        assert_eq!((st, code(&v)), (want_status, want_code), "{m} {p}: {v}");
        assert!(
            v["error"]["message"].is_string(),
            "{m} {p}: message present"
        );
    }
}

async fn bad_tokens(s: TestServer) {
    let t = s.admin_token().await;
    let mut tampered = t.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let jwt_secret = std::fs::read_to_string(s.data_dir().join("jwt.secret")).unwrap();
    let expired = xianyu_api::auth::JwtKeys::new(jwt_secret.trim().as_bytes())
        .issue(UserId(1), &session_of(&t), 1_000_000)
        .unwrap();
    let foreign = xianyu_api::auth::JwtKeys::new(&[7u8; 32])
        .issue(UserId(1), &session_of(&t), 4_000_000_000)
        .unwrap();
    for (tok, want) in [
        (tampered.as_str(), "invalid_token"),
        ("garbage", "invalid_token"),
        ("a.b.c", "invalid_token"),
        (expired.as_str(), "token_expired"),
        (foreign.as_str(), "invalid_token"),
    ] {
        let (st, v) = s
            .call(Method::GET, "/api/v1/accounts", Some(tok), None)
            .await;
        assert_eq!(
            (st, code(&v)),
            (StatusCode::UNAUTHORIZED, want),
            "token {tok}"
        );
    }
    let res = s
        .client
        .get(s.url("/api/v1/accounts"))
        .header("authorization", "Basic YWRtaW46eA==")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// The session id inside a token's claims (the middle part is base64url JSON).
fn session_of(token: &str) -> SessionId {
    use base64::Engine;
    let part = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap(),
    )
    .unwrap();
    SessionId(claims["sid"].as_str().unwrap().to_owned())
}

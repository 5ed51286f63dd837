//! Accounts API: CRUD, validation, tenant isolation, secrets never returned or logged.
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xianyu_tests::{TestServer, on_both_backends};

const SECRET: &str = "s3cr3t-cookie2-value-never-shown";

fn cookie(unb: &str) -> String {
    format!(
        "cookie2={SECRET}; unb={unb}; _m_h5_tk=0123456789abcdef0123456789abcdef_1700000000000; t=abc"
    )
}

on_both_backends! {
    account_crud => account_crud;
    tenant_isolation => tenant_isolation;
    pagination => pagination;
    list_shows_connection_details => list_shows_connection_details;
}

/// The list carries what the account page shows for each account: the state, the last error
/// and, while backing off, when the next attempt is due (no status call per account).
async fn list_shows_connection_details(s: TestServer) {
    let t = s.admin_token().await;
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": cookie("2219000000077")})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    // Test servers point the runner at a closed port: the connection fails and backs off.
    let listed = xianyu_tests::eventually(15, "backoff in the list", || async {
        let (_, v) = s
            .call(Method::GET, "/api/v1/accounts", Some(&t), None)
            .await;
        let a = v["items"][0].clone();
        (a["status"] == "backoff").then_some(a)
    })
    .await;
    assert!(
        listed["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{listed}"
    );
    assert!(listed["next_retry_at"].as_str().is_some(), "{listed}");
    assert!(listed["captcha_url"].is_null());
    assert!(!listed.to_string().contains(SECRET));
}

async fn account_crud(s: TestServer) {
    let t = s.admin_token().await;
    let (st, a) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": cookie("2219000000000"), "remark": " 主店 "})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["xianyu_user_id"], "2219000000000");
    assert_eq!(a["remark"], "主店");
    assert_eq!(
        (
            a["enabled"].as_bool(),
            a["auto_confirm"].as_bool(),
            a["pause_minutes"].as_i64()
        ),
        (Some(true), Some(true), Some(10))
    );
    assert_eq!(
        (a["status"].as_str(), a["cookie_set"].as_bool()),
        (Some("offline"), Some(true))
    );
    for k in ["id", "created_at", "updated_at"] {
        assert!(!a[k].is_null(), "{k}");
    }
    let id = a["id"].as_i64().unwrap();
    let path = format!("/api/v1/accounts/{id}");

    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": cookie("2219000000000")})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("account_exists"))
    );
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": "cookie2=x; t=y"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_cookie"))
    );
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": "unb=abc"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_cookie"))
    );
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": cookie("1"), "pause_minutes": 1441})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_pause_minutes"))
    );

    let (st, v) = s
        .call(Method::PATCH, &path, Some(&t), Some(json!({"enabled": false, "auto_confirm": false, "pause_minutes": 0, "remark": "备用"})))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["enabled"].as_bool(),
            v["auto_confirm"].as_bool(),
            v["pause_minutes"].as_i64()
        ),
        (Some(false), Some(false), Some(0))
    );
    assert_eq!(
        (v["status"].as_str(), v["remark"].as_str()),
        (Some("disabled"), Some("备用"))
    );
    let (st, v) = s
        .call(
            Method::PATCH,
            &path,
            Some(&t),
            Some(json!({"remark": "长".repeat(201)})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("remark_too_long"))
    );
    let (st, v) = s
        .call(
            Method::PATCH,
            &path,
            Some(&t),
            Some(json!({"pause_minutes": -1})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_pause_minutes"))
    );

    let cookie_path = format!("{path}/cookie");
    let (st, v) = s
        .call(
            Method::PUT,
            &cookie_path,
            Some(&t),
            Some(json!({"cookie": cookie("999")})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("cookie_account_mismatch")
        )
    );
    let (st, v) = s
        .call(
            Method::PUT,
            &cookie_path,
            Some(&t),
            Some(json!({"cookie": "no-unb=1"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_cookie"))
    );
    let (st, v) = s
        .call(
            Method::PUT,
            &cookie_path,
            Some(&t),
            Some(json!({"cookie": cookie("2219000000000")})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    let (st, v) = s.call(Method::GET, &path, Some(&t), None).await;
    assert_eq!((st, v["id"].as_i64()), (StatusCode::OK, Some(id)));
    let (st, _) = s.call(Method::DELETE, &path, Some(&t), None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, v) = s.call(Method::GET, &path, Some(&t), None).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("account_not_found"))
    );
}

async fn tenant_isolation(s: TestServer) {
    let admin = s.admin_token().await;
    let a = s.user_token(&admin, "usera").await;
    let b = s.user_token(&admin, "userb").await;
    let (_, acc) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&a),
            Some(json!({"cookie": cookie("100")})),
        )
        .await;
    let path = format!("/api/v1/accounts/{}", acc["id"]);

    let (st, v) = s
        .call(Method::GET, "/api/v1/accounts", Some(&b), None)
        .await;
    assert_eq!(
        (st, v["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    let missing = s
        .call(Method::GET, "/api/v1/accounts/987654", Some(&b), None)
        .await;
    for (m, p, body) in [
        (Method::GET, path.clone(), None),
        (
            Method::PATCH,
            path.clone(),
            Some(json!({"remark": "mine now"})),
        ),
        (
            Method::PUT,
            format!("{path}/cookie"),
            Some(json!({"cookie": cookie("100")})),
        ),
        (Method::DELETE, path.clone(), None),
    ] {
        let got = s.call(m.clone(), &p, Some(&b), body).await;
        assert_eq!(
            got, missing,
            "{m} {p}: another user's account answers exactly like a missing one"
        );
    }
    // the same Xianyu account may be added by user B independently
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&b),
            Some(json!({"cookie": cookie("100")})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, v) = s.call(Method::GET, &path, Some(&a), None).await;
    assert_eq!(
        (st, v["remark"].as_str()),
        (StatusCode::OK, Some("")),
        "A's account is untouched"
    );
    let (_, list) = s
        .call(Method::GET, "/api/v1/accounts", Some(&admin), None)
        .await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "admins see only their own accounts here"
    );
}

async fn pagination(s: TestServer) {
    let t = s.admin_token().await;
    for unb in ["11", "12", "13"] {
        s.call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": cookie(unb)})),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor
            .as_deref()
            .map_or(String::new(), |c| format!("&cursor={c}"));
        let (st, v) = s
            .call(
                Method::GET,
                &format!("/api/v1/accounts?limit=2{q}"),
                Some(&t),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::OK);
        seen.extend(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["xianyu_user_id"].as_str().unwrap().to_owned()),
        );
        match &v["next_cursor"] {
            Value::String(c) => cursor = Some(c.clone()),
            _ => break,
        }
    }
    assert_eq!(seen, ["11", "12", "13"]);
    let (st, v) = s
        .call(Method::GET, "/api/v1/accounts?limit=0", Some(&t), None)
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );
    let (st, v) = s
        .call(Method::GET, "/api/v1/accounts?cursor=zz", Some(&t), None)
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_cursor"))
    );
}

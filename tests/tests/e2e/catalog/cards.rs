//! Cards: validation codes, masked header values, stock lines, tenant scoping.

use crate::catalog::{api, direct_store, fails, user_id};
use reqwest::{Method, StatusCode};
use serde_json::json;
use xianyu_domain::delivery::{CardId, CardKind};
use xianyu_tests::TestServer;
pub async fn cards_and_stock(s: TestServer) {
    let a = s.admin_token().await;
    let b = s.user_token(&a, "bob").await;

    // validation on save, with the domain's codes
    let text = json!({"type": "text", "text": "hi"});
    for (body, code) in [
        (
            json!({"name": "x", "body": text, "message_template": "{coupon} {content}"}),
            "unknown_placeholder",
        ),
        (
            json!({"name": "x", "body": text, "message_template": "no content"}),
            "message_without_content",
        ),
        (
            json!({"name": "x", "body": text, "delay_secs": 3601}),
            "invalid_delay",
        ),
        (
            json!({"name": "x", "body": text, "delay_secs": -1}),
            "invalid_delay",
        ),
        (json!({"name": " ", "body": text}), "invalid_card_name"),
        (
            json!({"name": "x", "body": {"type": "text", "text": ""}}),
            "invalid_card_text",
        ),
        (
            json!({"name": "x", "body": {"type": "http_fetch", "url": "ftp://keys.example/k"}}),
            "invalid_url",
        ),
        (
            json!({"name": "x", "body": {"type": "http_fetch", "url": "https://keys.example/k", "timeout_secs": 0}}),
            "invalid_timeout",
        ),
        (
            json!({"name": "x", "body": {"type": "http_fetch", "url": "https://keys.example/k", "method": "POST", "body_template": "{content}"}}),
            "content_in_body",
        ),
        (
            json!({"name": "x", "body": {"type": "http_fetch", "url": "https://keys.example/k", "headers": [{"name": "X-Key", "value": "***"}]}}),
            "invalid_header",
        ),
        (
            json!({"name": "x", "body": {"type": "telepathy"}}),
            "invalid_request",
        ),
        (
            json!({"name": "x", "body": text, "colour": "red"}),
            "invalid_request",
        ),
    ] {
        fails(
            &s,
            &a,
            Method::POST,
            "/api/v1/cards",
            Some(body),
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }
    let max_delay = json!({"name": "慢", "body": text, "delay_secs": 3600, "message_template": "您的卡密：{content}（订单 {order_id}）"});
    let slow = api(
        &s,
        &a,
        Method::POST,
        "/api/v1/cards",
        Some(max_delay),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (slow["kind"].as_str(), slow["delay_secs"].as_u64()),
        (Some("text"), Some(3600))
    );
    assert!(slow["stock"].is_null());

    // HTTP-fetch header values are secrets: masked in every answer, kept on "***"
    let secret = "Bearer sk-SECRET-4242";
    let fetch = json!({"name": "接口", "body": {"type": "http_fetch", "url": "https://keys.example/api",
        "headers": [{"name": "Authorization", "value": secret}, {"name": "X-Shop", "value": "shop-1"}], "json_path": "data.code"}});
    let card = api(
        &s,
        &a,
        Method::POST,
        "/api/v1/cards",
        Some(fetch),
        StatusCode::CREATED,
    )
    .await;
    let fid = card["id"].as_i64().unwrap();
    assert_eq!(
        card["body"]["headers"],
        json!([{"name": "Authorization", "value": "***"}, {"name": "X-Shop", "value": "***"}])
    );
    assert_eq!(
        (
            card["body"]["method"].as_str(),
            card["body"]["timeout_secs"].as_u64()
        ),
        (Some("GET"), Some(10))
    );
    let path = format!("/api/v1/cards/{fid}");
    let patch = json!({"body": {"type": "http_fetch", "url": "https://keys.example/v2",
        "headers": [{"name": "authorization", "value": "***"}, {"name": "X-Shop", "value": "shop-2"}]}});
    let patched = api(&s, &a, Method::PATCH, &path, Some(patch), StatusCode::OK).await;
    assert_eq!(patched["body"]["url"], "https://keys.example/v2");
    let renamed = api(
        &s,
        &a,
        Method::PATCH,
        &path,
        Some(json!({"name": "接口二"})),
        StatusCode::OK,
    )
    .await;
    let list = api(&s, &a, Method::GET, "/api/v1/cards", None, StatusCode::OK).await;
    for v in [
        &card,
        &patched,
        &renamed,
        &list,
        &api(&s, &a, Method::GET, &path, None, StatusCode::OK).await,
    ] {
        assert!(!v.to_string().contains("sk-SECRET"), "secret leaked: {v}");
    }
    let bad = json!({"body": {"type": "http_fetch", "url": "https://keys.example/v2", "headers": [{"name": "X-Other", "value": "***"}]}});
    fails(
        &s,
        &a,
        Method::PATCH,
        &path,
        Some(bad),
        StatusCode::BAD_REQUEST,
        "invalid_header",
    )
    .await;
    let store = direct_store(&s);
    let uid = user_id(&s, &a).await;
    let stored = store.get_card(uid, CardId(fid)).unwrap().card;
    let CardKind::HttpFetch(spec) = &stored.kind else {
        panic!("{stored:?}")
    };
    assert_eq!(
        spec.headers,
        vec![
            ("authorization".into(), secret.into()),
            ("X-Shop".into(), "shop-2".into())
        ]
    );
    assert_eq!(stored.name, "接口二");
    // the template can be removed with null
    let slow_path = format!("/api/v1/cards/{}", slow["id"]);
    let v = api(
        &s,
        &a,
        Method::PATCH,
        &slow_path,
        Some(json!({"message_template": null})),
        StatusCode::OK,
    )
    .await;
    assert!(v["message_template"].is_null(), "{v}");

    // stock lines: append (more than the API-wide 64 KB body), count, list, delete
    let stock = api(
        &s,
        &a,
        Method::POST,
        "/api/v1/cards",
        Some(json!({"name": "库存", "body": {"type": "stock", "low_stock_threshold": 2}})),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        stock["stock"],
        json!({"total": 0, "available": 0, "consumed": 0})
    );
    let sp = format!("/api/v1/cards/{}/stock", stock["id"]);
    let added = api(
        &s,
        &a,
        Method::POST,
        &sp,
        Some(json!({"lines": "A-1\n\n  B-2  \nC-3\n"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(added, json!({"added": 3, "available": 3}));
    let many: Vec<String> = (1..=10_000).map(|i| format!("KEY-{i:05}")).collect();
    let v = api(
        &s,
        &a,
        Method::POST,
        &sp,
        Some(json!({"lines": many.join("\n")})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(v, json!({"added": 10_000, "available": 10_003}));
    let too_many = format!("{}\nONE-MORE", many.join("\n"));
    fails(
        &s,
        &a,
        Method::POST,
        &sp,
        Some(json!({"lines": too_many})),
        StatusCode::BAD_REQUEST,
        "too_many_stock_lines",
    )
    .await;
    fails(
        &s,
        &a,
        Method::POST,
        &sp,
        Some(json!({"lines": " \n\n"})),
        StatusCode::BAD_REQUEST,
        "no_stock_lines",
    )
    .await;
    fails(
        &s,
        &a,
        Method::POST,
        &sp,
        Some(json!({"lines": format!("ok\n{}", "x".repeat(4001))})),
        StatusCode::BAD_REQUEST,
        "stock_line_too_long",
    )
    .await;
    let counts = api(&s, &a, Method::GET, &sp, None, StatusCode::OK).await;
    assert_eq!(
        (
            counts["total"].as_u64(),
            counts["available"].as_u64(),
            counts["consumed"].as_u64()
        ),
        (Some(10_003), Some(10_003), Some(0))
    );
    assert!(counts["lines"].is_null(), "lines only when asked: {counts}");
    let page = api(
        &s,
        &a,
        Method::GET,
        &format!("{sp}?lines=true&limit=2"),
        None,
        StatusCode::OK,
    )
    .await;
    let lines: Vec<&str> = page["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_str().unwrap())
        .collect();
    assert_eq!(lines, ["A-1", "B-2"]);
    let next = page["next_cursor"].as_str().unwrap();
    let page2 = api(
        &s,
        &a,
        Method::GET,
        &format!("{sp}?lines=true&limit=2&cursor={next}"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page2["lines"][0]["line"], "C-3");
    assert_eq!(page2["lines"][1]["line"], "KEY-00001");
    let first = page["lines"][0]["id"].as_i64().unwrap();
    api(
        &s,
        &a,
        Method::DELETE,
        &format!("{sp}/{first}"),
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
    fails(
        &s,
        &a,
        Method::DELETE,
        &format!("{sp}/{first}"),
        None,
        StatusCode::NOT_FOUND,
        "stock_line_not_found",
    )
    .await;
    let shown = api(
        &s,
        &a,
        Method::GET,
        &format!("/api/v1/cards/{}", stock["id"]),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            shown["stock"]["available"].as_u64(),
            shown["stock"]["total"].as_u64()
        ),
        (Some(10_002), Some(10_002))
    );
    assert!(
        !shown.to_string().contains("B-2"),
        "card answers never carry lines"
    );
    fails(
        &s,
        &a,
        Method::POST,
        &format!("/api/v1/cards/{fid}/stock"),
        Some(json!({"lines": "x"})),
        StatusCode::CONFLICT,
        "not_a_stock_card",
    )
    .await;
    // changing the kind away from stock keeps the lines
    let v = api(
        &s,
        &a,
        Method::PATCH,
        &format!("/api/v1/cards/{}", stock["id"]),
        Some(json!({"body": {"type": "text", "text": "售罄"}})),
        StatusCode::OK,
    )
    .await;
    assert!(v["stock"].is_null());
    assert_eq!(
        api(&s, &a, Method::GET, &sp, None, StatusCode::OK).await["available"],
        10_002
    );

    // another user's card answers like a missing one
    let second = page["lines"][1]["id"].as_i64().unwrap();
    for (m, p, body) in [
        (Method::GET, path.clone(), None),
        (Method::PATCH, path.clone(), Some(json!({"name": "mine"}))),
        (Method::DELETE, path.clone(), None),
        (Method::GET, sp.clone(), None),
        (Method::POST, sp.clone(), Some(json!({"lines": "x"}))),
        (Method::DELETE, format!("{sp}/{second}"), None),
    ] {
        fails(&s, &b, m, &p, body, StatusCode::NOT_FOUND, "card_not_found").await;
    }
    let bobs = api(&s, &b, Method::GET, "/api/v1/cards", None, StatusCode::OK).await;
    assert_eq!(bobs["items"], json!([]));
    let v = api(
        &s,
        &a,
        Method::GET,
        "/api/v1/cards?limit=2",
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert!(v["next_cursor"].is_string());
    api(&s, &a, Method::DELETE, &path, None, StatusCode::NO_CONTENT).await;
    fails(
        &s,
        &a,
        Method::GET,
        &path,
        None,
        StatusCode::NOT_FOUND,
        "card_not_found",
    )
    .await;
}

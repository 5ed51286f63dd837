//! Delivery rules: validation codes, the caller's cards only, tenant scoping.

use crate::catalog::{api, fails, text_card};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xianyu_tests::TestServer;
pub async fn delivery_rules(s: TestServer) {
    let a = s.admin_token().await;
    let b = s.user_token(&a, "bob").await;
    let card = api(
        &s,
        &a,
        Method::POST,
        "/api/v1/cards",
        Some(text_card("卡", "CODE")),
        StatusCode::CREATED,
    )
    .await["id"]
        .clone();
    let bobs_card = api(
        &s,
        &b,
        Method::POST,
        "/api/v1/cards",
        Some(text_card("卡", "B")),
        StatusCode::CREATED,
    )
    .await["id"]
        .clone();

    let rule = |extra: Value| {
        let mut r = json!({"match_kind": "keyword", "match_value": "激活码", "card_id": card});
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        r
    };
    for (body, status, code) in [
        (
            rule(json!({"card_id": bobs_card})),
            StatusCode::NOT_FOUND,
            "card_not_found",
        ),
        (
            rule(json!({"card_id": 999_999})),
            StatusCode::NOT_FOUND,
            "card_not_found",
        ),
        (
            rule(json!({"units_per_order": 0})),
            StatusCode::BAD_REQUEST,
            "invalid_units_per_order",
        ),
        (
            rule(json!({"units_per_order": 101})),
            StatusCode::BAD_REQUEST,
            "invalid_units_per_order",
        ),
        (
            rule(json!({"match_value": "  "})),
            StatusCode::BAD_REQUEST,
            "invalid_item_match",
        ),
        (
            rule(json!({"spec": {"name": "套餐", "value": " "}})),
            StatusCode::BAD_REQUEST,
            "invalid_spec",
        ),
        (
            rule(json!({"remark": "长".repeat(201)})),
            StatusCode::BAD_REQUEST,
            "remark_too_long",
        ),
        (
            rule(json!({"match_kind": "title"})),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            rule(json!({"spec": {"name": "套餐"}})),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ] {
        fails(
            &s,
            &a,
            Method::POST,
            "/api/v1/delivery-rules",
            Some(body),
            status,
            code,
        )
        .await;
    }
    let r = api(
        &s,
        &a,
        Method::POST,
        "/api/v1/delivery-rules",
        Some(rule(json!({"remark": "主规则"}))),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (
            r["units_per_order"].as_u64(),
            r["enabled"].as_bool(),
            r["spec"].is_null()
        ),
        (Some(1), Some(true), true)
    );
    let rp = format!("/api/v1/delivery-rules/{}", r["id"]);
    let v = api(&s, &a, Method::PATCH, &rp, Some(json!({"units_per_order": 3, "spec": {"name": "套餐", "value": "年卡"}, "enabled": false})), StatusCode::OK).await;
    assert_eq!(
        (
            v["units_per_order"].as_u64(),
            v["spec"]["value"].as_str(),
            v["enabled"].as_bool()
        ),
        (Some(3), Some("年卡"), Some(false))
    );
    assert_eq!(
        (v["match_value"].as_str(), v["remark"].as_str()),
        (Some("激活码"), Some("主规则"))
    );
    let v = api(
        &s,
        &a,
        Method::PATCH,
        &rp,
        Some(json!({"spec": null})),
        StatusCode::OK,
    )
    .await;
    assert!(v["spec"].is_null() && v["units_per_order"] == 3, "{v}");
    fails(
        &s,
        &a,
        Method::PATCH,
        &rp,
        Some(json!({"card_id": bobs_card})),
        StatusCode::NOT_FOUND,
        "card_not_found",
    )
    .await;
    fails(
        &s,
        &a,
        Method::PATCH,
        &rp,
        Some(json!({"units_per_order": 1000})),
        StatusCode::BAD_REQUEST,
        "invalid_units_per_order",
    )
    .await;
    assert_eq!(
        api(&s, &a, Method::GET, &rp, None, StatusCode::OK).await["card_id"],
        card
    );
    let list = api(
        &s,
        &a,
        Method::GET,
        "/api/v1/delivery-rules",
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // another user's rule is not found; their list is their own
    for (m, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"enabled": true}))),
        (Method::DELETE, None),
    ] {
        fails(
            &s,
            &b,
            m,
            &rp,
            body,
            StatusCode::NOT_FOUND,
            "delivery_rule_not_found",
        )
        .await;
    }
    assert_eq!(
        api(
            &s,
            &b,
            Method::GET,
            "/api/v1/delivery-rules",
            None,
            StatusCode::OK
        )
        .await["items"],
        json!([])
    );

    // a card in use cannot be deleted
    let cp = format!("/api/v1/cards/{card}");
    fails(
        &s,
        &a,
        Method::DELETE,
        &cp,
        None,
        StatusCode::CONFLICT,
        "card_in_use",
    )
    .await;
    api(&s, &a, Method::DELETE, &rp, None, StatusCode::NO_CONTENT).await;
    fails(
        &s,
        &a,
        Method::DELETE,
        &rp,
        None,
        StatusCode::NOT_FOUND,
        "delivery_rule_not_found",
    )
    .await;
    api(&s, &a, Method::DELETE, &cp, None, StatusCode::NO_CONTENT).await;
}

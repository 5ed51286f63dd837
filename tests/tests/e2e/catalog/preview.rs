//! The delivery preview: unique rule, spec-specific rule, no rule, ambiguous, other users.

use super::items::{account, snapshot};
use crate::catalog::{api, direct_store, fails, text_card, user_id};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xianyu_domain::AccountId;
use xianyu_tests::TestServer;
pub async fn preview(s: TestServer) {
    let a = s.admin_token().await;
    let b = s.user_token(&a, "bob").await;
    let acc = account(&s, &a, "7001", false).await;
    let base = format!("/api/v1/accounts/{acc}");
    let store = direct_store(&s);
    let uid = user_id(&s, &a).await;
    let items = [
        snapshot("100", "王者荣耀 点券 VIP"),
        snapshot("200", "Office 激活码"),
        snapshot("300", "Steam 充值卡"),
    ];
    assert_eq!(
        store
            .upsert_synced_items(uid, AccountId(acc), &items)
            .unwrap(),
        3
    );

    api(
        &s,
        &a,
        Method::PATCH,
        &format!("{base}/items/200"),
        Some(json!({"description": "永久 密钥，自动发货"})),
        StatusCode::OK,
    )
    .await;
    // rules and cards of both users
    let card = |t: &str, name: &str| {
        let (s, t, name) = (&s, t.to_owned(), name.to_owned());
        async move {
            api(
                s,
                &t,
                Method::POST,
                "/api/v1/cards",
                Some(text_card(&name, "X")),
                StatusCode::CREATED,
            )
            .await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let (c1, c2, c3, cb) = (
        card(&a, "点券卡").await,
        card(&a, "年卡").await,
        card(&a, "密钥卡").await,
        card(&b, "B 卡").await,
    );
    let rule = |t: &str, body: Value| {
        let (s, t) = (&s, t.to_owned());
        async move {
            api(
                s,
                &t,
                Method::POST,
                "/api/v1/delivery-rules",
                Some(body),
                StatusCode::CREATED,
            )
            .await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let r1 = rule(
        &a,
        json!({"match_kind": "item_id", "match_value": "100", "card_id": c1, "units_per_order": 2}),
    )
    .await;
    let r2 = rule(&a, json!({"match_kind": "item_id", "match_value": "100", "card_id": c2, "spec": {"name": "套餐", "value": "年卡"}})).await;
    let r3 = rule(
        &a,
        json!({"match_kind": "keyword", "match_value": "永久", "card_id": c3}),
    )
    .await;
    let r4 = rule(
        &a,
        json!({"match_kind": "keyword", "match_value": "密钥", "card_id": c3}),
    )
    .await;
    let r5 = rule(
        &a,
        json!({"match_kind": "keyword", "match_value": "充值卡", "card_id": c1}),
    )
    .await;
    rule(
        &b,
        json!({"match_kind": "keyword", "match_value": "充值卡", "card_id": cb}),
    )
    .await;
    rule(
        &b,
        json!({"match_kind": "keyword", "match_value": "VIP", "card_id": cb}),
    )
    .await;

    let preview = |body: Value| {
        let (s, a, path) = (&s, a.clone(), format!("{base}/delivery/preview"));
        async move { api(s, &a, Method::POST, &path, Some(body), StatusCode::OK).await }
    };
    // unique rule, with units
    let v = preview(json!({"item_id": "100"})).await;
    assert_eq!(
        (
            v["rule"]["id"].as_i64(),
            v["card"]["id"].as_i64(),
            v["card"]["kind"].as_str()
        ),
        (Some(r1), Some(c1), Some("text"))
    );
    assert_eq!(
        (
            v["units"].as_u64(),
            v["reason"].is_null(),
            v["candidates"].clone()
        ),
        (Some(2), true, json!([r1]))
    );
    assert_eq!(
        v["item"],
        json!({"known": true, "title": "王者荣耀 点券 VIP"})
    );
    // the spec-specific rule beats the spec-less one; another spec falls back to it
    let v = preview(json!({"item_id": "100", "spec": {"name": "套餐", "value": "年卡"}})).await;
    assert_eq!(
        (
            v["rule"]["id"].as_i64(),
            v["card"]["name"].as_str(),
            v["units"].as_u64()
        ),
        (Some(r2), Some("年卡"), Some(1))
    );
    let v = preview(
        json!({"item_id": "100", "spec": {"name": "套餐", "value": "月卡"}, "quantity": 3}),
    )
    .await;
    assert_eq!(
        (v["rule"]["id"].as_i64(), v["units"].as_u64()),
        (Some(r1), Some(2))
    );
    // multi-quantity delivery multiplies by the quantity
    api(
        &s,
        &a,
        Method::PATCH,
        &format!("{base}/items/100"),
        Some(json!({"multi_quantity_delivery": true})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        preview(json!({"item_id": "100", "quantity": 3})).await["units"],
        6
    );
    // no rule, for an unknown item
    let v = preview(json!({"item_id": "999"})).await;
    assert_eq!(
        (
            v["reason"].as_str(),
            v["rule"].is_null(),
            v["card"].is_null(),
            v["units"].as_u64()
        ),
        (Some("no_rule"), true, true, Some(0))
    );
    assert_eq!(
        (v["item"]["known"].as_bool(), v["candidates"].clone()),
        (Some(false), json!([]))
    );
    // two keyword rules match the local description: ambiguous
    let v = preview(json!({"item_id": "200"})).await;
    assert_eq!(
        (
            v["reason"].as_str(),
            v["candidates"].clone(),
            v["rule"].is_null()
        ),
        (Some("ambiguous"), json!([r3, r4]), true)
    );
    // bob's identical keyword is never chosen for this user's order
    let v = preview(json!({"item_id": "300"})).await;
    assert_eq!(
        (v["rule"]["id"].as_i64(), v["candidates"].clone()),
        (Some(r5), json!([r5]))
    );
    api(
        &s,
        &a,
        Method::PATCH,
        &format!("/api/v1/delivery-rules/{r5}"),
        Some(json!({"enabled": false})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        preview(json!({"item_id": "300"})).await["reason"],
        "no_rule"
    );
    fails(
        &s,
        &b,
        Method::POST,
        &format!("{base}/delivery/preview"),
        Some(json!({"item_id": "300"})),
        StatusCode::NOT_FOUND,
        "account_not_found",
    )
    .await;
    fails(
        &s,
        &a,
        Method::POST,
        &format!("{base}/delivery/preview"),
        Some(json!({"item": "300"})),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
}

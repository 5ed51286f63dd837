//! Automatic-reply rules through the API: validation on save, tenant scoping, and the preview
//! that explains which rule fires for each precedence level.
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xianyu_tests::{TestServer, on_both_backends};

on_both_backends! {
    rules_and_preview => rules_and_preview;
}

fn text(t: &str) -> Value {
    json!({"type": "text", "text": t})
}

async fn preview(s: &TestServer, t: &str, base: &str, message: &str, item: Option<&str>) -> Value {
    let (st, v) = s
        .call(Method::POST, &format!("{base}/replies/preview"), Some(t), Some(json!({"message": message, "item_id": item, "buyer_name": "小王", "buyer_id": "2200000000009"})))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v
}

fn level(v: &Value) -> String {
    v["fired"]["level"].as_str().unwrap_or("none").to_owned()
}

async fn rules_and_preview(s: TestServer) {
    let t = s.admin_token().await;
    let (_, acc) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": "unb=77; cookie2=x", "remark": "小店"})),
        )
        .await;
    let base = format!("/api/v1/accounts/{}", acc["id"]);

    // validation on save
    for (body, code) in [
        (
            json!({"keywords": ["价格"], "reply": text("{price}")}),
            "unknown_placeholder",
        ),
        (json!({"keywords": [], "reply": text("hi")}), "no_keywords"),
        (
            json!({"keywords": ["a{100000}{100000}"], "mode": "regex", "reply": text("x")}),
            "regex_too_large",
        ),
        (
            json!({"keywords": ["(unclosed"], "mode": "regex", "reply": text("x")}),
            "invalid_regex",
        ),
        (
            json!({"keywords": ["x"], "reply": {"type": "image"}}),
            "invalid_reply",
        ),
    ] {
        let (st, v) = s
            .call(
                Method::POST,
                &format!("{base}/keyword-rules"),
                Some(&t),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{body}: {v}"
        );
    }

    // rules for every level
    let (st, general) = s
        .call(Method::POST, &format!("{base}/keyword-rules"), Some(&t), Some(json!({"keywords": ["价格", "多少钱"], "reply": text("{buyer_name}，{{价格}}请看详情")}))).await;
    assert_eq!(st, StatusCode::CREATED, "{general}");
    let (st, bulk) = s
        .call(
            Method::POST,
            &format!("{base}/keyword-rules/bulk"),
            Some(&t),
            Some(json!({"rules": [
                {"keywords": ["价格"], "item_id": "900000000001", "reply": text("这件{item_id}的价格是固定的")},
                {"keywords": ["砍价"], "reply": {"type": "silent"}},
                {"keywords": ["ＡＢＣ"], "reply": text("全角也能匹配"), "priority": 5}
            ]})),
        )
        .await;
    assert_eq!(
        (st, bulk.as_array().map(Vec::len)),
        (StatusCode::CREATED, Some(3)),
        "{bulk}"
    );
    s.call(
        Method::POST,
        &format!("{base}/item-replies"),
        Some(&t),
        Some(json!({"item_id": "900000000002", "reply": text("这件商品请直接拍")})),
    )
    .await;
    let (st, dup) = s
        .call(
            Method::POST,
            &format!("{base}/item-replies"),
            Some(&t),
            Some(json!({"item_id": "900000000002", "reply": text("again")})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "one item reply per item: {dup}");
    s.call(
        Method::POST,
        &format!("{base}/default-replies"),
        Some(&t),
        Some(json!({"item_id": "900000000003", "reply": text("商品默认回复")})),
    )
    .await;
    let (st, d) = s
        .call(
            Method::POST,
            &format!("{base}/default-replies"),
            Some(&t),
            Some(
                json!({"reply": text("你好，{account_remark}在线"), "once_per_conversation": true}),
            ),
        )
        .await;
    assert_eq!(
        (st, d["once_per_conversation"].as_bool()),
        (StatusCode::CREATED, Some(true))
    );

    // each level wins where it should
    let p = preview(&s, &t, &base, "多少钱呀", None).await;
    assert_eq!(level(&p), "general_keyword");
    assert_eq!(p["reply"]["text"], "小王，{价格}请看详情", "{p}");
    assert!(
        p["explanation"]
            .as_str()
            .unwrap()
            .contains("general_keyword")
            || !p["steps"].as_array().unwrap().is_empty()
    );
    assert_eq!(
        level(&preview(&s, &t, &base, "价格呢", Some("900000000001")).await),
        "item_keyword"
    );
    assert_eq!(
        level(&preview(&s, &t, &base, "价格呢", Some("900000000002")).await),
        "item_reply"
    );
    assert_eq!(
        level(&preview(&s, &t, &base, "你好", Some("900000000003")).await),
        "item_default"
    );
    let p = preview(&s, &t, &base, "你好", None).await;
    assert_eq!(
        (level(&p), p["reply"]["text"].as_str()),
        ("account_default".into(), Some("你好，小店在线"))
    );
    let p = preview(&s, &t, &base, "可以砍价吗", None).await;
    assert_eq!(
        (level(&p), p["reply"].clone()),
        ("general_keyword".into(), Value::Null),
        "silent rule: {p}"
    );
    assert_eq!(
        level(&preview(&s, &t, &base, "abc", None).await),
        "general_keyword",
        "full-width keyword, half-width message"
    );
    assert_eq!(
        preview(&s, &t, &base, "[你已发货]", None).await["reply"],
        Value::Null,
        "system texts are not answered"
    );

    // settings: blacklist and quiet hours gate everything
    let (st, v) = s
        .call(
            Method::PUT,
            &format!("{base}/reply-settings"),
            Some(&t),
            Some(json!({"blacklist": ["2200000000009"], "min_interval_secs": 30})),
        )
        .await;
    assert_eq!(
        (st, v["blacklist"][0].as_str()),
        (StatusCode::OK, Some("2200000000009"))
    );
    assert_eq!(
        preview(&s, &t, &base, "价格", None).await["reply"],
        Value::Null,
        "blacklisted buyer"
    );
    let (st, v) = s
        .call(
            Method::PUT,
            &format!("{base}/reply-settings"),
            Some(&t),
            Some(json!({"quiet_hours": {"start": "25:00", "end": "08:00"}})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_quiet_hours"))
    );
    s.call(
        Method::PUT,
        &format!("{base}/reply-settings"),
        Some(&t),
        Some(json!({})),
    )
    .await;

    // priorities, update, delete
    let ids: Vec<i64> = bulk
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let (st, v) = s
        .call(
            Method::PUT,
            &format!("{base}/keyword-rules/priority"),
            Some(&t),
            Some(json!({"ids": [ids[1], ids[0]]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let pr = |id: i64| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["priority"]
            .as_i64()
            .unwrap()
    };
    assert!(pr(ids[1]) > pr(ids[0]));
    let gid = general["id"].as_i64().unwrap();
    let (st, v) = s
        .call(
            Method::PUT,
            &format!("{base}/keyword-rules/{gid}"),
            Some(&t),
            Some(json!({"keywords": ["价钱"], "reply": text("改了")})),
        )
        .await;
    assert_eq!(
        (st, v["keywords"][0].as_str()),
        (StatusCode::OK, Some("价钱"))
    );
    assert_eq!(
        s.call(
            Method::DELETE,
            &format!("{base}/keyword-rules/{gid}"),
            Some(&t),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call(
            Method::DELETE,
            &format!("{base}/keyword-rules/{gid}"),
            Some(&t),
            None
        )
        .await
        .1["error"]["code"],
        "rule_not_found"
    );
    let (_, v) = s
        .call(
            Method::POST,
            &format!("{base}/keyword-rules/bulk-delete"),
            Some(&t),
            Some(json!({"ids": []})),
        )
        .await;
    assert_eq!(v["deleted"], 3);
    let (_, v) = s
        .call(
            Method::DELETE,
            &format!("{base}/reply-memory"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(v["cleared"], 0);

    // another user sees none of it
    let other = s.user_token(&t, "someone").await;
    for (m, p) in [
        (Method::GET, "keyword-rules"),
        (Method::GET, "reply-settings"),
        (Method::GET, "default-replies"),
    ] {
        let (st, v) = s.call(m, &format!("{base}/{p}"), Some(&other), None).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("account_not_found")),
            "{p}"
        );
    }
    let (st, _) = s
        .call(
            Method::POST,
            &format!("{base}/replies/preview"),
            Some(&other),
            Some(json!({"message": "价格"})),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

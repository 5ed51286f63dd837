//! Items: list, filters, edits, scoping; sync and detail against the simulator.

use crate::catalog::{api, direct_store, fails, user_id};
use reqwest::{Method, StatusCode};
use serde_json::json;
use xianyu_domain::AccountId;
use xianyu_tests::{Backend, TestServer, eventually, sim_call, sim_seller};
/// Creates an account through the API; returns its id.
pub async fn account(s: &TestServer, t: &str, unb: &str, enabled: bool) -> i64 {
    let body = json!({"cookie": format!("unb={unb}; cookie2=x"), "enabled": enabled});
    api(
        s,
        t,
        Method::POST,
        "/api/v1/accounts",
        Some(body),
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// An item as the item list shows it.
pub fn snapshot(id: &str, title: &str) -> xianyu_domain::delivery::ItemSnapshot {
    xianyu_domain::delivery::ItemSnapshot {
        item_id: id.into(),
        title: title.into(),
        price_fen: Some(1990),
        status: "0".into(),
        pic_url: None,
    }
}

pub async fn items(s: TestServer) {
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

    // item list, filters, edits
    let all = api(
        &s,
        &a,
        Method::GET,
        &format!("{base}/items"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    assert_eq!(all["items"][0]["source"], "sync");
    let v = api(
        &s,
        &a,
        Method::PATCH,
        &format!("{base}/items/200"),
        Some(json!({"description": "永久 密钥，自动发货", "multi_spec": true})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (v["description"].as_str(), v["multi_spec"].as_bool()),
        (Some("永久 密钥，自动发货"), Some(true))
    );
    let q = |query: &str| format!("{base}/items?{query}");
    for (query, ids) in [
        ("q=vip", vec!["100"]),
        ("q=%E5%AF%86%E9%92%A5", vec!["200"]),
        ("multi_spec=true", vec!["200"]),
        ("multi_spec=false&q=s", vec!["300"]),
    ] {
        let v = api(&s, &a, Method::GET, &q(query), None, StatusCode::OK).await;
        let got: Vec<&str> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["item_id"].as_str().unwrap())
            .collect();
        assert_eq!(got, ids, "{query}");
    }
    let p1 = api(&s, &a, Method::GET, &q("limit=2"), None, StatusCode::OK).await;
    let p2 = api(
        &s,
        &a,
        Method::GET,
        &q(&format!(
            "limit=2&cursor={}",
            p1["next_cursor"].as_str().unwrap()
        )),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            p2["items"][0]["item_id"].as_str(),
            p2["next_cursor"].is_null()
        ),
        (Some("300"), true)
    );
    // a sync keeps the local description and flags
    store
        .upsert_synced_items(
            uid,
            AccountId(acc),
            &[snapshot("200", "Office 2024 激活码")],
        )
        .unwrap();
    let v = api(
        &s,
        &a,
        Method::GET,
        &format!("{base}/items/200"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            v["title"].as_str(),
            v["description"].as_str(),
            v["multi_spec"].as_bool()
        ),
        (
            Some("Office 2024 激活码"),
            Some("永久 密钥，自动发货"),
            Some(true)
        )
    );
    fails(
        &s,
        &a,
        Method::PATCH,
        &format!("{base}/items/200"),
        Some(json!({"description": "长".repeat(10_001)})),
        StatusCode::BAD_REQUEST,
        "description_too_long",
    )
    .await;
    fails(
        &s,
        &a,
        Method::PATCH,
        &format!("{base}/items/200"),
        Some(json!({"title": "x"})),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    fails(
        &s,
        &a,
        Method::GET,
        &format!("{base}/items/999"),
        None,
        StatusCode::NOT_FOUND,
        "item_not_found",
    )
    .await;
    fails(
        &s,
        &b,
        Method::GET,
        &format!("{base}/items"),
        None,
        StatusCode::NOT_FOUND,
        "account_not_found",
    )
    .await;
    fails(
        &s,
        &b,
        Method::GET,
        &format!("{base}/items/100"),
        None,
        StatusCode::NOT_FOUND,
        "account_not_found",
    )
    .await;
    fails(
        &s,
        &b,
        Method::PATCH,
        &format!("{base}/items/100"),
        Some(json!({"multi_spec": true})),
        StatusCode::NOT_FOUND,
        "account_not_found",
    )
    .await;
    // the account is disabled: no live session to sync or read details with
    fails(
        &s,
        &a,
        Method::POST,
        &format!("{base}/items/sync"),
        None,
        StatusCode::CONFLICT,
        "account_not_running",
    )
    .await;
    fails(
        &s,
        &a,
        Method::POST,
        &format!("{base}/items/100/detail"),
        None,
        StatusCode::CONFLICT,
        "account_not_running",
    )
    .await;
    fails(
        &s,
        &b,
        Method::POST,
        &format!("{base}/items/sync"),
        None,
        StatusCode::NOT_FOUND,
        "account_not_found",
    )
    .await;

    // deleting an item forgets it
    api(
        &s,
        &a,
        Method::DELETE,
        &format!("{base}/items/300"),
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
    fails(
        &s,
        &a,
        Method::DELETE,
        &format!("{base}/items/300"),
        None,
        StatusCode::NOT_FOUND,
        "item_not_found",
    )
    .await;
}

pub async fn item_sync_and_detail(backend: Backend) {
    let Some((s, sim)) = TestServer::start_live(backend) else {
        return;
    };
    let base = sim.base_url();
    let c = reqwest::Client::new();
    let (unb, cookie, first) = sim_seller(&c, &base, "首个商品").await;
    let mut described = String::new();
    for i in 2..=25 {
        let item = json!({"title": format!("商品 {i:02}"), "price_fen": 100 + i, "description": format!("第 {i} 件的详细描述"),
            "skus": if i == 25 { json!([{"name": "套餐", "value": "年卡", "price_fen": 9900, "stock": 5}]) } else { json!([]) }});
        let v = sim_call(
            &c,
            &base,
            &format!("/_sim/accounts/{unb}/items"),
            Some(item),
        )
        .await;
        if i == 25 {
            described = v["item_id"].as_str().unwrap().to_owned();
        }
    }
    let t = s.admin_token().await;
    let acc = api(
        &s,
        &t,
        Method::POST,
        "/api/v1/accounts",
        Some(json!({"cookie": cookie})),
        StatusCode::CREATED,
    )
    .await;
    let api_base = format!("/api/v1/accounts/{}", acc["id"]);
    eventually(10, "online", || async {
        let (_, v) = s
            .call(Method::GET, &format!("{api_base}/status"), Some(&t), None)
            .await;
        (v["status"] == "online").then_some(())
    })
    .await;

    // both pages of the seller's item list (page size 20)
    let v = api(
        &s,
        &t,
        Method::POST,
        &format!("{api_base}/items/sync"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v, json!({"synced": 25}));
    let p1 = api(
        &s,
        &t,
        Method::GET,
        &format!("{api_base}/items?limit=20"),
        None,
        StatusCode::OK,
    )
    .await;
    let p2 = api(
        &s,
        &t,
        Method::GET,
        &format!(
            "{api_base}/items?limit=20&cursor={}",
            p1["next_cursor"].as_str().unwrap()
        ),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            p1["items"].as_array().unwrap().len(),
            p2["items"].as_array().unwrap().len()
        ),
        (20, 5)
    );
    let one = api(
        &s,
        &t,
        Method::GET,
        &format!("{api_base}/items/{first}"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            one["title"].as_str(),
            one["price_fen"].as_i64(),
            one["source"].as_str()
        ),
        (Some("首个商品"), Some(990), Some("sync"))
    );
    assert!(
        one["synced_at"].is_string() && one["description"] == "",
        "{one}"
    );
    // a second sync updates, it does not duplicate
    let v = api(
        &s,
        &t,
        Method::POST,
        &format!("{api_base}/items/sync"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["synced"], 25);
    let all = api(
        &s,
        &t,
        Method::GET,
        &format!("{api_base}/items?limit=100"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 25);

    // the detail fills the empty description and the spec flag
    let v = api(
        &s,
        &t,
        Method::POST,
        &format!("{api_base}/items/{described}/detail"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (v["description"].as_str(), v["multi_spec"].as_bool()),
        (Some("第 25 件的详细描述"), Some(true))
    );
    assert!(v["detail"].is_object(), "{v}");
    // …but never overwrites the seller's own description
    api(
        &s,
        &t,
        Method::PATCH,
        &format!("{api_base}/items/{described}"),
        Some(json!({"description": "我的描述"})),
        StatusCode::OK,
    )
    .await;
    let v = api(
        &s,
        &t,
        Method::POST,
        &format!("{api_base}/items/{described}/detail"),
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["description"], "我的描述");
    // an item Goofish does not know
    fails(
        &s,
        &t,
        Method::POST,
        &format!("{api_base}/items/1/detail"),
        None,
        StatusCode::BAD_GATEWAY,
        "goofish_error",
    )
    .await;
}

//! `GET /api/v1/stats`: one buyer message answered by the default reply and one paid order
//! delivered show up on today's (Asia/Shanghai) figures; another user sees none of it; bad
//! ranges get `invalid_query`.
#![allow(clippy::unwrap_used)]

use crate::delivery_support::Shop;
use reqwest::{Method, StatusCode};
use serde_json::json;
use xianyu_tests::{Backend, eventually};

#[tokio::test]
async fn a_reply_and_a_delivery_are_counted_on_their_day_for_their_owner_only() {
    counted(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_figures_are_the_same_on_postgres() {
    counted(Backend::Postgres).await;
}

async fn counted(backend: Backend) {
    let Some(shop) = Shop::open(backend, "统计商品").await else {
        return;
    };
    shop.api(
        Method::POST,
        &format!("/api/v1/accounts/{}/default-replies", shop.account),
        Some(json!({"reply": {"type": "text", "text": "您好"}})),
        StatusCode::CREATED,
    )
    .await;
    shop.sim(
        &format!("/_sim/accounts/{}/buyer-messages", shop.unb),
        Some(json!({"buyer_id": "2200000000911", "buyer_name": "小吴", "item_id": shop.item, "text": "还有货吗"})),
    )
    .await;
    shop.wait_sent("2200000000911", 1).await;
    let card = shop
        .card(
            json!({"name": "文本", "body": {"type": "text", "text": "资料 https://pan.example/s"}}),
        )
        .await;
    shop.rule(json!({"match_kind": "item_id", "match_value": shop.item, "card_id": card}))
        .await;
    let order = shop.order(json!({"buyer_id": "2200000000912"})).await;
    shop.pay(&order).await;
    let o = shop.wait_outcome(&order, "delivered").await;

    let path = format!("/api/v1/stats?account_id={}", shop.account);
    let today = eventually(10, "the reply counted", || async {
        let v = shop.api(Method::GET, &path, None, StatusCode::OK).await;
        let days = v["days"].as_array().unwrap().clone();
        assert_eq!(days.len(), 7, "the last 7 days by default: {v}");
        let today = days.last().unwrap().clone();
        (today["auto_replies"]["default"] == 1).then_some(today)
    })
    .await;
    assert_eq!(today["buyer_messages"], 1, "{today}");
    assert_eq!(today["new_buyers"], 1, "{today}");
    assert!(
        today["response_median_ms"].as_i64().unwrap() >= 0,
        "{today}"
    );
    assert_eq!(today["orders_placed"], 1, "{today}");
    assert_eq!(today["orders_paid"], 1, "{today}");
    assert_eq!(today["revenue_fen"], o["amount_fen"], "{today}");
    assert_eq!(today["deliveries"]["delivered"], 1, "{today}");
    // all accounts of the caller: the same figures
    let all = shop
        .api(Method::GET, "/api/v1/stats", None, StatusCode::OK)
        .await;
    assert_eq!(all["days"].as_array().unwrap().last().unwrap(), &today);

    // another user: their (empty) figures, and not this account's
    let bob = shop.s.user_token(&shop.token, "bob").await;
    let (st, v) = shop
        .s
        .call(Method::GET, "/api/v1/stats", Some(&bob), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        v["days"].as_array().unwrap().last().unwrap()["buyer_messages"],
        0
    );
    let (st, v) = shop.s.call(Method::GET, &path, Some(&bob), None).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("account_not_found"))
    );

    for bad in [
        "/api/v1/stats?from=2026-12-05&to=2026-12-01",
        "/api/v1/stats?from=2026-01-01&to=2026-12-01",
        "/api/v1/stats?from=yesterday",
    ] {
        let (st, v) = shop.s.call(Method::GET, bad, Some(&shop.token), None).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_query")),
            "{bad}: {v}"
        );
    }
}

//! Exactly-once automatic delivery against the simulator: a paid order gets one message and one
//! shipment confirmation whatever is repeated afterwards (duplicate paid card, reminder, server
//! restart); 50 simultaneous orders share one stock list without a line given twice; a crash
//! between reservation and send leaves an `uncertain` delivery that is not re-sent on its own.
#![allow(clippy::unwrap_used, missing_docs)]

use crate::delivery_support::{Shop, next_event};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use xianyu_tests::{Backend, eventually, on_both_backends_with};

on_both_backends_with! {
    paid_order_is_delivered_exactly_once => exactly_once;
    fifty_orders_share_one_stock_list => fifty_orders;
}

fn lines(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}-{i:03}")).collect()
}

async fn exactly_once(backend: Backend) {
    let Some(mut shop) = Shop::open(backend, "游戏激活码").await else {
        return;
    };
    let card = shop
        .stock_card(
            "激活码库存",
            &lines("CODE", 3),
            Some("您的激活码：{content}（订单 {order_id}）"),
        )
        .await;
    shop.rule(json!({"match_kind": "item_id", "match_value": shop.item, "card_id": card}))
        .await;
    let buyer = "2200000000101";
    let mut events = shop.events().await;
    let order = shop.order(json!({"buyer_id": buyer})).await;
    shop.pay(&order).await;

    // the outcome is published live
    let e = next_event(&mut events, |e| e["type"] == "delivery").await;
    assert_eq!(e["outcome"], "delivered", "{e}");
    assert_eq!(e["order_id"], order.as_str());
    let e = next_event(&mut events, |e| {
        e["type"] == "order_updated" && e["state"] == "shipped"
    })
    .await;
    assert_eq!(e["account"], shop.account);
    let sent = shop.wait_sent(buyer, 1).await;
    assert_eq!(sent, vec![format!("您的激活码：CODE-001（订单 {order}）")]);
    let sim_order = eventually(10, "shipment confirmed", || async {
        let o = shop.sim_order(&order).await;
        (o["shipped"] == true).then_some(o)
    })
    .await;
    assert_eq!(sim_order["consign_calls"], 1);
    let o = shop.wait_outcome(&order, "delivered").await;
    assert_eq!(o["state"], "shipped", "{o}");
    assert_eq!(o["confirm_state"], "confirmed");
    assert_eq!(o["buyer_id"], buyer);
    let deliveries = o["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "{o}");
    assert_eq!(deliveries[0]["state"], "sent");
    assert_eq!(deliveries[0]["content"], "CODE-001");
    let states: Vec<&str> = o["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["to"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["paid", "shipped"], "{o}");
    assert_eq!(shop.available(card).await, 2);
    // the chat shows the delivered unit as a delivery, not as an automatic reply
    let conv = shop
        .api(
            Method::GET,
            &format!(
                "/api/v1/accounts/{}/conversations/by-cid/{}",
                shop.account,
                o["cid"].as_str().unwrap()
            ),
            None,
            StatusCode::OK,
        )
        .await;
    let msgs = shop
        .api(
            Method::GET,
            &format!("/api/v1/conversations/{}/messages", conv["id"]),
            None,
            StatusCode::OK,
        )
        .await;
    assert!(
        msgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["direction"] == "delivery"
                && m["text"].as_str().unwrap_or("").contains("CODE-001")),
        "{msgs}"
    );

    // the same payment told again, three ways: none of them sends anything
    let push = format!("/_sim/accounts/{}/push-kind", shop.unb);
    shop.sim(
        &push,
        Some(json!({"kind": "card_update", "order_id": order})),
    )
    .await;
    shop.sim(
        &push,
        Some(json!({"kind": "system_text", "text": "[记得及时发货]", "order_id": order})),
    )
    .await;
    shop.sim(
        &push,
        Some(json!({"kind": "red_reminder", "text": "等待卖家发货", "order_id": order})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // and after a restart the account reconnects and still sends nothing more
    shop.s.restart();
    shop.wait_online().await;
    shop.sim(
        &push,
        Some(json!({"kind": "card_update", "order_id": order})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(shop.sent_to(buyer).await.len(), 1, "no second delivery");
    assert_eq!(shop.sim_order(&order).await["consign_calls"], 1);
    assert_eq!(shop.available(card).await, 2);
    let o = shop.api_order(&order).await;
    assert_eq!(o["deliveries"].as_array().unwrap().len(), 1);
    assert_eq!(o["delivery_outcome"], "delivered");
}

async fn fifty_orders(backend: Backend) {
    let Some(shop) = Shop::open(backend, "会员月卡").await else {
        return;
    };
    let card = shop.stock_card("月卡", &lines("VIP", 60), None).await;
    shop.rule(json!({"match_kind": "keyword", "match_value": "会员", "card_id": card}))
        .await;
    let mut orders = Vec::new();
    for i in 0..50 {
        let buyer = format!("22000000{i:05}");
        orders.push((shop.order(json!({"buyer_id": buyer})).await, buyer));
    }
    // all paid at once
    let pays = orders.iter().map(|(o, _)| shop.pay(o));
    futures_util::future::join_all(pays).await;

    let delivered = eventually(60, "50 deliveries", || async {
        let mut all = Vec::new();
        for (_, buyer) in &orders {
            all.extend(shop.sent_to(buyer).await);
        }
        (all.len() >= 50).then_some(all)
    })
    .await;
    assert_eq!(delivered.len(), 50, "one message per order");
    let distinct: HashSet<&String> = delivered.iter().collect();
    assert_eq!(distinct.len(), 50, "no line given twice: {delivered:?}");
    assert!(delivered.iter().all(|l| l.starts_with("VIP-")));
    assert_eq!(shop.available(card).await, 10);
    let all = shop
        .api(
            Method::GET,
            &format!(
                "/api/v1/deliveries?state=sent&account_id={}&limit=100",
                shop.account
            ),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 50, "{all}");
}

//! Delivery cases against the simulator: a crash between reservation and send, specs, quantity,
//! API cards, the bargain flow and user isolation.
#![allow(clippy::unwrap_used, missing_docs)]

use crate::delivery_support::{Shop, code_endpoint, next_event};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use xianyu_tests::{Backend, eventually};

#[tokio::test]
async fn crash_between_reserve_and_send_leaves_an_uncertain_delivery() {
    let Some(mut shop) = Shop::open(Backend::Sqlite, "激活码").await else {
        return;
    };
    let card = shop
        .stock_card("码", &["ONLY-1".to_owned(), "ONLY-2".to_owned()], None)
        .await;
    shop.rule(json!({"match_kind": "item_id", "match_value": shop.item, "card_id": card}))
        .await;
    // the process "dies" right after the reservation
    shop.s.settings_mut().delivery.crash_after_reserve = true;
    shop.s.restart();
    shop.wait_online().await;
    let buyer = "2200000000201";
    let order = shop.order(json!({"buyer_id": buyer})).await;
    shop.pay(&order).await;
    let reserved = format!(
        "/api/v1/deliveries?state=reserved&account_id={}",
        shop.account
    );
    eventually(10, "a reserved delivery", || async {
        let v = shop.api(Method::GET, &reserved, None, StatusCode::OK).await;
        (v["items"].as_array().unwrap().len() == 1).then_some(())
    })
    .await;
    assert!(shop.sent_to(buyer).await.is_empty());

    // the next start finds it and marks it uncertain; the paid card repeated sends nothing
    shop.s.settings_mut().delivery.crash_after_reserve = false;
    shop.s.restart();
    shop.wait_online().await;
    let uncertain = shop
        .api(
            Method::GET,
            &format!(
                "/api/v1/deliveries?state=uncertain&account_id={}",
                shop.account
            ),
            None,
            StatusCode::OK,
        )
        .await;
    let items = uncertain["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{uncertain}");
    assert_eq!(items[0]["order_id"], order.as_str());
    shop.sim(
        &format!("/_sim/accounts/{}/push-kind", shop.unb),
        Some(json!({"kind": "card_update", "order_id": order})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        shop.sent_to(buyer).await.is_empty(),
        "not re-sent by itself"
    );
    assert_eq!(shop.available(card).await, 1, "the line stays reserved");

    // the seller reviews it and re-sends by hand: the same line, once
    let o = shop.api_order(&order).await;
    let report = shop
        .api(
            Method::POST,
            &format!("/api/v1/orders/{}/redeliver", o["id"]),
            Some(json!({})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(report["outcome"], "delivered", "{report}");
    assert_eq!(report["sent"], 1);
    assert_eq!(shop.wait_sent(buyer, 1).await, vec!["ONLY-1".to_owned()]);
    assert_eq!(shop.available(card).await, 1);
    let o = shop.api_order(&order).await;
    assert_eq!(o["deliveries"][0]["state"], "sent");
}

#[tokio::test]
async fn specs_pick_their_card_and_misses_are_explained() {
    let Some(shop) = Shop::open(Backend::Sqlite, "视频会员").await else {
        return;
    };
    let item = shop
        .sim(
            &format!("/_sim/accounts/{}/items", shop.unb),
            Some(json!({"title": "视频会员", "price_fen": 1500, "skus": [
                {"name": "时长", "value": "1个月", "price_fen": 1500, "stock": 10},
                {"name": "时长", "value": "12个月", "price_fen": 12000, "stock": 10},
                {"name": "时长", "value": "3个月", "price_fen": 4000, "stock": 10}]})),
        )
        .await["item_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let month = shop
        .card(json!({"name": "月", "body": {"type": "text", "text": "月卡兑换码 M-1"}}))
        .await;
    let year = shop
        .card(json!({"name": "年", "body": {"type": "text", "text": "年卡兑换码 Y-1"}}))
        .await;
    for (value, card) in [("1个月", month), ("12个月", year)] {
        shop.rule(json!({"match_kind": "item_id", "match_value": item,
            "spec": {"name": "时长", "value": value}, "card_id": card}))
            .await;
    }
    let order = |buyer: &'static str, value: &'static str| {
        let item = item.clone();
        let shop = &shop;
        async move {
            let o = shop
                .order(json!({"item_id": item, "buyer_id": buyer, "sku": {"name": "时长", "value": value}}))
                .await;
            shop.pay(&o).await;
            o
        }
    };
    order("2200000000301", "12个月").await;
    assert_eq!(
        shop.wait_sent("2200000000301", 1).await,
        vec!["年卡兑换码 Y-1".to_owned()]
    );
    let mut events = shop.events().await;
    let none = order("2200000000302", "3个月").await;
    let e = next_event(&mut events, |e| e["type"] == "delivery").await;
    assert_eq!(
        (e["outcome"].as_str(), e["order_id"].as_str()),
        (Some("no_rule"), Some(none.as_str()))
    );
    let o = shop.wait_outcome(&none, "no_rule").await;
    assert!(
        o["delivery_message"].as_str().unwrap().contains("3个月"),
        "{o}"
    );
    assert_eq!(
        o["spec_value"], "3个月",
        "the order detail filled the spec: {o}"
    );

    // two spec-less rules for the same item: ambiguous, nothing sent
    let other = shop
        .card(json!({"name": "另", "body": {"type": "text", "text": "X"}}))
        .await;
    shop.rule(json!({"match_kind": "keyword", "match_value": "会员", "card_id": other}))
        .await;
    shop.rule(json!({"match_kind": "item_id", "match_value": item, "card_id": other}))
        .await;
    let amb = order("2200000000303", "3个月").await;
    let o = shop.wait_outcome(&amb, "ambiguous").await;
    assert!(
        o["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "ambiguous"),
        "{o}"
    );
    assert!(shop.sent_to("2200000000302").await.is_empty());
    assert!(shop.sent_to("2200000000303").await.is_empty());
}

#[tokio::test]
async fn api_card_delivers_each_unit_of_a_multi_quantity_order() {
    let Some(shop) = Shop::open(Backend::Sqlite, "点卡").await else {
        return;
    };
    let (url, seen) = code_endpoint(1).await;
    let card = shop
        .card(json!({"name": "接口卡", "message_template": "卡密 {content}",
            "body": {"type": "http_fetch", "url": url, "method": "POST",
                "headers": [{"name": "X-Api-Key", "value": "secret-key-1"}],
                "body_template": "{{\"order\":\"{order_id}\",\"qty\":{quantity},\"spec\":\"{spec_value}\"}}",
                "timeout_secs": 5, "retries": 2, "json_path": "data.code"}}))
        .await;
    shop.rule(json!({"match_kind": "item_id", "match_value": shop.item, "card_id": card}))
        .await;
    // items learned from chats can be flagged; sync makes this one known first
    shop.api(
        Method::POST,
        &format!("/api/v1/accounts/{}/items/sync", shop.account),
        Some(json!({})),
        StatusCode::OK,
    )
    .await;
    shop.api(
        Method::PATCH,
        &format!("/api/v1/accounts/{}/items/{}", shop.account, shop.item),
        Some(json!({"multi_quantity_delivery": true})),
        StatusCode::OK,
    )
    .await;
    let buyer = "2200000000401";
    let order = shop.order(json!({"buyer_id": buyer, "quantity": 3})).await;
    shop.pay(&order).await;
    let sent = shop.wait_sent(buyer, 3).await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent.iter().all(|m| m.starts_with("卡密 KEY-")), "{sent:?}");
    let received = seen.lock().unwrap().clone();
    assert_eq!(
        received.len(),
        4,
        "one 503, retried, then one request per unit"
    );
    let first = &received[0];
    assert!(first.request_line.starts_with("POST /codes"));
    assert_eq!(
        first.body,
        format!("{{\"order\":\"{order}\",\"qty\":3,\"spec\":\"\"}}")
    );
    assert!(
        first
            .headers
            .iter()
            .any(|(k, v)| k == "x-api-key" && v == "secret-key-1")
    );
    let o = shop.wait_outcome(&order, "delivered").await;
    assert_eq!(o["quantity"], 3);
    assert_eq!(o["deliveries"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn bargain_calls_free_shipping_then_delivers() {
    let Some(shop) = Shop::open(Backend::Sqlite, "小刀商品").await else {
        return;
    };
    let card = shop
        .card(json!({"name": "文本", "body": {"type": "text", "text": "感谢小刀，资料链接 https://pan.example/x"}}))
        .await;
    shop.rule(json!({"match_kind": "item_id", "match_value": shop.item, "card_id": card}))
        .await;
    let buyer = "2200000000501";
    let order = shop.order(json!({"buyer_id": buyer})).await;
    shop.sim(&format!("/_sim/orders/{order}/bargain"), Some(json!({})))
        .await;
    let sent = shop.wait_sent(buyer, 1).await;
    assert_eq!(
        sent,
        vec!["感谢小刀，资料链接 https://pan.example/x".to_owned()]
    );
    let o = shop.sim_order(&order).await;
    assert_eq!(o["free_shipping_calls"], 1, "{o}");
    assert_eq!(
        o["free_shipping_data"][0],
        format!(
            "{{\"bizOrderId\":\"{order}\", \"itemId\":{},\"buyerId\":{buyer}}}",
            shop.item
        )
    );
    let ours = shop.wait_outcome(&order, "delivered").await;
    assert_eq!(ours["bargain"], true);
}

#[tokio::test]
async fn another_users_identical_rule_is_never_used() {
    let Some(shop) = Shop::open(Backend::Sqlite, "激活码 正版").await else {
        return;
    };
    // user B: same keyword, own card, created first (lower ids)
    let b = shop.s.user_token(&shop.token, "bob").await;
    let (st, bcard) = shop
        .s
        .call(
            Method::POST,
            "/api/v1/cards",
            Some(&b),
            Some(json!({"name": "B", "body": {"type": "text", "text": "B 的卡密"}})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{bcard}");
    let (st, _) = shop
        .s
        .call(
            Method::POST,
            "/api/v1/delivery-rules",
            Some(&b),
            Some(json!({"match_kind": "keyword", "match_value": "激活码", "card_id": bcard["id"]})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let acard = shop
        .card(json!({"name": "A", "body": {"type": "text", "text": "A 的卡密"}}))
        .await;
    shop.rule(json!({"match_kind": "keyword", "match_value": "激活码", "card_id": acard}))
        .await;
    let buyer = "2200000000601";
    let order = shop.order(json!({"buyer_id": buyer})).await;
    shop.pay(&order).await;
    assert_eq!(shop.wait_sent(buyer, 1).await, vec!["A 的卡密".to_owned()]);
    shop.wait_outcome(&order, "delivered").await;
}

#[tokio::test]
async fn items_are_synced_in_the_background() {
    let Some(mut shop) = Shop::open(Backend::Sqlite, "后台同步商品").await else {
        return;
    };
    let path = format!("/api/v1/accounts/{}/items", shop.account);
    let before = shop.api(Method::GET, &path, None, StatusCode::OK).await;
    assert!(before["items"].as_array().unwrap().is_empty(), "{before}");
    shop.s.settings_mut().item_sync_first_delay = Duration::from_millis(300);
    shop.s.restart();
    shop.wait_online().await;
    let items = eventually(15, "synced items", || async {
        let v = shop.api(Method::GET, &path, None, StatusCode::OK).await;
        let items = v["items"].as_array().unwrap().clone();
        (!items.is_empty()).then_some(items)
    })
    .await;
    assert_eq!(items[0]["item_id"], shop.item.as_str());
    assert_eq!(items[0]["title"], "后台同步商品");
    assert_eq!(items[0]["source"], "sync");
}

#[tokio::test]
async fn a_rejected_send_is_recorded_and_can_be_sent_again_by_hand() {
    let Some(shop) = Shop::open(Backend::Sqlite, "文档").await else {
        return;
    };
    let card = shop
        .card(json!({"name": "文档", "body": {"type": "text", "text": "下载地址 https://pan.example/doc"}}))
        .await;
    shop.rule(json!({"match_kind": "item_id", "match_value": shop.item, "card_id": card, "units_per_order": 2}))
        .await;
    // the content filter rejects the next send (F11): unit 1 fails, unit 2 goes through
    shop.sim(
        "/_sim/faults",
        Some(json!({"unb": shop.unb, "kind": "reject_send", "times": 1})),
    )
    .await;
    let buyer = "2200000000701";
    let order = shop.order(json!({"buyer_id": buyer})).await;
    shop.pay(&order).await;
    let o = shop.wait_outcome(&order, "send_rejected").await;
    assert_eq!(o["deliveries"][0]["state"], "failed", "{o}");
    assert!(
        o["deliveries"][0]["error"]
            .as_str()
            .unwrap()
            .contains("违规"),
        "{o}"
    );
    assert_eq!(o["deliveries"][1]["state"], "sent", "{o}");
    assert_eq!(o["state"], "paid", "not shipped: {o}");
    assert_eq!(shop.sim_order(&order).await["consign_calls"], 0);
    assert_eq!(shop.sent_to(buyer).await.len(), 1);

    let report = shop
        .api(
            Method::POST,
            &format!("/api/v1/orders/{}/redeliver", o["id"]),
            Some(json!({})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (report["outcome"].as_str(), report["sent"].as_u64()),
        (Some("delivered"), Some(1)),
        "{report}"
    );
    // only the unit that did not arrive went again
    assert_eq!(
        shop.wait_sent(buyer, 2).await,
        vec!["下载地址 https://pan.example/doc".to_owned(); 2]
    );
    let o = shop.api_order(&order).await;
    assert_eq!(o["deliveries"][0]["state"], "sent");
    assert_eq!(o["deliveries"][0]["sends"], 1);
    assert_eq!(
        o["deliveries"][1]["sends"], 1,
        "the sent unit was not repeated"
    );
    assert_eq!(
        o["state"], "shipped",
        "confirmed after the manual send: {o}"
    );
    assert_eq!(shop.sim_order(&order).await["consign_calls"], 1);
}

#[tokio::test]
async fn replies_name_the_stored_item_and_its_price() {
    let Some(shop) = Shop::open(Backend::Sqlite, "正版激活码").await else {
        return;
    };
    let acc = format!("/api/v1/accounts/{}", shop.account);
    shop.api(
        Method::POST,
        &format!("{acc}/items/sync"),
        Some(json!({})),
        StatusCode::OK,
    )
    .await;
    shop.api(
        Method::POST,
        &format!("{acc}/keyword-rules"),
        Some(json!({"keywords": ["多少钱"], "reply": {"type": "text", "text": "{item_title} 只要 {item_price}"}})),
        StatusCode::CREATED,
    )
    .await;
    let p = shop
        .api(
            Method::POST,
            &format!("{acc}/replies/preview"),
            Some(json!({"message": "多少钱", "item_id": shop.item})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(p["reply"]["text"], "正版激活码 只要 ¥9.90", "{p}");
    // and a real buyer gets the same answer
    let buyer = "2200000000801";
    shop.sim(
        &format!("/_sim/accounts/{}/buyer-messages", shop.unb),
        Some(json!({"buyer_id": buyer, "item_id": shop.item, "text": "多少钱"})),
    )
    .await;
    assert_eq!(
        shop.wait_sent(buyer, 1).await,
        vec!["正版激活码 只要 ¥9.90".to_owned()]
    );
}

//! Orders and delivery records through the API: list filters and pagination, one order with
//! its history, events and delivered content, the per-day summary, the review list of
//! uncertain deliveries, tenant scoping and the stable error codes. Orders are seeded through
//! the store (they only ever arrive from Goofish).
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xianyu_domain::delivery::{
    Card, CardId, CardKind, DeliveryRuleId, DeliveryState, DeliveryUpdate, OrderBook, OrderDetail,
    OrderObservation, Reservation,
};
use xianyu_domain::orders::OrderSignal;
use xianyu_domain::{AccountId, UserId};
use xianyu_tests::{TestServer, on_both_backends};

on_both_backends! {
    orders => orders_scenario;
}

async fn get(s: &TestServer, t: &str, path: &str) -> (StatusCode, Value) {
    s.call(Method::GET, path, Some(t), None).await
}

async fn ok(s: &TestServer, t: &str, path: &str) -> Value {
    let (st, v) = get(s, t, path).await;
    assert_eq!(st, StatusCode::OK, "{path}: {v}");
    v
}

async fn error_code(s: &TestServer, t: &str, path: &str, status: StatusCode) -> String {
    let (st, v) = get(s, t, path).await;
    assert_eq!(st, status, "{path}: {v}");
    v["error"]["code"].as_str().unwrap().to_owned()
}

fn order_ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["order_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn account(s: &TestServer, t: &str, unb: &str) -> AccountId {
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(t),
            Some(json!({"cookie": format!("unb={unb}; cookie2=x"), "enabled": false})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    AccountId(v["id"].as_i64().unwrap())
}

fn observe(
    store: &xianyu_persistence::Store,
    account: AccountId,
    order: &str,
    signal: OrderSignal,
    at_ms: i64,
    item: Option<&str>,
    buyer: Option<&str>,
) {
    store
        .observe_order(&OrderObservation {
            account,
            order_id: order.into(),
            signal,
            at_ms,
            cid: Some(format!("cid-{order}")),
            item_id: item.map(str::to_owned),
            buyer_id: buyer.map(str::to_owned),
            buyer_name: buyer.map(|b| format!("nick {b}")),
        })
        .unwrap();
}

/// Seeds alice's orders: O1 paid and delivered (2 stock units, one sent, one uncertain after
/// an interruption), O2 placed, O3 paid then refused a backwards signal; and bob's B1.
fn seed(s: &TestServer, alice: UserId, a: AccountId, b: AccountId, now: i64) {
    let store = s.store();
    store.record_item_seen(a, "item-1", Some("会员卡")).unwrap();
    observe(
        &store,
        a,
        "O1",
        OrderSignal::Placed,
        now - 3000,
        Some("item-1"),
        Some("buyer-1"),
    );
    observe(&store, a, "O1", OrderSignal::Paid, now - 2900, None, None);
    store
        .save_order_detail(
            a,
            "O1",
            &OrderDetail {
                spec: Some(("版本".into(), "年卡".into())),
                quantity: Some(2),
                amount_fen: Some(9900),
                ..OrderDetail::default()
            },
        )
        .unwrap();
    observe(
        &store,
        a,
        "O2",
        OrderSignal::Placed,
        now - 2000,
        Some("item-2"),
        Some("buyer-2"),
    );
    observe(
        &store,
        a,
        "O3",
        OrderSignal::Paid,
        now - 1000,
        Some("item-1"),
        Some("buyer-2"),
    );
    observe(&store, a, "O3", OrderSignal::Placed, now - 900, None, None);
    observe(
        &store,
        b,
        "B1",
        OrderSignal::Paid,
        now - 500,
        Some("item-1"),
        Some("buyer-1"),
    );

    let card = store
        .create_card(
            alice,
            &Card {
                id: CardId(0),
                user_id: alice,
                name: "codes".into(),
                kind: CardKind::Stock {
                    low_stock_threshold: 1,
                },
                message_template: None,
                delay_secs: 0,
            },
        )
        .unwrap()
        .card;
    store
        .append_stock(alice, card.id, "CODE-A\nCODE-B\nCODE-C")
        .unwrap();
    let Reservation::Reserved { units, .. } = store
        .reserve_delivery(a, "O1", DeliveryRuleId(1), &card, 2)
        .unwrap()
    else {
        panic!("out of stock")
    };
    store
        .finish_delivery(
            units[0].id,
            &DeliveryUpdate {
                state: DeliveryState::Sent,
                content: Some("您的卡密: CODE-A".into()),
                message_id: Some("9.PNM".into()),
                error: None,
            },
        )
        .unwrap();
    assert_eq!(store.mark_interrupted().unwrap(), 1);
    store
        .record_outcome(
            a,
            "O1",
            xianyu_domain::delivery::DeliveryOutcome::SendRejected,
            "unit 2 interrupted",
        )
        .unwrap();
}

async fn orders_scenario(s: TestServer) {
    let admin = s.admin_token().await;
    let alice_t = s.user_token(&admin, "alice").await;
    let bob_t = s.user_token(&admin, "bob").await;
    let alice = UserId(
        ok(&s, &alice_t, "/api/v1/auth/me").await["id"]
            .as_i64()
            .unwrap(),
    );
    let a = account(&s, &alice_t, "1001").await;
    let b = account(&s, &bob_t, "2002").await;
    let now = chrono::Utc::now().timestamp_millis();
    seed(&s, alice, a, b, now);

    // the list: newest first, the caller's accounts only
    let all = ok(&s, &alice_t, "/api/v1/orders").await;
    assert_eq!(order_ids(&all), vec!["O3", "O2", "O1"]);
    assert_eq!(all["next_cursor"], Value::Null);
    let o1 = all["items"][2].clone();
    assert_eq!(o1["state"], "paid");
    assert_eq!(o1["account_id"], a.0);
    assert_eq!(o1["item_id"], "item-1");
    assert_eq!(o1["item_title"], "会员卡");
    assert_eq!(o1["buyer_id"], "buyer-1");
    assert_eq!(o1["buyer_name"], "nick buyer-1");
    assert_eq!(o1["spec_name"], "版本");
    assert_eq!(o1["spec_value"], "年卡");
    assert_eq!(o1["quantity"], 2);
    assert_eq!(o1["amount_fen"], 9900);
    assert_eq!(o1["delivery_outcome"], "send_rejected");
    assert_eq!(o1["confirm_state"], "none");
    assert!(o1["paid_at"].is_string() && o1["created_at"].is_string());
    assert_eq!(all["items"][1]["item_title"], Value::Null, "unknown item");
    assert_eq!(
        order_ids(&ok(&s, &bob_t, "/api/v1/orders").await),
        vec!["B1"]
    );

    // filters
    let q = |query: &str| format!("/api/v1/orders?{query}");
    assert_eq!(
        order_ids(&ok(&s, &alice_t, &q("state=paid")).await),
        vec!["O3", "O1"]
    );
    assert_eq!(
        order_ids(&ok(&s, &alice_t, &q("state=placed")).await),
        vec!["O2"]
    );
    assert_eq!(
        order_ids(&ok(&s, &alice_t, &q("item_id=item-1")).await),
        vec!["O3", "O1"]
    );
    assert_eq!(
        order_ids(&ok(&s, &alice_t, &q("buyer_id=buyer-2&item_id=item-1")).await),
        vec!["O3"]
    );
    assert_eq!(
        order_ids(&ok(&s, &alice_t, &q(&format!("account_id={}", a.0))).await).len(),
        3
    );
    let today = xianyu_domain::clock::local_day(now).to_string();
    assert_eq!(
        order_ids(&ok(&s, &alice_t, &q(&format!("from={today}&to={today}"))).await).len(),
        3
    );
    assert!(order_ids(&ok(&s, &alice_t, &q("from=2020-01-01&to=2020-01-31")).await).is_empty());
    // pagination
    let p1 = ok(&s, &alice_t, &q("limit=2")).await;
    assert_eq!(order_ids(&p1), vec!["O3", "O2"]);
    let cursor = p1["next_cursor"].as_str().unwrap().to_owned();
    let p2 = ok(&s, &alice_t, &q(&format!("limit=2&cursor={cursor}"))).await;
    assert_eq!(order_ids(&p2), vec!["O1"]);
    assert_eq!(p2["next_cursor"], Value::Null);

    // bad filters
    let bad = StatusCode::BAD_REQUEST;
    assert_eq!(
        error_code(&s, &alice_t, &q("state=lost"), bad).await,
        "invalid_state_filter"
    );
    assert_eq!(
        error_code(&s, &alice_t, &q("from=2026-13-01"), bad).await,
        "invalid_date"
    );
    assert_eq!(
        error_code(&s, &alice_t, &q("to=yesterday"), bad).await,
        "invalid_date"
    );
    assert_eq!(
        error_code(&s, &alice_t, &q("from=2026-02-02&to=2026-02-01"), bad).await,
        "invalid_date"
    );
    assert_eq!(
        error_code(&s, &alice_t, &q("cursor=x"), bad).await,
        "invalid_cursor"
    );
    assert_eq!(
        error_code(&s, &alice_t, &q("limit=0"), bad).await,
        "invalid_query"
    );
    assert_eq!(
        error_code(
            &s,
            &alice_t,
            &q(&format!("account_id={}", b.0)),
            StatusCode::NOT_FOUND
        )
        .await,
        "account_not_found"
    );

    // one order: history, events, deliveries with their content
    let id = o1["id"].as_i64().unwrap();
    let d = ok(&s, &alice_t, &format!("/api/v1/orders/{id}")).await;
    assert_eq!(d["order_id"], "O1");
    assert_eq!(d["cid"], "cid-O1");
    let h = d["history"].as_array().unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(
        (&h[0]["from"], &h[0]["to"], &h[0]["signal"]),
        (&json!("placed"), &json!("paid"), &json!("paid"))
    );
    assert_eq!(d["events"][0]["kind"], "delivery");
    assert_eq!(d["events"][0]["code"], "send_rejected");
    let units = d["deliveries"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0]["unit"], 1);
    assert_eq!(units[0]["state"], "sent");
    assert_eq!(units[0]["sends"], 1);
    assert_eq!(units[0]["content"], "您的卡密: CODE-A");
    assert_eq!(units[0]["message_id"], "9.PNM");
    assert_eq!(units[1]["state"], "uncertain");
    assert_eq!(units[1]["content"], "CODE-B");
    assert_eq!(
        units[1]["error"],
        "interrupted between reservation and confirmation"
    );
    let o3 = all["items"][0]["id"].as_i64().unwrap();
    let d3 = ok(&s, &alice_t, &format!("/api/v1/orders/{o3}")).await;
    assert_eq!(d3["state"], "paid");
    assert_eq!(d3["events"][0]["kind"], "refused");
    assert_eq!(d3["events"][0]["code"], "illegal_order_transition");
    let nf = StatusCode::NOT_FOUND;
    assert_eq!(
        error_code(&s, &bob_t, &format!("/api/v1/orders/{id}"), nf).await,
        "order_not_found"
    );
    assert_eq!(
        error_code(&s, &alice_t, "/api/v1/orders/999999", nf).await,
        "order_not_found"
    );
    assert_eq!(
        error_code(&s, &alice_t, "/api/v1/orders/abc", bad).await,
        "invalid_path"
    );

    // the per-day summary
    let sum = ok(
        &s,
        &alice_t,
        &format!("/api/v1/accounts/{}/orders/summary?days=7", a.0),
    )
    .await;
    assert_eq!(sum["timezone"], "Asia/Shanghai");
    let days = sum["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let last = &days[6];
    assert_eq!(last["day"], today);
    assert_eq!(last["placed"], 3);
    assert_eq!(last["paid"], 2);
    assert_eq!(last["paid_amount_fen"], 9900);
    assert_eq!(last["deliveries_sent"], 1);
    assert!(days[..6].iter().all(|d| d["placed"] == 0));
    let default = ok(
        &s,
        &alice_t,
        &format!("/api/v1/accounts/{}/orders/summary", a.0),
    )
    .await;
    assert_eq!(default["days"].as_array().unwrap().len(), 30);
    for days in ["0", "367", "-1"] {
        assert_eq!(
            error_code(
                &s,
                &alice_t,
                &format!("/api/v1/accounts/{}/orders/summary?days={days}", a.0),
                bad
            )
            .await,
            "invalid_days"
        );
    }
    assert_eq!(
        error_code(
            &s,
            &bob_t,
            &format!("/api/v1/accounts/{}/orders/summary", a.0),
            nf
        )
        .await,
        "account_not_found"
    );

    // the review list of deliveries: no content
    let unc = ok(&s, &alice_t, "/api/v1/deliveries?state=uncertain").await;
    let rows = unc["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["order"], id);
    assert_eq!(rows[0]["order_id"], "O1");
    assert_eq!(rows[0]["unit"], 2);
    assert!(rows[0].get("content").is_none(), "{}", rows[0]);
    let every = ok(
        &s,
        &alice_t,
        &format!("/api/v1/deliveries?account_id={}&limit=1", a.0),
    )
    .await;
    assert_eq!(every["items"].as_array().unwrap().len(), 1);
    let next = every["next_cursor"].as_str().unwrap().to_owned();
    let rest = ok(
        &s,
        &alice_t,
        &format!("/api/v1/deliveries?limit=1&cursor={next}"),
    )
    .await;
    assert_eq!(rest["items"][0]["state"], "sent");
    assert!(
        ok(&s, &bob_t, "/api/v1/deliveries").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        error_code(&s, &alice_t, "/api/v1/deliveries?state=lost", bad).await,
        "invalid_state_filter"
    );
    assert_eq!(
        error_code(
            &s,
            &bob_t,
            &format!("/api/v1/deliveries?account_id={}", a.0),
            nf
        )
        .await,
        "account_not_found"
    );

    // re-delivery needs the live session; another user's order is not found
    let (st, v) = s
        .call(
            Method::POST,
            &format!("/api/v1/orders/{id}/redeliver"),
            Some(&alice_t),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "account_not_running");
    let (st, v) = s
        .call(
            Method::POST,
            &format!("/api/v1/orders/{id}/redeliver"),
            Some(&bob_t),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["error"]["code"], "order_not_found");
    let (st, _) = s.call(Method::GET, "/api/v1/orders", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

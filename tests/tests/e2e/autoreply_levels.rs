//! One simulated buyer message per precedence level: the simulator receives exactly the reply
//! that level gives, or nothing where the level stays silent.
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use xianyu_tests::{Backend, TestServer, eventually, sim_call};

fn text(t: &str) -> Value {
    json!({"type": "text", "text": t})
}

async fn sent_count(c: &reqwest::Client, base: &str, unb: &str) -> Vec<String> {
    let v = sim_call(c, base, &format!("/_sim/accounts/{unb}/sent"), None).await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn each_level_answers_at_the_simulator() {
    let (s, sim) = TestServer::start_live(Backend::Sqlite).unwrap();
    let base = sim.base_url();
    let c = reqwest::Client::new();
    let acc = sim_call(&c, &base, "/_sim/accounts", Some(json!({}))).await;
    let unb = acc["unb"].as_str().unwrap().to_owned();
    let mut items = Vec::new();
    for title in ["A", "B", "C", "D"] {
        let v = sim_call(
            &c,
            &base,
            &format!("/_sim/accounts/{unb}/items"),
            Some(json!({"title": title, "price_fen": 100})),
        )
        .await;
        items.push(v["item_id"].as_str().unwrap().to_owned());
    }
    let t = s.admin_token().await;
    let (_, a) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": acc["cookie"]})),
        )
        .await;
    let api = format!("/api/v1/accounts/{}", a["id"]);
    for (path, body) in [
        (
            "keyword-rules",
            json!({"keywords": ["价格"], "reply": text("通用价格")}),
        ),
        (
            "keyword-rules",
            json!({"keywords": ["价格"], "item_id": items[0], "reply": text("商品{item_id}价格")}),
        ),
        (
            "item-replies",
            json!({"item_id": items[1], "reply": text("商品B固定回复")}),
        ),
        (
            "default-replies",
            json!({"item_id": items[2], "reply": text("商品C默认")}),
        ),
        (
            "default-replies",
            json!({"reply": text("账号默认，{buyer_name}")}),
        ),
    ] {
        let (st, v) = s
            .call(Method::POST, &format!("{api}/{path}"), Some(&t), Some(body))
            .await;
        assert!(st.is_success(), "{path}: {v}");
    }
    s.call(
        Method::PUT,
        &format!("{api}/reply-settings"),
        Some(&t),
        Some(json!({"blacklist": ["2200000000999"]})),
    )
    .await;
    eventually(10, "online", || async {
        let (_, v) = s
            .call(Method::GET, &format!("{api}/status"), Some(&t), None)
            .await;
        (v["status"] == "online").then_some(())
    })
    .await;

    let mut expected: Vec<String> = Vec::new();
    let cases: Vec<(&str, &str, &str, Option<String>)> = vec![
        (
            "2200000000301",
            &items[3],
            "请问价格",
            Some("通用价格".into()),
        ),
        (
            "2200000000302",
            &items[0],
            "请问价格",
            Some(format!("商品{}价格", items[0])),
        ),
        (
            "2200000000303",
            &items[1],
            "请问价格",
            Some("商品B固定回复".into()),
        ),
        (
            "2200000000304",
            &items[2],
            "随便问问",
            Some("商品C默认".into()),
        ),
        (
            "2200000000305",
            &items[3],
            "随便问问",
            Some("账号默认，测试买家".into()),
        ),
        ("2200000000999", &items[3], "请问价格", None),
        ("2200000000306", &items[3], "快给ta一个评价吧~", None),
    ];
    for (buyer, item, msg, reply) in cases {
        sim_call(
            &c,
            &base,
            &format!("/_sim/accounts/{unb}/buyer-messages"),
            Some(json!({"buyer_id": buyer, "item_id": item, "text": msg})),
        )
        .await;
        match reply {
            Some(r) => {
                expected.push(r);
                let n = expected.len();
                let got = eventually(10, &format!("reply to {buyer}"), || async {
                    let v = sent_count(&c, &base, &unb).await;
                    (v.len() >= n).then_some(v)
                })
                .await;
                assert_eq!(got, expected, "buyer {buyer}");
            }
            None => {
                tokio::time::sleep(Duration::from_millis(1200)).await;
                assert_eq!(
                    sent_count(&c, &base, &unb).await,
                    expected,
                    "buyer {buyer} must get nothing"
                );
            }
        }
    }

    // the minimum interval, then quiet hours, suppress replies
    s.call(
        Method::PUT,
        &format!("{api}/reply-settings"),
        Some(&t),
        Some(json!({"min_interval_secs": 3600})),
    )
    .await;
    sim_call(
        &c,
        &base,
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        Some(json!({"buyer_id": "2200000000301", "item_id": items[3], "text": "价格再问一次"})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        sent_count(&c, &base, &unb).await,
        expected,
        "minimum interval per buyer"
    );
    s.call(
        Method::PUT,
        &format!("{api}/reply-settings"),
        Some(&t),
        Some(json!({"quiet_hours": {"start": "00:00", "end": "23:59"}})),
    )
    .await;
    sim_call(
        &c,
        &base,
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        Some(json!({"buyer_id": "2200000000307", "item_id": items[3], "text": "价格"})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let after = sent_count(&c, &base, &unb).await;
    // 23:59-00:00 (Asia/Shanghai) is the only minute outside the window
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    if now.format("%H:%M").to_string() != "23:59" {
        assert_eq!(after, expected, "quiet hours");
    }
}

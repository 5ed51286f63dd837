//! `/metrics` parsed as Prometheus text: off (404) without `XIANYU_METRICS_TOKEN`, refused
//! without the token, and its series move after a buyer message, an automatic reply and a
//! delivery; HTTP series carry route patterns, never raw paths.
#![allow(clippy::unwrap_used)]

use crate::delivery_support::Shop;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::HashMap;
use xianyu_tests::{Backend, TestServer, eventually};

const TOKEN: &str = "scrape-token-for-tests-1";

/// One sample line: metric name, labels, value.
#[derive(Debug)]
struct Sample {
    metric: String,
    labels: HashMap<String, String>,
    value: f64,
}

/// Parses the text exposition format strictly: `# HELP`/`# TYPE`/`# EOF` comments and
/// `name{label="value",…} number` samples, label values with `\\`, `\"` and `\n` escapes
/// (route patterns hold braces, which naive parsers trip over). Panics on anything else.
fn parse(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.is_empty()
            || line.starts_with("# HELP ")
            || line.starts_with("# TYPE ")
            || line.starts_with("# UNIT ")
        {
            continue;
        }
        if line == "# EOF" {
            break;
        }
        let name_end = line
            .find(['{', ' '])
            .unwrap_or_else(|| panic!("bad line {line:?}"));
        let metric = line[..name_end].to_owned();
        assert!(
            metric
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "{line}"
        );
        let mut labels = HashMap::new();
        let mut rest = &line[name_end..];
        if let Some(body) = rest.strip_prefix('{') {
            let mut chars = body.char_indices().peekable();
            loop {
                let (start, _) = *chars.peek().unwrap();
                let eq = body[start..].find('=').unwrap() + start;
                let key = body[start..eq].to_owned();
                for _ in start..=eq {
                    chars.next();
                }
                assert_eq!(chars.next().map(|c| c.1), Some('"'), "{line}");
                let mut val = String::new();
                loop {
                    match chars.next().unwrap().1 {
                        '\\' => match chars.next().unwrap().1 {
                            'n' => val.push('\n'),
                            c => val.push(c),
                        },
                        '"' => break,
                        c => val.push(c),
                    }
                }
                labels.insert(key, val);
                match chars.next().unwrap() {
                    (_, ',') => continue,
                    (i, '}') => {
                        rest = &body[i + 1..];
                        break;
                    }
                    other => panic!("bad label list {other:?} in {line}"),
                }
            }
        }
        let value: f64 = rest
            .trim()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("bad value in {line:?}"));
        out.push(Sample {
            metric,
            labels,
            value,
        });
    }
    out
}

async fn scrape(shop: &Shop) -> Vec<Sample> {
    let res = shop
        .http
        .get(shop.s.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("openmetrics-text"),
        "{:?}",
        res.headers()
    );
    let text = res.text().await.unwrap();
    assert!(text.ends_with("# EOF\n"), "complete exposition");
    parse(&text)
}

/// The sum of `name` over samples whose labels include every pair of `labels` (0 if none).
fn value(s: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    s.iter()
        .filter(|m| m.metric == name)
        .filter(|m| {
            labels
                .iter()
                .all(|(k, v)| m.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|m| m.value)
        .sum()
}

#[tokio::test]
async fn metrics_are_off_without_a_token_setting() {
    let Some(s) = TestServer::start(Backend::Sqlite) else {
        return;
    };
    let (st, v) = s.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    // a user session is no metrics token either
    let admin = s.admin_token().await;
    let (st, _) = s.call(Method::GET, "/metrics", Some(&admin), None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn series_move_with_a_buyer_message_a_reply_and_a_delivery() {
    let Some(mut shop) = Shop::open(Backend::Sqlite, "指标商品").await else {
        return;
    };
    shop.s.settings_mut().metrics_token = Some(TOKEN.into());
    shop.s.restart();
    shop.token = shop.s.admin_token().await;
    shop.wait_online().await;
    let (st, v) = shop.s.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("missing_token"))
    );
    let (st, v) = shop
        .s
        .call(Method::GET, "/metrics", Some(&shop.token), None)
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );

    let id = shop.account.to_string();
    let acc = [("account_id", id.as_str())];
    let before = scrape(&shop).await;
    assert_eq!(
        value(
            &before,
            "xianyu_account_state",
            &[("account_id", &id), ("state", "online")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &before,
            "xianyu_account_state",
            &[("account_id", &id), ("state", "backoff")]
        ),
        0.0
    );
    assert!(
        value(
            &before,
            "xianyu_account_token_refreshes_total",
            &[("account_id", &id), ("result", "ok")]
        ) >= 1.0
    );

    // a buyer message answered by the default reply
    shop.api(
        Method::POST,
        &format!("/api/v1/accounts/{}/default-replies", shop.account),
        Some(json!({"reply": {"type": "text", "text": "您好，在的"}})),
        StatusCode::CREATED,
    )
    .await;
    shop.sim(
        &format!("/_sim/accounts/{}/buyer-messages", shop.unb),
        Some(json!({"buyer_id": "2200000000811", "buyer_name": "小周", "item_id": shop.item, "text": "在吗"})),
    )
    .await;
    shop.wait_sent("2200000000811", 1).await;
    // a paid order delivered
    let card = shop
        .card(
            json!({"name": "文本", "body": {"type": "text", "text": "资料 https://pan.example/m"}}),
        )
        .await;
    shop.rule(json!({"match_kind": "item_id", "match_value": shop.item, "card_id": card}))
        .await;
    let order = shop.order(json!({"buyer_id": "2200000000812"})).await;
    shop.pay(&order).await;
    shop.wait_outcome(&order, "delivered").await;

    let after = eventually(10, "the reply counted", || async {
        let s = scrape(&shop).await;
        (value(
            &s,
            "xianyu_account_auto_replies_total",
            &[("account_id", &id), ("source", "default")],
        ) >= 1.0)
            .then_some(s)
    })
    .await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    assert!(grew("xianyu_account_messages_received_total", &acc) >= 1.0);
    assert!(
        grew(
            "xianyu_account_messages_sent_total",
            &[("account_id", &id), ("verdict", "accepted")]
        ) >= 2.0,
        "reply and delivery"
    );
    assert_eq!(
        grew(
            "xianyu_account_deliveries_total",
            &[("account_id", &id), ("outcome", "delivered")]
        ),
        1.0
    );
    assert!(
        value(
            &after,
            "xianyu_account_mtop_calls_total",
            &[("account_id", &id), ("result", "ok")]
        ) >= 1.0
    );
    // HTTP series by route pattern: the account's id never appears as a route
    let http: Vec<String> = after
        .iter()
        .filter(|m| m.metric.starts_with("xianyu_http_requests"))
        .map(|m| format!("{} {:?}", m.metric, m.labels))
        .collect();
    assert!(
        value(
            &after,
            "xianyu_http_requests_total",
            &[("route", "/api/v1/orders/{id}"), ("status", "200")]
        ) >= 1.0,
        "{http:#?}"
    );
    assert!(
        after
            .iter()
            .filter(|m| m.metric.starts_with("xianyu_http"))
            .all(|m| !m
                .labels
                .get("route")
                .map_or("", String::as_str)
                .contains(&format!("/accounts/{id}/")))
    );
    assert!(
        value(
            &after,
            "xianyu_http_request_duration_seconds_count",
            &[("route", "/api/v1/orders/{id}")]
        ) >= 1.0
    );
    assert!(value(&after, "xianyu_db_pool_connections", &[("state", "idle")]) >= 0.0);
    assert!(
        after
            .iter()
            .any(|m| m.metric == "xianyu_log_records_buffered")
    );
}

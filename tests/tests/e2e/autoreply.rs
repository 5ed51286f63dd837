//! Automatic replies end to end: a simulated buyer writes, the server answers with the rule the
//! precedence picks (variables rendered), once-per-conversation holds across a restart, and a
//! seller's manual message pauses replies until the pause is lifted.
#![allow(clippy::unwrap_used, missing_docs)]

use crate::live::{events_socket, next_of_type};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use xianyu_tests::{Backend, TestServer, eventually, sim_call, sim_seller};

fn text(t: &str) -> Value {
    json!({"type": "text", "text": t})
}

/// Texts the account sent, in order.
async fn sent(c: &reqwest::Client, base: &str, unb: &str) -> Vec<String> {
    let v = sim_call(c, base, &format!("/_sim/accounts/{unb}/sent"), None).await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn buyer(c: &reqwest::Client, base: &str, unb: &str, buyer: &str, item: &str, msg: &str) {
    sim_call(
        c,
        base,
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        Some(json!({"buyer_id": buyer, "buyer_name": "小李", "item_id": item, "text": msg})),
    )
    .await;
}

async fn expect_sent(c: &reqwest::Client, base: &str, unb: &str, n: usize) -> Vec<String> {
    eventually(10, &format!("{n} sent messages"), || async {
        let s = sent(c, base, unb).await;
        (s.len() >= n).then_some(s)
    })
    .await
}

/// The stored automatic replies (with their decisions) of a conversation, newest first.
async fn auto_replies(s: &TestServer, token: &str, conv_id: &Value) -> Value {
    let path = format!("/api/v1/conversations/{conv_id}/auto-replies");
    let (st, v) = s.call(Method::GET, &path, Some(token), None).await;
    assert!(st.is_success(), "{path}: {st} {v}");
    v
}

async fn scenario(backend: Backend) {
    let Some((mut s, sim)) = TestServer::start_live(backend) else {
        return;
    };
    let base = sim.base_url();
    let c = reqwest::Client::new();
    let (unb, cookie, item) = sim_seller(&c, &base, "会员").await;
    let t = s.admin_token().await;
    let (_, a) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": cookie, "remark": "二号店"})),
        )
        .await;
    let id = a["id"].as_i64().unwrap();
    let api = format!("/api/v1/accounts/{id}");
    s.call(Method::POST, &format!("{api}/keyword-rules"), Some(&t), Some(json!({"keywords": ["价格"], "reply": text("{buyer_name}您好，{item_id}的价格见详情（{account_remark}）")}))).await;
    s.call(
        Method::POST,
        &format!("{api}/default-replies"),
        Some(&t),
        Some(json!({"reply": text("欢迎光临"), "once_per_conversation": true})),
    )
    .await;
    eventually(10, "online", || async {
        let (_, v) = s
            .call(Method::GET, &format!("{api}/status"), Some(&t), None)
            .await;
        (v["status"] == "online").then_some(())
    })
    .await;

    // keyword level, with variables rendered
    let mut ws = events_socket(&s, &t).await;
    buyer(&c, &base, &unb, "2200000000101", &item, "请问价格").await;
    let out = expect_sent(&c, &base, &unb, 1).await;
    assert_eq!(out[0], format!("小李您好，{item}的价格见详情（二号店）"));
    // once its decision is stored the feed says so, and the decision can be read at once
    let recorded = next_of_type(&mut ws, "reply_recorded", 5)
        .await
        .expect("a stored decision is announced");
    assert_eq!(
        (recorded["account"].as_i64(), recorded["verdict"].as_str()),
        (Some(id), Some("accepted"))
    );
    let (_, conv) = s
        .call(
            Method::GET,
            &format!(
                "{api}/conversations/by-cid/{}",
                recorded["cid"].as_str().unwrap()
            ),
            Some(&t),
            None,
        )
        .await;
    let why = auto_replies(&s, &t, &conv["id"]).await;
    assert_eq!(
        why["items"][0]["message_id"], recorded["message_id"],
        "the announced decision is stored: {why}"
    );
    drop(ws);

    // account default, once per conversation
    buyer(&c, &base, &unb, "2200000000102", &item, "你好").await;
    let out = expect_sent(&c, &base, &unb, 2).await;
    assert_eq!(out[1], "欢迎光临");
    buyer(&c, &base, &unb, "2200000000102", &item, "在吗").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        sent(&c, &base, &unb).await.len(),
        2,
        "the once-per-conversation reply is not repeated"
    );

    // ... also after a restart
    s.restart();
    let t = s.admin_token().await;
    eventually(10, "online after restart", || async {
        let (_, v) = s
            .call(Method::GET, &format!("{api}/status"), Some(&t), None)
            .await;
        (v["status"] == "online").then_some(())
    })
    .await;
    buyer(&c, &base, &unb, "2200000000102", &item, "有人吗").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        sent(&c, &base, &unb).await.len(),
        2,
        "once-per-conversation holds across a restart"
    );
    let (_, v) = s
        .call(
            Method::DELETE,
            &format!("{api}/reply-memory"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(v["cleared"], 1);
    buyer(&c, &base, &unb, "2200000000102", &item, "有人吗？").await;
    let out = expect_sent(&c, &base, &unb, 3).await;
    assert_eq!(
        out[2], "欢迎光临",
        "after clearing the memory it answers again"
    );

    // the seller writes from the phone: paused, then lifted
    let (_, convs) = s
        .call(Method::GET, &format!("{api}/conversations"), Some(&t), None)
        .await;
    let conv = convs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["buyer_id"] == "2200000000101")
        .unwrap()
        .clone();
    sim_call(
        &c,
        &base,
        &format!("/_sim/accounts/{unb}/push-kind"),
        Some(json!({"kind": "manual_seller_message", "cid": conv["cid"]})),
    )
    .await;
    eventually(10, "pause", || async {
        let (_, v) = s
            .call(Method::GET, &format!("{api}/conversations"), Some(&t), None)
            .await;
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == conv["id"] && c["paused_until"].is_string())
            .then_some(())
    })
    .await;
    buyer(&c, &base, &unb, "2200000000101", &item, "价格能少吗").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        sent(&c, &base, &unb).await.len(),
        3,
        "no automatic reply while paused"
    );
    s.call(
        Method::DELETE,
        &format!("/api/v1/conversations/{}/pause", conv["id"]),
        Some(&t),
        None,
    )
    .await;
    buyer(&c, &base, &unb, "2200000000101", &item, "价格能少吗？").await;
    let out = expect_sent(&c, &base, &unb, 4).await;
    assert!(
        out[3].starts_with("小李您好"),
        "replies resume after the pause is lifted: {out:?}"
    );

    // the explanation is stored with the reply: visible in the conversation's messages
    let (_, msgs) = s
        .call(
            Method::GET,
            &format!("/api/v1/conversations/{}/messages", conv["id"]),
            Some(&t),
            None,
        )
        .await;
    assert!(
        msgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["direction"] == "auto_reply"),
        "{msgs}"
    );
    let why = auto_replies(&s, &t, &conv["id"]).await;
    let latest = &why["items"][0];
    assert_eq!(
        (
            latest["verdict"].as_str(),
            latest["decision"]["fired"]["level"].as_str()
        ),
        (Some("accepted"), Some("general_keyword")),
        "{why}"
    );
    let answered = msgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "buyer" && m["message_id"] == latest["message_id"]);
    assert!(
        answered.is_some(),
        "the reply names the buyer message it answered: {why}"
    );
    assert!(
        latest["decision"]["steps"].as_array().unwrap().len() >= 2,
        "the levels before it are explained: {why}"
    );
}

#[tokio::test]
async fn auto_replies_on_sqlite() {
    scenario(Backend::Sqlite).await;
}

#[tokio::test]
async fn auto_replies_on_postgres() {
    scenario(Backend::Postgres).await;
}

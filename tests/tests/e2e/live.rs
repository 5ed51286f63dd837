//! The server with its account runner against the Goofish simulator: accounts go online,
//! buyer messages are stored once, the seller sends through the live connection, live events
//! reach only the owner, and enabling/disabling starts and stops the connection.
#![allow(clippy::unwrap_used, missing_docs)]

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use xianyu_tests::{Backend, TestServer, eventually, sim_call as sim};

/// The live-events socket of a user, after its `ready`.
pub(crate) async fn events_socket(
    s: &TestServer,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = s.url("/api/v1/ws/events").replace("http://", "ws://");
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let ready = next_json(&mut ws, 5).await.unwrap();
    assert_eq!(ready["type"], "ready");
    ws
}

pub(crate) async fn next_json<S>(ws: &mut S, secs: u64) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return Some(serde_json::from_str(&t).unwrap()),
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

/// The next event of type `ty` (others are skipped), waiting up to `secs` seconds.
pub(crate) async fn next_of_type<S>(ws: &mut S, ty: &str, secs: u64) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        let e = next_json(ws, left.as_secs().max(1)).await?;
        if e["type"] == ty {
            return Some(e);
        }
    }
}

async fn live_scenario(backend: Backend) {
    let Some((s, sim_handle)) = TestServer::start_live(backend) else {
        return;
    };
    let base = sim_handle.base_url();
    let c = reqwest::Client::new();
    let acc = sim(
        &c,
        &base,
        "/_sim/accounts",
        Some(json!({"nick": "卖家一号"})),
    )
    .await;
    let unb = acc["unb"].as_str().unwrap().to_owned();
    let item = sim(
        &c,
        &base,
        &format!("/_sim/accounts/{unb}/items"),
        Some(json!({"title": "激活码", "price_fen": 990})),
    )
    .await;
    let item_id = item["item_id"].as_str().unwrap().to_owned();

    let admin = s.admin_token().await;
    let other = s.user_token(&admin, "other").await;
    let mut admin_ws = events_socket(&s, &admin).await;
    let mut other_ws = events_socket(&s, &other).await;

    let started = Instant::now();
    let (st, a) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"cookie": acc["cookie"]})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let id = a["id"].as_i64().unwrap();
    let status_path = format!("/api/v1/accounts/{id}/status");
    let status = eventually(10, "account online", || async {
        let (_, v) = s.call(Method::GET, &status_path, Some(&admin), None).await;
        (v["status"] == "online").then_some(v)
    })
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "online within a few seconds"
    );
    assert_eq!(status["running"], true);
    assert!(status["last_frame_at"].is_string());
    assert_eq!(
        s.call(
            Method::GET,
            &format!("/api/v1/accounts/{id}"),
            Some(&admin),
            None
        )
        .await
        .1["status"],
        "online"
    );

    // a buyer writes; the simulator pushes every chat message twice (F8)
    sim(
        &c,
        &base,
        "/_sim/faults",
        Some(json!({"unb": unb, "kind": "duplicate_push"})),
    )
    .await;
    sim(&c, &base, &format!("/_sim/accounts/{unb}/buyer-messages"), Some(json!({"buyer_id": "2200000000001", "buyer_name": "测试买家", "item_id": item_id, "text": "在吗"}))).await;
    let convs_path = format!("/api/v1/accounts/{id}/conversations");
    let conv = eventually(10, "conversation", || async {
        let (_, v) = s.call(Method::GET, &convs_path, Some(&admin), None).await;
        v["items"].as_array().and_then(|a| a.first().cloned())
    })
    .await;
    assert_eq!(
        (
            conv["buyer_id"].as_str(),
            conv["buyer_name"].as_str(),
            conv["item_id"].as_str()
        ),
        (
            Some("2200000000001"),
            Some("测试买家"),
            Some(item_id.as_str())
        )
    );
    let conv_id = conv["id"].as_i64().unwrap();
    // one conversation, by its id and by Goofish's cid (what live events carry)
    let by_id = s
        .call(
            Method::GET,
            &format!("/api/v1/conversations/{conv_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!((by_id.0, &by_id.1["cid"]), (StatusCode::OK, &conv["cid"]));
    let cid = conv["cid"].as_str().unwrap();
    let by_cid = s
        .call(
            Method::GET,
            &format!("{convs_path}/by-cid/{cid}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!((by_cid.0, &by_cid.1["id"]), (StatusCode::OK, &conv["id"]));
    for (path, token) in [
        (format!("/api/v1/conversations/{conv_id}"), &other),
        (format!("{convs_path}/by-cid/{cid}"), &other),
        (format!("{convs_path}/by-cid/nope"), &admin),
    ] {
        let (st, v) = s.call(Method::GET, &path, Some(token), None).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("conversation_not_found")),
            "{path}"
        );
    }
    let msgs_path = format!("/api/v1/conversations/{conv_id}/messages");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, msgs) = s.call(Method::GET, &msgs_path, Some(&admin), None).await;
    let items = msgs["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "a duplicated push is stored once: {msgs}");
    assert_eq!(
        (items[0]["direction"].as_str(), items[0]["text"].as_str()),
        (Some("buyer"), Some("在吗"))
    );
    let res = c
        .delete(format!("{base}/_sim/faults?unb={unb}"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());

    // live events reach the owner only
    let seen = loop {
        let e = next_json(&mut admin_ws, 5)
            .await
            .expect("owner gets the message event");
        if e["type"] == "message_received" {
            break e;
        }
    };
    assert_eq!(
        (seen["account"].as_i64(), seen["text"].as_str()),
        (Some(id), Some("在吗"))
    );
    assert!(
        next_json(&mut other_ws, 1).await.is_none(),
        "another user sees nothing of this account"
    );

    // the seller answers through the live connection
    let (st, v) = s
        .call(
            Method::POST,
            &msgs_path,
            Some(&admin),
            Some(json!({"text": "你好，在的"})),
        )
        .await;
    assert_eq!(
        (st, v["verdict"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{v}"
    );
    let sent = sim(&c, &base, &format!("/_sim/accounts/{unb}/sent"), None).await;
    let sent = sent.as_array().unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (
            sent[0]["kind"].as_str(),
            sent[0]["text"].as_str(),
            sent[0]["to"].as_str()
        ),
        (Some("text"), Some("你好，在的"), Some("2200000000001"))
    );
    assert_eq!(sent[0]["cid"].as_str(), conv["cid"].as_str());
    let (_, msgs) = s.call(Method::GET, &msgs_path, Some(&admin), None).await;
    assert_eq!(
        msgs["items"][0]["direction"], "dashboard",
        "a message sent from the dashboard is told from one written on the phone: {msgs}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, conv) = s.call(Method::GET, &convs_path, Some(&admin), None).await;
    assert_eq!(
        conv["items"][0]["paused_until"],
        Value::Null,
        "our own echo is not a takeover"
    );
    assert_eq!(conv["items"][0]["unread"], 0);

    // the seller answers from the phone app: a takeover pauses auto-replies, and it can be lifted
    let cid = conv["items"][0]["cid"].as_str().unwrap().to_owned();
    sim(
        &c,
        &base,
        &format!("/_sim/accounts/{unb}/push-kind"),
        Some(json!({"kind": "manual_seller_message", "cid": cid})),
    )
    .await;
    let paused = eventually(10, "takeover pause", || async {
        let (_, v) = s.call(Method::GET, &convs_path, Some(&admin), None).await;
        v["items"][0]["paused_until"].as_str().map(str::to_owned)
    })
    .await;
    let until = chrono::DateTime::parse_from_rfc3339(&paused).unwrap();
    let minutes = (until.timestamp() - chrono::Utc::now().timestamp()) / 60;
    assert!(
        (9..=10).contains(&minutes),
        "paused for the account's pause_minutes (10): {minutes}"
    );
    assert_eq!(
        s.call(Method::GET, &convs_path, Some(&admin), None).await.1["items"][0]["last_message"]["direction"],
        "seller_manual"
    );
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/conversations/{conv_id}/pause"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(
        s.call(Method::GET, &convs_path, Some(&admin), None).await.1["items"][0]["paused_until"],
        Value::Null
    );
    let resumed = next_of_type(&mut admin_ws, "chat_resumed", 5)
        .await
        .expect("lifting a pause is announced live");
    assert_eq!(
        (resumed["account"].as_i64(), resumed["cid"].as_str()),
        (Some(id), Some(cid.as_str()))
    );
    assert_eq!(
        s.call(
            Method::DELETE,
            &format!("/api/v1/conversations/{conv_id}/pause"),
            Some(&other),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    // the content filter's verdict is reported
    sim(
        &c,
        &base,
        "/_sim/faults",
        Some(json!({"unb": unb, "kind": "reject_send"})),
    )
    .await;
    let (st, v) = s
        .call(
            Method::POST,
            &msgs_path,
            Some(&admin),
            Some(json!({"text": "违规内容"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("message_rejected"))
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("CSI_FORBID"),
        "{v}"
    );
    let (st, v) = s
        .call(
            Method::POST,
            &msgs_path,
            Some(&admin),
            Some(json!({"text": ""})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_message"))
    );

    // another user cannot read or write this conversation
    for (m, body) in [
        (Method::GET, None),
        (Method::POST, Some(json!({"text": "hi"}))),
    ] {
        let (st, v) = s.call(m, &msgs_path, Some(&other), body).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("conversation_not_found"))
        );
    }

    // disabling closes the connection; enabling brings it back
    let (_, v) = s
        .call(
            Method::PATCH,
            &format!("/api/v1/accounts/{id}"),
            Some(&admin),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(v["status"], "disabled");
    eventually(10, "socket closed", || async {
        let v = sim(&c, &base, &format!("/_sim/accounts/{unb}"), None).await;
        (v["live_ws_sessions"] == 0).then_some(())
    })
    .await;
    let (st, v) = s
        .call(
            Method::POST,
            &msgs_path,
            Some(&admin),
            Some(json!({"text": "还在吗"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("account_offline"))
    );
    s.call(
        Method::PATCH,
        &format!("/api/v1/accounts/{id}"),
        Some(&admin),
        Some(json!({"enabled": true})),
    )
    .await;
    eventually(10, "online again", || async {
        let (_, v) = s.call(Method::GET, &status_path, Some(&admin), None).await;
        (v["status"] == "online").then_some(())
    })
    .await;
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/accounts/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    eventually(10, "socket closed after delete", || async {
        let v = sim(&c, &base, &format!("/_sim/accounts/{unb}"), None).await;
        (v["live_ws_sessions"] == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn live_account_on_sqlite() {
    live_scenario(Backend::Sqlite).await;
}

#[tokio::test]
async fn live_account_on_postgres() {
    live_scenario(Backend::Postgres).await;
}

#[tokio::test]
async fn events_socket_needs_a_token() {
    let s = TestServer::start(Backend::Sqlite).unwrap();
    let url = s.url("/api/v1/ws/events").replace("http://", "ws://");
    // bad header: refused before the upgrade
    let mut req = url.clone().into_client_request().unwrap();
    req.headers_mut()
        .insert("authorization", "Bearer nonsense".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());
    // browser style: first message carries the token
    let token = s.admin_token().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(url.clone()).await.unwrap();
    use futures_util::SinkExt;
    ws.send(Message::Text(
        json!({"type": "auth", "token": token}).to_string().into(),
    ))
    .await
    .unwrap();
    assert_eq!(next_json(&mut ws, 5).await.unwrap()["type"], "ready");
    // no token at all: an error message, then the socket closes
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::Text("{\"type\":\"hello\"}".into()))
        .await
        .unwrap();
    let e = next_json(&mut ws, 6).await.unwrap();
    assert_eq!(
        (e["type"].as_str(), e["code"].as_str()),
        (Some("error"), Some("missing_token"))
    );
}

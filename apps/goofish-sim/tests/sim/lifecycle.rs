//! Starting/stopping from different contexts, the binary, config switches, control-API errors.
#![allow(clippy::unwrap_used)]

use crate::common::{self, Sim, WsEvent, decode_one, mid, now_ms};
use goofish_protocol::lwp;
use goofish_sim::{GoofishSim, NewAccount, NewItem, PushEncoding, RegInvalidBehaviour, SimConfig};
use serde_json::{Value, json};
use std::io::BufRead;

#[test]
fn start_from_plain_test_and_use_state_in_process() {
    let sim = GoofishSim::start(SimConfig::default()).unwrap();
    assert!(sim.port() > 0);
    assert_eq!(sim.ws_url(), format!("ws://127.0.0.1:{}/", sim.port()));
    assert_eq!(
        sim.upload_url(),
        format!("http://127.0.0.1:{}/api/upload.api", sim.port())
    );
    assert_eq!(sim.h5api_base(), sim.base_url());
    assert_eq!(sim.passport_base(), sim.base_url());
    let st = sim.state();
    let (unb, cookie) = st
        .create_account(NewAccount {
            unb: Some("2219000000999".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(
        cookie.contains("unb=2219000000999")
            && cookie.contains("cookie2=")
            && cookie.contains("_m_h5_tk=")
    );
    for k in ["t=", "sgcookie=", "tracknick=", "_m_h5_tk_enc=", "cna="] {
        assert!(cookie.contains(k), "{k}");
    }
    let item = st
        .add_item(
            &unb,
            NewItem {
                title: "t".into(),
                price_fen: 1,
                description: None,
                skus: vec![],
            },
        )
        .unwrap();
    assert_eq!(item.len(), 12);
    assert!(
        st.create_account(NewAccount {
            unb: Some(unb.clone()),
            ..Default::default()
        })
        .is_err()
    );
    let port = sim.port();
    sim.stop();
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port released after stop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_inside_tokio_runtime_and_drop() {
    let sim = GoofishSim::start(SimConfig::default()).unwrap();
    let body = reqwest::get(format!("{}/", sim.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("goofish-sim"));
    drop(sim);
}

#[test]
fn binary_prints_four_env_lines() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_goofish-sim"))
        .args(["--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let got: Vec<String> = (0..4).map(|_| lines.next().unwrap().unwrap()).collect();
    let _ = child.kill();
    let _ = child.wait();
    let base = got[0].strip_prefix("XIANYU_GOOFISH_H5API_BASE=").unwrap();
    assert!(base.starts_with("http://127.0.0.1:"));
    let hostport = base.trim_start_matches("http://");
    assert_eq!(got[1], format!("XIANYU_GOOFISH_WS_URL=ws://{hostport}/"));
    assert_eq!(got[2], format!("XIANYU_GOOFISH_PASSPORT_BASE={base}"));
    assert_eq!(
        got[3],
        format!("XIANYU_GOOFISH_UPLOAD_URL={base}/api/upload.api")
    );
}

#[tokio::test]
async fn reg_invalid_close_immediately_and_json_pushes() {
    let sim = Sim::start_with(SimConfig {
        reg_invalid: RegInvalidBehaviour::CloseImmediately,
        push_encoding: PushEncoding::Json,
        ..SimConfig::default()
    });
    let (unb, mut jar) = sim.account().await;
    let mut ws = sim.ws(&jar).await;
    ws.send(&lwp::reg("bad", "did", common::UA, &mid())).await;
    assert!(matches!(ws.event(1000).await, WsEvent::Closed(Some(1000))));
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.ok_post(
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        json!({"item_id": "1", "text": "json"}),
    )
    .await;
    let f = ws.push(2000).await.unwrap();
    let raw = goofish_protocol::payload::base64_lenient(
        f["body"]["syncPushPackage"]["data"][0]["data"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(raw[0], b'{');
    assert_eq!(decode_one(&f)["1"]["10"]["reminderContent"], "json");
}

#[tokio::test]
async fn rotate_on_mismatch_switch() {
    let sim = Sim::start_with(SimConfig {
        rotate_on_mismatch: true,
        ..SimConfig::default()
    });
    let (_unb, jar) = sim.account().await;
    let r = sim
        .mtop_raw(
            &jar,
            "mtop.taobao.idlemessage.pc.loginuser.get",
            "{}",
            &now_ms().to_string(),
            "bad",
        )
        .await;
    let tk = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("_m_h5_tk="))
        .unwrap();
    assert!(!tk.contains(jar.get("_m_h5_tk").unwrap()), "rotated");
    let sim = Sim::start();
    let (_unb, jar) = sim.account().await;
    let r = sim
        .mtop_raw(
            &jar,
            "mtop.taobao.idlemessage.pc.loginuser.get",
            "{}",
            &now_ms().to_string(),
            "bad",
        )
        .await;
    let tk = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("_m_h5_tk="))
        .unwrap();
    assert!(
        tk.contains(jar.get("_m_h5_tk").unwrap()),
        "current token resent"
    );
}

#[tokio::test]
async fn control_api_errors_are_json_400_404() {
    let sim = Sim::start();
    let raw = sim
        .http
        .post(sim.url("/_sim/accounts"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let e: Value = raw.json().await.unwrap();
    assert_eq!(e["error"]["code"], "invalid_body");
    assert!(e["error"]["message"].is_string());
    let (s, e) = sim.post("/_sim/accounts", json!({"unb": "abc"})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("invalid_unb")));
    let (s, e) = sim.get("/_sim/accounts/123").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (404, Some("account_not_found"))
    );
    let (s, _) = sim
        .post(
            "/_sim/accounts/123/items",
            json!({"title": "x", "price_fen": 1}),
        )
        .await;
    assert_eq!(s, 404);
    let (unb, _jar) = sim.account().await;
    let (s, _) = sim
        .post(&format!("/_sim/accounts/{unb}/items"), json!({"title": 5}))
        .await;
    assert_eq!(s, 400);
    let (s, _) = sim
        .post(
            &format!("/_sim/accounts/{unb}/orders"),
            json!({"item_id": "404"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = sim.post("/_sim/orders/1/pay", json!({})).await;
    assert_eq!(s, 404);
    let (s, _) = sim.get("/_sim/journal?kind=smtp").await;
    assert_eq!(s, 400);
    let (s, _) = sim.get("/_sim/journal?limit=x").await;
    assert_eq!(s, 400);
    let (s, _) = sim.post("/_sim/clock", json!({})).await;
    assert_eq!(s, 400);
    let (s, e) = sim.get("/_sim/nothing").await;
    assert_eq!((s, e["error"]["code"].as_str()), (404, Some("no_route")));
    let item = sim.item(&unb, "x", 1).await;
    let o = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/orders"),
            json!({"item_id": item}),
        )
        .await;
    let oid = o["order_id"].as_str().unwrap();
    sim.ok_post(&format!("/_sim/orders/{oid}/pay"), json!({}))
        .await;
    let (s, e) = sim
        .post(&format!("/_sim/orders/{oid}/pay"), json!({}))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("order_not_payable"))
    );
}

#[tokio::test]
async fn journal_filters_limit_clear_and_stats() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let m = mid();
    ws.send(&lwp::heartbeat(&m)).await;
    ws.reply_to(&m).await;
    let all = sim.journal("").await;
    let ws_only = sim.journal("?kind=ws").await;
    let http_only = sim.journal(&format!("?kind=http&unb={unb}")).await;
    assert_eq!(all.len(), ws_only.len() + http_only.len());
    assert!(ws_only.iter().any(|e| e["dir"] == "in" && e["lwp"] == "/!"));
    assert!(
        ws_only
            .iter()
            .any(|e| e["dir"] == "event" && e["outcome"] == "connect")
    );
    assert!(http_only.iter().all(|e| e["api"].is_string()));
    let last2 = sim.journal("?limit=2").await;
    assert_eq!(last2.len(), 2);
    assert_eq!(last2[1]["seq"], all.last().unwrap()["seq"]);
    let s = sim.stats().await;
    assert_eq!(s["connections_accepted"], 1);
    assert_eq!(s["registrations"], 1);
    assert_eq!(s["frames_in_by_lwp"]["/!"], 1);
    assert_eq!(s["frames_in_by_lwp"]["/r/SyncStatus/ackDiff"], 1);
    assert!(s["mtop_calls"].as_u64().unwrap() >= 1);
    let (st, _) = sim.delete("/_sim/journal").await;
    assert_eq!(st, 200);
    assert!(sim.journal("").await.is_empty());
    let c = sim.get("/_sim/clock").await.1;
    assert!(c["now_ms"].as_i64().unwrap() >= now_ms() - 1000);
    let l = sim.get("/_sim/accounts").await.1;
    assert_eq!(l["accounts"], json!([unb]));
}

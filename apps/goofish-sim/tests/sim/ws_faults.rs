//! WebSocket failure modes F6, F7, F8, F9, F13, F14, F16 (spec §8.5).
#![allow(clippy::unwrap_used)]

use crate::common::{self, Sim, WsEvent, decode_all, decode_one, mid};
use goofish_protocol::events::{self, Event};
use goofish_protocol::lwp;
use serde_json::json;
use std::time::{Duration, Instant};

async fn buyer_msg(sim: &Sim, unb: &str, text: &str) -> serde_json::Value {
    sim.ok_post(
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        json!({"buyer_id": "2200000000001", "item_id": "900000000001", "text": text}),
    )
    .await
}

#[tokio::test]
async fn f6_supersede_makes_zombie() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, token, did) = sim.online(&unb, &mut jar).await;
    let v = sim
        .fault(json!({"unb": unb, "kind": "supersede_token"}))
        .await;
    let new_token = v["details"][0]["new_token"].as_str().unwrap().to_string();
    assert_ne!(new_token, token);
    assert_eq!(v["details"][0]["did"], did.as_str());
    buyer_msg(&sim, &unb, "zombie?").await;
    let m = mid();
    ws.send(&lwp::heartbeat(&m)).await;
    let r = ws.next(2000).await.unwrap();
    assert_eq!(
        r["headers"]["mid"],
        m.as_str(),
        "heartbeat answered, no push before it: {r}"
    );
    assert!(ws.push(400).await.is_none(), "zombie must get no pushes");
    let mut fresh = sim.ws(&jar).await;
    assert_eq!(fresh.reg(&new_token, &did).await["code"], 200);
    buyer_msg(&sim, &unb, "alive").await;
    assert_eq!(
        decode_one(&fresh.push(2000).await.unwrap())["1"]["10"]["reminderContent"],
        "alive"
    );
}

#[tokio::test]
async fn f7_drop_socket_rst_and_close() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.fault(json!({"unb": unb, "kind": "drop_socket", "mode": "rst"}))
        .await;
    match ws.event(2000).await {
        WsEvent::Closed(None) | WsEvent::Error(_) => {}
        other => panic!("expected abrupt end without close frame, got {other:?}"),
    }
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.fault(json!({"unb": unb, "kind": "drop_socket", "mode": "close"}))
        .await;
    assert!(matches!(ws.event(2000).await, WsEvent::Closed(Some(1000))));
}

#[tokio::test]
async fn f7_half_open_stops_answering() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.fault(json!({"unb": unb, "kind": "drop_socket", "mode": "half_open"}))
        .await;
    ws.send(&lwp::heartbeat(&mid())).await;
    buyer_msg(&sim, &unb, "lost").await;
    assert!(matches!(ws.event(500).await, WsEvent::Timeout));
}

#[tokio::test]
async fn f7_times_and_close_after_reg_ms() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (token, did) = sim.im_token(&mut jar, &unb).await;
    sim.fault(json!({"unb": unb, "kind": "drop_socket", "mode": "close", "times": 1}))
        .await;
    let mut ws = sim.ws(&jar).await;
    assert_eq!(ws.reg(&token, &did).await["code"], 200);
    assert!(matches!(ws.event(2000).await, WsEvent::Closed(Some(1000))));
    let mut ws = sim.ws(&jar).await;
    assert_eq!(ws.reg(&token, &did).await["code"], 200);
    assert!(
        matches!(ws.event(300).await, WsEvent::Timeout),
        "times=1 exhausted"
    );
    sim.fault(
        json!({"unb": unb, "kind": "drop_socket", "mode": "close", "close_after_reg_ms": 100}),
    )
    .await;
    for _ in 0..3 {
        let mut ws = sim.ws(&jar).await;
        let t0 = Instant::now();
        assert_eq!(ws.reg(&token, &did).await["code"], 200);
        assert!(matches!(ws.event(2000).await, WsEvent::Closed(Some(1000))));
        assert!(t0.elapsed() < Duration::from_millis(1500));
    }
    let acc = sim.get(&format!("/_sim/accounts/{unb}")).await.1;
    assert_eq!(acc["connection_attempts"], 5);
}

#[tokio::test]
async fn f8_duplicate_push_same_message_new_mid() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.fault(json!({"unb": unb, "kind": "duplicate_push"}))
        .await;
    buyer_msg(&sim, &unb, "dup").await;
    let a = ws.push(2000).await.unwrap();
    let b = ws.push(2000).await.unwrap();
    assert_ne!(a["headers"]["mid"], b["headers"]["mid"]);
    let (da, db) = (decode_one(&a), decode_one(&b));
    assert_eq!(da, db);
    assert_eq!(events::dedupe_key(&da), events::dedupe_key(&db));
}

#[tokio::test]
async fn f8_resend_unacked() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.fault(json!({"unb": unb, "kind": "duplicate_push", "resend_unacked_after_ms": 200}))
        .await;
    buyer_msg(&sim, &unb, "resend").await;
    let a = ws.push(2000).await.unwrap();
    ws.ack(&a).await;
    let b = ws.push(2000).await.unwrap();
    ws.ack(&b).await;
    // Both copies acked promptly: nothing is resent.
    assert!(ws.push(600).await.is_none());
    buyer_msg(&sim, &unb, "resend2").await;
    let c = ws.push(2000).await.unwrap();
    let _dup = ws.push(2000).await.unwrap();
    // Leave both unacked: each is resent once with a new mid.
    let r1 = ws.push(2000).await.unwrap();
    assert_ne!(r1["headers"]["mid"], c["headers"]["mid"]);
    assert_eq!(decode_one(&r1), decode_one(&c));
}

#[tokio::test]
async fn f9_batch_status_precedes_chat() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.fault(json!({"unb": unb, "kind": "batch_push"})).await;
    let v = buyer_msg(&sim, &unb, "batched").await;
    let f = ws.push(2000).await.unwrap();
    let els = f["body"]["syncPushPackage"]["data"].as_array().unwrap();
    assert_eq!(els.len(), 2);
    assert_eq!(els[0]["objectType"], 40103);
    assert_eq!(els[1]["objectType"], 40000);
    let all = decode_all(&f);
    assert!(matches!(
        events::classify(all[0].as_ref().unwrap(), &unb),
        Event::Status { .. }
    ));
    match events::classify(all[1].as_ref().unwrap(), &unb) {
        Event::Chat(c) => assert_eq!(c.message_id, v["message_id"].as_str().unwrap()),
        x => panic!("{x:?}"),
    }
}

#[tokio::test]
async fn f13_slow_and_omitted_reg() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (token, did) = sim.im_token(&mut jar, &unb).await;
    sim.fault(json!({"unb": unb, "kind": "slow_reg", "delay_ms": 600}))
        .await;
    let mut ws = sim.ws(&jar).await;
    ws.send(&lwp::reg(&token, &did, common::UA, &mid())).await;
    assert!(matches!(ws.event(300).await, WsEvent::Timeout));
    assert_eq!(ws.next(1000).await.unwrap()["code"], 200);
    sim.fault(json!({"unb": unb, "kind": "slow_reg", "omit": true}))
        .await;
    let mut ws = sim.ws(&jar).await;
    ws.send(&lwp::reg(&token, &did, common::UA, &mid())).await;
    assert!(matches!(ws.event(500).await, WsEvent::Timeout));
    // Registered anyway: heartbeats work and pushes arrive.
    let m = mid();
    ws.send(&lwp::heartbeat(&m)).await;
    assert_eq!(ws.reply_to(&m).await["code"], 200);
}

#[tokio::test]
async fn f14_unacked_push_disconnects() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.fault(json!({"unb": unb, "kind": "unacked_disconnect", "after_ms": 300}))
        .await;
    buyer_msg(&sim, &unb, "ack me").await;
    let p = ws.push(2000).await.unwrap();
    ws.ack(&p).await;
    assert!(
        matches!(ws.event(700).await, WsEvent::Timeout),
        "acked push keeps the session"
    );
    buyer_msg(&sim, &unb, "ignored").await;
    ws.push(2000).await.unwrap();
    let t0 = Instant::now();
    assert!(matches!(ws.event(3000).await, WsEvent::Closed(Some(1000))));
    assert!(t0.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn f16_malformed_payloads() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    buyer_msg(&sim, &unb, "setup").await;
    ws.push(2000).await.unwrap();
    let v = sim
        .fault(json!({"unb": unb, "kind": "malformed", "variant": "all"}))
        .await;
    assert_eq!(v["details"][0]["frames"], 4);
    let mut results = Vec::new();
    for _ in 0..4 {
        let f = ws.push(2000).await.unwrap();
        results.push(decode_all(&f).remove(0));
    }
    let ext = results[0].as_ref().unwrap_err().to_string();
    assert_eq!(ext, "Unknown format byte: d4");
    assert!(results[1].is_err(), "truncated");
    assert!(results[2].is_err(), "non-map");
    let ok = results[3].as_ref().unwrap();
    assert!(
        ok["1"]["10"]["reminderContent"]
            .as_str()
            .unwrap()
            .starts_with("unpadded")
    );
    let (s, e) = sim
        .post(
            "/_sim/faults",
            json!({"unb": unb, "kind": "malformed", "variant": "weird"}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["code"], "invalid_variant");
}

#[tokio::test]
async fn fault_without_unb_applies_to_all_and_later_accounts() {
    let sim = Sim::start();
    let (a, mut ja) = sim.account().await;
    sim.fault(json!({"kind": "reject_reg"})).await;
    let (b, mut jb) = sim.account().await;
    for (u, j) in [(&a, &mut ja), (&b, &mut jb)] {
        let (t, d) = sim.im_token(j, u).await;
        let mut ws = sim.ws(j).await;
        assert_eq!(ws.reg(&t, &d).await["code"], 401);
    }
    sim.delete("/_sim/faults").await;
    let (t, d) = sim.im_token(&mut ja, &a).await;
    let mut ws = sim.ws(&ja).await;
    assert_eq!(ws.reg(&t, &d).await["code"], 200);
    let (s, e) = sim.post("/_sim/faults", json!({"kind": "bogus"})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (400, Some("unknown_fault"))
    );
    let (s, _) = sim
        .post("/_sim/faults", json!({"unb": "404", "kind": "kick"}))
        .await;
    assert_eq!(s, 404);
}

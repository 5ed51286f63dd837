//! WebSocket core behaviour (spec §8.4 items 1–8) and F5, F10, F11, F12, F15.
#![allow(clippy::unwrap_used)]

use crate::common::{self, Sim, WsEvent, decode_one, mid, now_ms};
use goofish_protocol::events::{self, Event};
use goofish_protocol::lwp::{self, SendContent};
use serde_json::{Value, json};

async fn conversation(sim: &Sim, unb: &str, buyer: &str) -> (String, String) {
    let item = sim.item(unb, "商品", 100).await;
    let v = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/buyer-messages"),
            json!({"buyer_id": buyer, "item_id": item, "text": "在吗"}),
        )
        .await;
    (v["cid"].as_str().unwrap().to_string(), item)
}

#[tokio::test]
async fn reg_ok_reply_shape_and_account_summary() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (token, did) = sim.im_token(&mut jar, &unb).await;
    let mut ws = sim.ws(&jar).await;
    let m = mid();
    ws.send(&lwp::reg(&token, &did, common::UA, &m)).await;
    let r = ws.next(2000).await.unwrap();
    assert_eq!(r["code"], 200);
    let h = &r["headers"];
    assert_eq!(h["mid"], m.as_str());
    assert_eq!(h["sid"], h["reg-sid"]);
    assert!(!h["sid"].as_str().unwrap().is_empty());
    assert_eq!(h["reg-uid"], format!("{unb}@goofish"));
    assert_eq!(h["dt"], "j");
    assert_eq!(r["body"]["unitName"], "PNM");
    assert_eq!(r["body"]["cookie"], "");
    assert_eq!(r["body"]["isFromChina"], true);
    assert!(r["body"]["timestamp"].as_i64().unwrap() > 0);
    let acc = sim.get(&format!("/_sim/accounts/{unb}")).await.1;
    assert_eq!(acc["live_ws_sessions"], 1);
    assert_eq!(acc["connection_attempts"], 1);
    assert!(acc["last_reg_at"].is_i64());
}

#[tokio::test]
async fn bad_token_gets_401_then_close() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (_token, did) = sim.im_token(&mut jar, &unb).await;
    let mut ws = sim.ws(&jar).await;
    let m = mid();
    ws.send(&lwp::reg("not-a-token", &did, common::UA, &m))
        .await;
    let r = ws.next(2000).await.unwrap();
    assert_eq!(r["code"], 401);
    assert_eq!(r["headers"]["mid"], m.as_str());
    assert_eq!(r["body"]["reason"], "token invalid");
    let t0 = std::time::Instant::now();
    match ws.event(3000).await {
        WsEvent::Closed(code) => assert_eq!(code, Some(1000)),
        other => panic!("expected close, got {other:?}"),
    }
    assert!(t0.elapsed().as_millis() >= 800);
}

#[tokio::test]
async fn did_mismatch_and_superseded_token_rejected() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (token, _did) = sim.im_token(&mut jar, &unb).await;
    let mut ws = sim.ws(&jar).await;
    let other = goofish_protocol::ids::device_id(&unb, &mut rand::rng());
    assert_eq!(
        ws.reg(&token, &other).await["body"]["reason"],
        "did mismatch"
    );
    let (t1, did) = sim.im_token(&mut jar, &unb).await;
    let data = format!(r#"{{"appKey":"444e9908a51d1cb236a27862abc769c9","deviceId":"{did}"}}"#);
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idlemessage.pc.login.token", &data)
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
    let mut ws = sim.ws(&jar).await;
    assert_eq!(
        ws.reg(&t1, &did).await["body"]["reason"],
        "token superseded"
    );
}

#[tokio::test]
async fn f5_reject_reg_times() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (token, did) = sim.im_token(&mut jar, &unb).await;
    sim.fault(json!({"unb": unb, "kind": "reject_reg", "times": 2}))
        .await;
    for _ in 0..2 {
        let mut ws = sim.ws(&jar).await;
        assert_eq!(ws.reg(&token, &did).await["code"], 401);
    }
    let mut ws = sim.ws(&jar).await;
    assert_eq!(ws.reg(&token, &did).await["code"], 200);
}

#[tokio::test]
async fn f12_second_reg_kicks_older_and_control_kick() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut a, token, did) = sim.online(&unb, &mut jar).await;
    let mut b = sim.ws(&jar).await;
    assert_eq!(b.reg(&token, &did).await["code"], 200);
    match a.event(2000).await {
        WsEvent::Closed(code) => assert_eq!(code, Some(1000)),
        other => panic!("older session not kicked: {other:?}"),
    }
    sim.fault(json!({"unb": unb, "kind": "kick"})).await;
    assert!(matches!(b.event(2000).await, WsEvent::Closed(Some(1000))));
}

#[tokio::test]
async fn ack_diff_heartbeat_unknown_lwp_and_unregistered() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let mut fresh = sim.ws(&jar).await;
    let r = fresh.request(&lwp::heartbeat(&mid())).await;
    assert_eq!(r["code"], 401);
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let m = mid();
    ws.send(&lwp::heartbeat(&m)).await;
    let r = ws.reply_to(&m).await;
    assert_eq!(r["code"], 200);
    assert!(
        r.get("body").is_none(),
        "heartbeat reply must have no body: {r}"
    );
    assert!(r["headers"]["sid"].is_string());
    let r = ws
        .request(&format!(
            r#"{{"lwp":"/r/Nope/nothing","headers":{{"mid":"{}"}}}}"#,
            mid()
        ))
        .await;
    assert_eq!(r["code"], 404);
    assert_eq!(r["body"]["reason"], "unknown lwp");
    let j = sim.journal(&format!("?unb={unb}&kind=ws")).await;
    let diff = j
        .iter()
        .find(|e| e["lwp"] == "/r/SyncStatus/ackDiff")
        .unwrap();
    assert!(diff["frame"]["body"][0]["pts"].as_i64().unwrap() > now_ms() * 900);
}

#[tokio::test]
async fn send_reply_and_echo_classified_as_own_chat() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (cid, item) = conversation(&sim, &unb, "2200000000001").await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let m = mid();
    ws.send(&lwp::send_message(
        &cid,
        "2200000000001",
        &unb,
        &SendContent::Text("你好".into()),
        now_ms(),
        &m,
    ))
    .await;
    let r = ws.reply_to(&m).await;
    assert_eq!(r["code"], 200);
    let msg_id = r["body"]["messageId"].as_str().unwrap().to_string();
    assert!(msg_id.ends_with(".PNM") && msg_id.len() == 17, "{msg_id}");
    assert!(r["body"]["createAt"].is_i64());
    let echo = ws.push(2000).await.unwrap();
    assert_eq!(echo["lwp"], "/s/sync");
    let decoded = decode_one(&echo);
    assert_eq!(decoded["3"]["needPush"], "false");
    assert_eq!(decoded["1"]["3"], msg_id.as_str());
    assert!(
        decoded["1"]["10"]["reminderUrl"]
            .as_str()
            .unwrap()
            .contains(&format!("itemId={item}"))
    );
    match events::classify(&decoded, &unb) {
        Event::Chat(c) => {
            assert!(c.own);
            assert_eq!(c.text, "你好");
            assert_eq!(c.cid, cid);
            assert_eq!(c.message_id, msg_id);
        }
        other => panic!("not a chat: {other:?}"),
    }
    let img = SendContent::Image {
        url: "https://img.alicdn.com/imgextra/i1/O1CN01test.jpg".into(),
        width: 800,
        height: 600,
    };
    ws.request(&lwp::send_message(
        &cid,
        "2200000000001",
        &unb,
        &img,
        now_ms(),
        &mid(),
    ))
    .await;
    let sent = sim.get(&format!("/_sim/accounts/{unb}/sent")).await.1;
    assert_eq!(sent[0]["kind"], "text");
    assert_eq!(sent[0]["text"], "你好");
    assert_eq!(sent[0]["to"], "2200000000001");
    assert_eq!(sent[0]["cid"], cid.as_str());
    assert_eq!(sent[0]["mid"], m.as_str());
    assert_eq!(sent[0]["message_id"], msg_id.as_str());
    assert_eq!(sent[1]["kind"], "image");
    assert_eq!(
        sent[1]["image"],
        json!({"url": "https://img.alicdn.com/imgextra/i1/O1CN01test.jpg", "width": 800, "height": 600})
    );
    let echo2 = ws.push(2000).await.unwrap();
    assert_eq!(decode_one(&echo2)["1"]["10"]["reminderContent"], "[图片]");
}

#[tokio::test]
async fn send_validation_errors() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (cid, _item) = conversation(&sim, &unb, "2200000000001").await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let text = SendContent::Text("x".into());
    let r = ws
        .request(&lwp::send_message(
            "1",
            "2200000000001",
            &unb,
            &text,
            now_ms(),
            &mid(),
        ))
        .await;
    assert!(r["body"]["reason"].is_string());
    let r = ws
        .request(&lwp::send_message(
            &cid,
            "2200000000009",
            &unb,
            &text,
            now_ms(),
            &mid(),
        ))
        .await;
    assert!(r["body"]["reason"].is_string());
    let bad = format!(
        r#"{{"lwp":"/r/MessageSend/sendByReceiverScope","headers":{{"mid":"{}"}},"body":[{{"cid":"{cid}@goofish","content":{{"contentType":101,"custom":{{"type":1,"data":"eyJ4IjoxfQ=="}}}}}},{{"actualReceivers":["2200000000001@goofish","{unb}@goofish"]}}]}}"#,
        mid()
    );
    assert!(ws.request(&bad).await["body"]["reason"].is_string());
    assert_eq!(
        sim.get(&format!("/_sim/accounts/{unb}/sent")).await.1,
        json!([])
    );
}

#[tokio::test]
async fn f10_echo_off_and_f11_reject_send() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (cid, _item) = conversation(&sim, &unb, "2200000000001").await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.fault(json!({"unb": unb, "kind": "echo", "enabled": false}))
        .await;
    let text = SendContent::Text("无回声".into());
    let r = ws
        .request(&lwp::send_message(
            &cid,
            "2200000000001",
            &unb,
            &text,
            now_ms(),
            &mid(),
        ))
        .await;
    assert_eq!(r["code"], 200);
    assert!(ws.push(400).await.is_none(), "echo must be off");
    sim.fault(json!({"unb": unb, "kind": "reject_send", "times": 1}))
        .await;
    let r = ws
        .request(&lwp::send_message(
            &cid,
            "2200000000001",
            &unb,
            &text,
            now_ms(),
            &mid(),
        ))
        .await;
    assert_eq!(r["body"]["reason"], "消息包含违规内容");
    assert_eq!(r["body"]["moreInfo"], "CSI_FORBID||安全拦截");
    assert!(goofish_protocol::lwp::send_rejection(&r["body"]).is_some());
    let r = ws
        .request(&lwp::send_message(
            &cid,
            "2200000000001",
            &unb,
            &text,
            now_ms(),
            &mid(),
        ))
        .await;
    assert!(r["body"]["messageId"].is_string());
    assert_eq!(
        sim.get(&format!("/_sim/accounts/{unb}/sent"))
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        2
    );
    sim.fault(json!({"unb": unb, "kind": "echo"})).await;
    ws.request(&lwp::send_message(
        &cid,
        "2200000000001",
        &unb,
        &text,
        now_ms(),
        &mid(),
    ))
    .await;
    assert!(ws.push(1000).await.is_some(), "echo back on");
}

#[tokio::test]
async fn conversation_create_is_idempotent() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let a = ws
        .request(&lwp::create_conversation(
            "2200000000042",
            &unb,
            "900000000077",
            &mid(),
        ))
        .await;
    let b = ws
        .request(&lwp::create_conversation(
            "2200000000042",
            &unb,
            "900000000077",
            &mid(),
        ))
        .await;
    assert_eq!(a["code"], 200);
    let conv = &a["body"]["singleChatConversation"];
    assert!(conv["cid"].as_str().unwrap().ends_with("@goofish"));
    assert_eq!(conv["pairFirst"], "2200000000042@goofish");
    assert_eq!(conv["pairSecond"], format!("{unb}@goofish"));
    assert_eq!(conv["bizType"], "1");
    assert_eq!(conv["extension"]["itemId"], "900000000077");
    assert_eq!(a["body"], b["body"]);
    let cid = lwp::created_conversation_cid(&a["body"]).unwrap();
    let r = ws
        .request(&lwp::send_message(
            &cid,
            "2200000000042",
            &unb,
            &SendContent::Text("hi".into()),
            now_ms(),
            &mid(),
        ))
        .await;
    assert_eq!(r["code"], 200);
    let bad = ws
        .request(&lwp::create_conversation("2200000000042", "1", "9", &mid()))
        .await;
    assert_eq!(bad["code"], 400);
}

#[tokio::test]
async fn acks_clear_pending_and_unknown_acks_ignored() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let item = sim.item(&unb, "x", 1).await;
    sim.ok_post(
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        json!({"item_id": item}),
    )
    .await;
    let p = ws.push(2000).await.unwrap();
    ws.ack(&p).await;
    ws.send(r#"{"code":200,"headers":{"mid":"unknown 0","sid":""}}"#)
        .await;
    let m = mid();
    ws.send(&lwp::heartbeat(&m)).await;
    ws.reply_to(&m).await;
    let s = sim.stats().await;
    assert_eq!(s["acks_received"], 2);
    assert_eq!(s["acks_matched"], 1);
    assert_eq!(s["pushes_sent"], 1);
    assert_eq!(s["live_sessions"], 1);
    assert_eq!(s["frames_in_by_lwp"]["/reg"], 1);
}

#[tokio::test]
async fn f15_rate_limit_list_newest() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let list = || {
        format!(
            r#"{{"lwp":"/r/Conversation/listNewestPagination","headers":{{"mid":"{}"}},"body":[9007199254740991,20]}}"#,
            mid()
        )
    };
    let ok: Value = ws.request(&list()).await;
    assert!(ok["body"]["userConvs"].is_array());
    sim.fault(json!({"unb": unb, "kind": "rate_limit", "times": 1}))
        .await;
    assert_eq!(ws.request(&list()).await["body"]["code"], "400600001");
    assert!(ws.request(&list()).await["body"]["userConvs"].is_array());
}

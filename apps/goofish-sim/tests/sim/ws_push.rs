//! Push encoding (spec §8.4 items 9–10) and classification of every push kind.
#![allow(clippy::unwrap_used)]

use crate::common::{self, Sim, decode_one};
use goofish_protocol::events::{self, Event};
use goofish_protocol::payload;
use serde_json::{Value, json};

const TV_M4: &str = "ggGLAYEBtTIyMDAwMDAwMDAwMDFAZ29vZmlzaAKzNDgwMDAwMDAwMDFAZ29vZmlzaAOxMzQwMDAwMDAwMDAwMS5QTk0EAAXPAAABi8/laAAGggFlA4UBoAKm5Zyo5ZCXA6AEAQXZN3siYXRVc2VycyI6W10sImNvbnRlbnRUeXBlIjoxLCJ0ZXh0Ijp7InRleHQiOiLlnKjlkJcifX0HAggBCQAKiqZiaXpUYWfZQXsic291cmNlSWQiOiJTOjEiLCJtZXNzYWdlSWQiOiIwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiJ9rGRldGFpbE5vdGljZablnKjlkJenZXh0SnNvbtlLeyJxdWlja1JlcGx5IjoiMSIsIm1lc3NhZ2VJZCI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwidGFnIjoidSJ9r3JlbWluZGVyQ29udGVudKblnKjlkJeucmVtaW5kZXJOb3RpY2W15Y+R5p2l5LiA5p2h5paw5raI5oGvrXJlbWluZGVyVGl0bGWs5rWL6K+V5Lmw5a62q3JlbWluZGVyVXJs2ZtmbGVhbWFya2V0Oi8vbWVzc2FnZV9jaGF0P2l0ZW1JZD05MDAwMDAwMDAwMDEmcGVlclVzZXJJZD0yMjAwMDAwMDAwMDAxJnBlZXJVc2VyTmljaz10KioqMSZzaWQ9NDgwMDAwMDAwMDEmbWVzc2FnZUlkPTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmJmFkdj1ub6xzZW5kZXJVc2VySWStMjIwMDAwMDAwMDAwMa5zZW5kZXJVc2VyVHlwZaEwq3Nlc3Npb25UeXBloTEMAQOBqG5lZWRQdXNopHRydWU=";

/// Same keys (recursively) and same JSON types at the leaves.
fn same_shape(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let kx: Vec<&String> = x.keys().collect();
            let ky: Vec<&String> = y.keys().collect();
            assert_eq!(kx, ky, "keys differ at {path}");
            for k in x.keys() {
                same_shape(&x[k], &y[k], &format!("{path}.{k}"));
            }
        }
        (Value::String(_), Value::String(_)) | (Value::Number(_), Value::Number(_)) => {}
        _ => panic!("type differs at {path}: {a} vs {b}"),
    }
}

#[tokio::test]
async fn buyer_text_push_has_tv_m4_shape_and_frame_fields() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let item = sim.item(&unb, "x", 1).await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let v = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/buyer-messages"),
            json!({"buyer_id": "2200000000001", "item_id": item, "text": "在吗"}),
        )
        .await;
    let cid = v["cid"].as_str().unwrap();
    assert_eq!(cid.len(), 11);
    let f = ws.push(2000).await.unwrap();
    assert_eq!(f["lwp"], "/s/sync");
    let h = &f["headers"];
    let mid = h["mid"].as_str().unwrap();
    assert!(
        mid.len() == 10 && mid.ends_with(" 0") && mid[..8].chars().all(|c| c.is_ascii_hexdigit()),
        "{mid}"
    );
    assert_eq!(h["app-key"], "444e9908a51d1cb236a27862abc769c9");
    assert_eq!(h["ua"], common::UA);
    assert!(h["sid"].is_string());
    let pkg = &f["body"]["syncPushPackage"];
    for k in [
        "maxHighPts",
        "startSeq",
        "endSeq",
        "minCreateTime",
        "maxPts",
        "hasMore",
        "timestamp",
    ] {
        assert!(pkg[k].is_number(), "{k}");
    }
    assert!(f["body"]["syncExtensionModel"]["fingerprint"].is_number());
    let el = &pkg["data"][0];
    assert_eq!(el["bizType"], 40);
    assert_eq!(el["objectType"], 40000);
    assert_eq!(el["streamId"], "40");
    let d = decode_one(&f);
    let tv = payload::decode_payload(TV_M4).unwrap();
    same_shape(&d, &tv, "");
    assert_eq!(d["1"]["1"]["1"], "2200000000001@goofish");
    assert_eq!(d["1"]["2"], format!("{cid}@goofish"));
    assert_eq!(d["1"]["3"], v["message_id"]);
    assert_eq!(d["1"]["6"]["1"], 101);
    assert_eq!(d["3"]["needPush"], "true");
    let ext = &d["1"]["10"];
    let biz: Value = serde_json::from_str(ext["bizTag"].as_str().unwrap()).unwrap();
    let msg_hex = biz["messageId"].as_str().unwrap();
    assert_eq!(msg_hex.len(), 32);
    assert_eq!(
        ext["reminderUrl"],
        format!(
            "fleamarket://message_chat?itemId={item}&peerUserId=2200000000001&peerUserNick=t***1&sid={cid}&messageId={msg_hex}&adv=no"
        )
    );
    // msgpack on the wire: 1.5 is a uint64 and keys are ints.
    let raw = base64_decode(el["data"].as_str().unwrap());
    assert_eq!(&raw[..3], &[0x82, 0x01, 0x8b]);
    match events::classify(&d, &unb) {
        Event::Chat(c) => {
            assert!(!c.own);
            assert_eq!(c.text, "在吗");
            assert_eq!(c.item_id.as_deref(), Some(item.as_str()));
            assert_eq!(c.sender_id, "2200000000001");
        }
        o => panic!("{o:?}"),
    }
    ws.ack(&f).await;
}

fn base64_decode(s: &str) -> Vec<u8> {
    payload::base64_lenient(s).unwrap()
}

#[tokio::test]
async fn buyer_image_push() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    sim.ok_post(
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        json!({"item_id": "900000000001", "image": {"url": "https://img.alicdn.com/a.jpg", "width": 10, "height": 20}}),
    )
    .await;
    let d = decode_one(&ws.push(2000).await.unwrap());
    assert_eq!(d["1"]["10"]["reminderContent"], "[图片]");
    assert_eq!(d["1"]["6"]["3"]["4"], 2);
    let content: Value = serde_json::from_str(d["1"]["6"]["3"]["5"].as_str().unwrap()).unwrap();
    assert_eq!(
        content["image"]["pics"][0],
        json!({"height": 20, "type": 0, "url": "https://img.alicdn.com/a.jpg", "width": 10})
    );
    let (s, e) = sim
        .post(
            &format!("/_sim/accounts/{unb}/buyer-messages"),
            json!({"text": "no item"}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["code"], "invalid_body");
}

#[tokio::test]
async fn trade_cards_classify() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let item = sim.item(&unb, "卡密", 100).await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let o = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/orders"),
            json!({"item_id": item, "buyer_id": "2200000000005"}),
        )
        .await;
    let oid = o["order_id"].as_str().unwrap().to_string();
    let placed = decode_one(&ws.push(2000).await.unwrap());
    assert_eq!(placed["1"]["10"]["reminderContent"], "[我已拍下，待付款]");
    assert_eq!(placed["1"]["10"]["redReminder"], "等待买家付款");
    assert_eq!(placed["1"]["6"]["3"]["4"], 26);
    match events::classify(&placed, &unb) {
        Event::TradeCard(c) => assert_eq!(c.order_id.as_deref(), Some(oid.as_str())),
        x => panic!("{x:?}"),
    }
    sim.ok_post(&format!("/_sim/orders/{oid}/pay"), json!({}))
        .await;
    let paid = decode_one(&ws.push(2000).await.unwrap());
    assert_eq!(paid["1"]["10"]["reminderContent"], "[我已付款，等待你发货]");
    let card: Value = serde_json::from_str(paid["1"]["6"]["3"]["5"].as_str().unwrap()).unwrap();
    let main = &card["dxCard"]["item"]["main"];
    assert_eq!(
        main["targetUrl"],
        format!("fleamarket://order_detail?id={oid}&role=seller")
    );
    assert!(
        main["exContent"]["button"]["targetUrl"]
            .as_str()
            .unwrap()
            .contains(&format!("orderId={oid}"))
    );
    assert!(
        paid["1"]["10"]["reminderUrl"]
            .as_str()
            .unwrap()
            .contains(&format!("itemId={item}"))
    );
    match events::classify(&paid, &unb) {
        Event::TradeCard(c) => {
            assert_eq!(c.order_id.as_deref(), Some(oid.as_str()));
            assert_eq!(c.chat.item_id.as_deref(), Some(item.as_str()));
        }
        x => panic!("{x:?}"),
    }
    sim.ok_post(&format!("/_sim/orders/{oid}/bargain"), json!({}))
        .await;
    let bargain = decode_one(&ws.push(2000).await.unwrap());
    assert_eq!(bargain["1"]["10"]["reminderContent"], "[卡片消息]");
    match events::classify(&bargain, &unb) {
        Event::BargainCard(c) => {
            assert_eq!(c.title.as_deref(), Some("我已小刀，待刀成"));
            assert_eq!(c.order_id.as_deref(), Some(oid.as_str()));
            assert_eq!(c.chat.sender_id, "2200000000005");
        }
        x => panic!("{x:?}"),
    }
    let s = sim.get(&format!("/_sim/orders/{oid}")).await.1;
    assert_eq!(s["status"], "paid");
    assert_eq!(s["quantity"], 1);
}

async fn kind(sim: &Sim, unb: &str, body: Value) -> Value {
    sim.ok_post(&format!("/_sim/accounts/{unb}/push-kind"), body)
        .await
}

#[tokio::test]
async fn push_kinds_classify() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let item = sim.item(&unb, "x", 1).await;
    let o = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/orders"),
            json!({"item_id": item}),
        )
        .await;
    let oid = o["order_id"].as_str().unwrap().to_string();
    ws.push(2000).await.unwrap();

    kind(
        &sim,
        &unb,
        json!({"kind": "red_reminder", "text": "交易关闭"}),
    )
    .await;
    match events::classify(&decode_one(&ws.push(2000).await.unwrap()), &unb) {
        Event::RedReminder(r) => assert_eq!(r.text, "交易关闭"),
        x => panic!("{x:?}"),
    }
    kind(&sim, &unb, json!({"kind": "card_update", "order_id": oid})).await;
    match events::classify(&decode_one(&ws.push(2000).await.unwrap()), &unb) {
        Event::CardUpdate(u) => {
            assert_eq!(u.text, "[我已付款，等待你发货]");
            assert_eq!(u.order_id.as_deref(), Some(oid.as_str()));
            assert_eq!(u.item_id.as_deref(), Some(item.as_str()));
        }
        x => panic!("{x:?}"),
    }
    for text in goofish_protocol::events::texts::SYSTEM_TEXTS.iter().take(3) {
        kind(&sim, &unb, json!({"kind": "system_text", "text": text})).await;
        let d = decode_one(&ws.push(2000).await.unwrap());
        assert_eq!(d["1"]["10"]["reminderContent"], *text);
        assert!(goofish_protocol::events::texts::is_system_text(text));
    }
    kind(&sim, &unb, json!({"kind": "group_message"})).await;
    match events::classify(&decode_one(&ws.push(2000).await.unwrap()), &unb) {
        Event::Chat(c) => assert!(c.group),
        x => panic!("{x:?}"),
    }
    kind(&sim, &unb, json!({"kind": "marketing_tip"})).await;
    assert!(matches!(
        events::classify(&decode_one(&ws.push(2000).await.unwrap()), &unb),
        Event::MarketingTip { .. }
    ));
    kind(
        &sim,
        &unb,
        json!({"kind": "manual_seller_message", "text": "人工"}),
    )
    .await;
    let d = decode_one(&ws.push(2000).await.unwrap());
    assert_eq!(d["3"]["needPush"], "false");
    match events::classify(&d, &unb) {
        Event::Chat(c) => assert!(c.own && c.text == "人工"),
        x => panic!("{x:?}"),
    }
    let st = kind(&sim, &unb, json!({"kind": "status"})).await;
    let f = ws.push(2000).await.unwrap();
    assert_eq!(f["body"]["syncPushPackage"]["data"][0]["objectType"], 40103);
    match events::classify(&decode_one(&f), &unb) {
        Event::Status { message_id, .. } => {
            assert_eq!(message_id, st["message_id"].as_str().unwrap())
        }
        x => panic!("{x:?}"),
    }
    kind(&sim, &unb, json!({"kind": "typing"})).await;
    let f = ws.push(2000).await.unwrap();
    assert_eq!(f["lwp"], "/s/para");
    assert_eq!(f["body"]["syncPushPackage"]["data"][0]["objectType"], 40006);
    match events::classify(&decode_one(&f), &unb) {
        Event::Typing { user_id, .. } => assert_eq!(user_id, unb),
        x => panic!("{x:?}"),
    }
    kind(&sim, &unb, json!({"kind": "vulcan_hint", "text": "还在吗"})).await;
    let f = ws.push(2000).await.unwrap();
    assert_eq!(f["lwp"], "/s/vulcan");
    let el = &f["body"]["syncPushPackage"]["data"][0];
    assert_eq!(el["bizType"], 370);
    let json_text = String::from_utf8(base64_decode(el["data"].as_str().unwrap())).unwrap();
    assert!(serde_json::from_str::<Value>(&json_text).unwrap()["chatType"].is_number());
    match events::classify(&decode_one(&f), &unb) {
        Event::SystemHint { text, .. } => assert_eq!(text.as_deref(), Some("还在吗")),
        x => panic!("{x:?}"),
    }
    let (s, e) = sim
        .post(
            &format!("/_sim/accounts/{unb}/push-kind"),
            json!({"kind": "nope"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (400, Some("unknown_kind"))
    );
}

#[tokio::test]
async fn custom_push_encodings() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let payload = json!({"1": "47983389096@goofish", "2": 1, "3": {"redReminder": "等待买家付款", "redReminderStyle": "1"}, "4": 1742467315320i64});
    let v = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/push"),
            json!({"payload": payload}),
        )
        .await;
    assert_eq!(
        v["data"],
        "hAGzNDc5ODMzODkwOTZAZ29vZmlzaAIBA4KrcmVkUmVtaW5kZXKy562J5b6F5Lmw5a625LuY5qy+sHJlZFJlbWluZGVyU3R5bGWhMQTPAAABlbMlNng="
    );
    assert_eq!(decode_one(&ws.push(2000).await.unwrap()), payload);
    sim.ok_post(
        &format!("/_sim/accounts/{unb}/push"),
        json!({"payload": payload, "encoding": "json", "lwp": "/s/para", "object_type": 40006}),
    )
    .await;
    let f = ws.push(2000).await.unwrap();
    assert_eq!(f["lwp"], "/s/para");
    assert_eq!(decode_one(&f), payload);
    sim.ok_post(
        &format!("/_sim/accounts/{unb}/push"),
        json!({"payload": "!!notbase64", "encoding": "raw"}),
    )
    .await;
    let f = ws.push(2000).await.unwrap();
    assert_eq!(
        f["body"]["syncPushPackage"]["data"][0]["data"],
        "!!notbase64"
    );
    let (s, _) = sim
        .post(
            &format!("/_sim/accounts/{unb}/push"),
            json!({"payload": 1, "encoding": "raw"}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = sim
        .post(
            &format!("/_sim/accounts/{unb}/push"),
            json!({"payload": {}, "lwp": "/x"}),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn offline_messages_not_replayed_unless_backlog() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    sim.ok_post(
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        json!({"item_id": "1", "text": "离线消息"}),
    )
    .await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    assert!(
        ws.push(300).await.is_none(),
        "offline message must not be replayed"
    );
    drop(ws);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    sim.fault(json!({"unb": unb, "kind": "backlog"})).await;
    sim.ok_post(
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        json!({"item_id": "1", "text": "积压"}),
    )
    .await;
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    let d = decode_one(&ws.push(2000).await.unwrap());
    assert_eq!(d["1"]["10"]["reminderContent"], "积压");
}

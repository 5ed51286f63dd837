//! Classification of decoded payloads (§3.8 A–H).
#![allow(clippy::unwrap_used)]

use goofish_protocol::events::texts::{self, OrderStatusText};
use goofish_protocol::events::{ChatContent, Event, classify, dedupe_key};
use goofish_protocol::payload::{decode_payload, encode_payload};
use serde_json::{Value, json};

const TV_M1: &str = "hAGzNDgwMDAwMDAwMDFAZ29vZmlzaAIBA4KrcmVkUmVtaW5kZXKy562J5b6F5Y2W5a625Y+R6LSnsHJlZFJlbWluZGVyU3R5bGWhMQTPAAABi8/laAA=";
const TV_M2: &str = "gQGRhAGzNDgwMDAwMDAwMDFAZ29vZmlzaAIBAwEEtTIyMDAwMDAwMDAwMDFAZ29vZmlzaA==";
const TV_M4: &str = include_str!("../data/tv_m4.b64");
const SELLER: &str = "2219000000000";
const BUYER: &str = "2200000000001";

/// A chat-message map in the §3.8 A shape, round-tripped through the msgpack encoding.
fn chat(content_type: i64, content: &str, reminder: &str, ext_extra: Value) -> Value {
    let mut ext = json!({
        "bizTag": "{\"sourceId\":\"C2C:1\",\"messageId\":\"ffffffffffffffffffffffffffffffff\"}",
        "reminderContent": reminder, "reminderTitle": "测试买家", "senderUserId": BUYER, "sessionType": "1",
        "reminderUrl": "fleamarket://message_chat?itemId=900052644277&peerUserId=2200000000001&sid=48000000002&adv=no",
    });
    if let (Some(e), Some(extra)) = (ext.as_object_mut(), ext_extra.as_object()) {
        e.extend(extra.clone());
    }
    let v = json!({"1": {"1": {"1": format!("{BUYER}@goofish")}, "2": "48000000002@goofish", "3": "3400000000002.PNM",
        "4": 0, "5": 1_700_000_000_000u64, "6": {"1": 101, "3": {"1": "", "2": reminder, "3": "", "4": content_type, "5": content}},
        "7": 1, "8": 1, "9": 0, "10": ext, "12": 1}, "3": {"needPush": "true"}});
    decode_payload(&encode_payload(&v)).unwrap()
}

fn card_json(button_url: &str, target_url: &str, title: &str) -> String {
    json!({"contentType": 26, "dxCard": {"item": {"main": {"targetUrl": target_url,
        "exContent": {"title": title, "button": {"text": "去发货", "targetUrl": button_url}}}}}, "template": {"name": "x"}})
    .to_string()
}

#[test]
fn tv_m4_buyer_chat() {
    let v = decode_payload(TV_M4.trim()).unwrap();
    let Event::Chat(m) = classify(&v, SELLER) else {
        panic!()
    };
    assert_eq!(m.cid, "48000000001");
    assert_eq!(m.sender_id, BUYER);
    assert_eq!(m.item_id.as_deref(), Some("900000000001"));
    assert_eq!(m.text, "在吗");
    assert!(!m.own);
    assert_eq!(m.message_id, "3400000000001.PNM");
    assert_eq!(
        m.biz_message_id.as_deref(),
        Some("0123456789abcdef0123456789abcdef")
    );
    assert_eq!(m.sender_name.as_deref(), Some("测试买家"));
    assert_eq!(m.created_at_ms, 1_700_000_000_000);
    assert_eq!(m.content, ChatContent::Text("在吗".into()));
    assert_eq!(m.session_type.as_deref(), Some("1"));
    assert!(!m.group);
    assert_eq!(
        dedupe_key(&v).as_deref(),
        Some("0123456789abcdef0123456789abcdef")
    );
    let Event::Chat(own) = classify(&v, BUYER) else {
        panic!()
    };
    assert!(own.own);
    // serializes for the CLI
    let s = serde_json::to_value(classify(&v, SELLER)).unwrap();
    assert_eq!(s["type"], "chat");
}

#[test]
fn red_reminder_typing_status() {
    let v = decode_payload(TV_M1).unwrap();
    assert_eq!(
        classify(&v, SELLER),
        Event::RedReminder(goofish_protocol::events::RedReminder {
            cid: "48000000001".into(),
            text: "等待卖家发货".into(),
            at_ms: 1_700_000_000_000
        })
    );
    assert_eq!(dedupe_key(&v), None);
    assert_eq!(classify(&v, SELLER).cid(), Some("48000000001"));
    let v = decode_payload(TV_M2).unwrap();
    assert_eq!(
        classify(&v, SELLER),
        Event::Typing {
            cid: "48000000001".into(),
            user_id: BUYER.into()
        }
    );
    let status = json!({"1":"3400000000001.PNM","2":2,"3":0,"4":"48000000001@goofish","5":1,"6":1_700_000_000_000u64});
    assert_eq!(
        classify(&status, SELLER),
        Event::Status {
            message_id: "3400000000001.PNM".into(),
            cid: "48000000001".into()
        }
    );
}

#[test]
fn trade_card_order_id_rules() {
    let main_only = "fleamarket://order_detail?id=2503688126356636370&role=seller";
    // rule 1: orderId= in the button url wins over the main targetUrl
    let c1 = card_json(
        "fleamarket://x?orderId=1111111111111111111",
        main_only,
        "我已付款，等待你发货",
    );
    // rule 2: order_detail?id= in main.targetUrl
    let c2 = card_json(
        "fleamarket://adjust_price?flutter=true",
        main_only,
        "我已付款，等待你发货",
    );
    // rule 3: inside dynamicOperation.changeContent
    let c3 = json!({"contentType": 26, "dxCard": {"item": {"main": {"exContent": {"title": "我发起了退款申请"}}}},
        "dynamicOperation": {"changeContent": {"dxCard": {"item": {"main": {"exContent": {"title": "我发起了退款申请",
        "button": {"text": "已同意", "targetUrl": "fleamarket://refund?orderId=3333333333333333333"}}}}}}}})
    .to_string();
    // rule 4: fallback regex over the whole message ("id": "…" in the card JSON)
    let c4 = json!({"contentType": 26, "dxCard": {"item": {"main": {"exContent": {"title": "我已拍下，待付款"}},
        "data": {"id": "4444444444444444444"}}}})
    .to_string();
    let cases = [
        (
            c1,
            "[我已付款，等待你发货]",
            "1111111111111111111",
            Some(OrderStatusText::Paid),
        ),
        (
            c2,
            "[我已付款，等待你发货]",
            "2503688126356636370",
            Some(OrderStatusText::Paid),
        ),
        (
            c3,
            "[卡片消息]",
            "3333333333333333333",
            Some(OrderStatusText::Refunding),
        ),
        (
            c4,
            "[我已拍下，待付款]",
            "4444444444444444444",
            Some(OrderStatusText::Placed),
        ),
    ];
    for (content, text, order, state) in cases {
        let v = chat(26, &content, text, json!({}));
        let Event::TradeCard(card) = classify(&v, SELLER) else {
            panic!("{text}")
        };
        assert_eq!(card.order_id.as_deref(), Some(order));
        assert_eq!(card.state, state);
        assert_eq!(card.chat.item_id.as_deref(), Some("900052644277"));
        assert_eq!(card.chat.text, text);
        assert!(
            texts::is_payment_trigger(&card.chat.text) == (state == Some(OrderStatusText::Paid))
        );
    }
}

#[test]
fn refund_cancelled_and_closed() {
    let c = json!({"contentType": 26, "dynamicOperation": {"changeContent": {"dxCard": {"item": {"main": {"exContent":
        {"title": "我发起了退款申请", "button": {"text": "已撤销"}}}}}}}})
    .to_string();
    let Event::TradeCard(card) = classify(&chat(26, &c, "[卡片消息]", json!({})), SELLER)
    else {
        panic!()
    };
    assert_eq!(card.state, Some(OrderStatusText::RefundCancelled));
    let v = chat(1, "", "[你关闭了订单，钱款已原路退返]", json!({}));
    let Event::TradeCard(card) = classify(&v, SELLER) else {
        panic!()
    };
    assert_eq!(card.state, Some(OrderStatusText::Closed));
    assert!(texts::is_system_text(&card.chat.text));
}

#[test]
fn text_only_payment_trigger_is_trade_card() {
    let v = chat(
        1,
        r#"{"contentType":1,"text":{"text":"[我已付款，等待你发货]"}}"#,
        "[我已付款，等待你发货]",
        json!({}),
    );
    let Event::TradeCard(card) = classify(&v, SELLER) else {
        panic!()
    };
    assert_eq!(card.state, Some(OrderStatusText::Paid));
    assert_eq!(card.order_id, None);
}

#[test]
fn bargain_card() {
    let c = card_json(
        "fleamarket://x?orderId=5555555555555555555",
        "fleamarket://order_detail?id=5555555555555555555",
        texts::BARGAIN_TITLE,
    );
    let Event::BargainCard(card) = classify(&chat(26, &c, "[卡片消息]", json!({})), SELLER)
    else {
        panic!()
    };
    assert_eq!(card.order_id.as_deref(), Some("5555555555555555555"));
    assert_eq!(card.title.as_deref(), Some("我已小刀，待刀成"));
    assert_eq!(card.chat.sender_id, BUYER);
}

#[test]
fn marketing_tip_group_and_system_text() {
    let tip = chat(
        1,
        "",
        "卖家福利",
        json!({"extJson": "{\"msgArg1\":\"MsgTips\"}"}),
    );
    assert_eq!(
        classify(&tip, SELLER),
        Event::MarketingTip {
            cid: "48000000002".into(),
            text: "卖家福利".into()
        }
    );
    let group = chat(
        1,
        r#"{"contentType":1,"text":{"text":"大家好"}}"#,
        "大家好",
        json!({"sessionType": "30"}),
    );
    let Event::Chat(m) = classify(&group, SELLER) else {
        panic!()
    };
    assert!(m.group);
    for sys in [
        "发来一条新消息",
        "[你已确认收货，交易成功]",
        "AI正在帮你回复消息，不错过每笔订单",
        "温馨提醒：商品信息近期有过变更，请查看",
    ] {
        let (Event::Chat(m)
        | Event::TradeCard(goofish_protocol::events::TradeCard { chat: m, .. })) =
            classify(&chat(1, "", sys, json!({})), SELLER)
        else {
            panic!("{sys}")
        };
        assert!(texts::is_system_text(&m.text), "{sys}");
    }
    assert!(!texts::is_system_text("在吗"));
    assert!(!texts::is_system_text("[我已拍下，待付款]"));
}

#[test]
fn image_message_and_own_echo() {
    let img = r#"{"contentType":2,"image":{"pics":[{"height":600,"type":0,"url":"https://img.alicdn.com/a.jpg","width":800}]}}"#;
    let mut v = chat(2, img, "[图片]", json!({"senderUserId": SELLER}));
    v["3"]["needPush"] = json!("false");
    let Event::Chat(m) = classify(&v, SELLER) else {
        panic!()
    };
    assert!(m.own);
    assert_eq!(m.text, "[图片]");
    assert_eq!(
        m.content,
        ChatContent::Image {
            url: "https://img.alicdn.com/a.jpg".into(),
            width: 800,
            height: 600
        }
    );
}

#[test]
fn card_update_hint_and_unknown() {
    let upd = json!({"1": "x", "2": "48000000003@goofish", "4": {"reminderContent": "[我已付款，等待你发货]",
        "senderUserId": BUYER, "reminderUrl": "fleamarket://message_chat?itemId=900052644277",
        "extJson": "{\"updateKey\":\"48000000003:2503688126356636370:1_not_pay_seller\",\"messageId\":\"abc\"}"}, "5": 1_700_000_000_000u64});
    let Event::CardUpdate(c) = classify(&upd, SELLER) else {
        panic!()
    };
    assert_eq!(c.cid, "48000000003");
    assert_eq!(c.order_id.as_deref(), Some("2503688126356636370"));
    assert_eq!(c.item_id.as_deref(), Some("900052644277"));
    assert_eq!(c.at_ms, 1_700_000_000_000);
    assert_eq!(dedupe_key(&upd).as_deref(), Some("abc"));
    let hint = json!({"chatType": 1, "sessionId": "48000000004", "operation": {"content": {"contentType": 8,
        "sessionArouse": {"arouseChatScriptInfo": [{"chatScrip": "还在吗？"}]}}}});
    assert_eq!(
        classify(&hint, SELLER),
        Event::SystemHint {
            cid: Some("48000000004".into()),
            text: Some("还在吗？".into())
        }
    );
    assert_eq!(
        classify(&json!({"bizType": "IDLE_SPACE_PRICING"}), SELLER),
        Event::SystemHint {
            cid: None,
            text: None
        }
    );
    assert_eq!(classify(&json!({}), SELLER), Event::Unknown);
    assert_eq!(classify(&json!({"1": {"2": "x"}}), SELLER), Event::Unknown);
    assert_eq!(classify(&json!([1]), SELLER), Event::Unknown);
}

#[test]
fn order_status_table() {
    use OrderStatusText::*;
    for (t, s) in [
        ("[我已拍下，待付款]", Placed),
        ("[买家已付款]", Paid),
        ("[记得及时发货]", Paid),
        ("[你已发货，请等待买家确认收货]", Shipped),
        ("[买家确认收货，交易成功]", Completed),
        ("交易关闭", Closed),
    ] {
        assert_eq!(texts::order_status_for(t), Some(s), "{t}");
    }
    assert_eq!(texts::order_status_for("你好"), None);
    assert!(texts::SYSTEM_TEXTS.len() >= 25);
    assert_eq!(texts::PAYMENT_TRIGGERS.len(), 4);
}

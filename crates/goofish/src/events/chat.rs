//! Chat-message extraction (§3.8 A, B, G and step 7).

use super::texts::{self, BARGAIN_TITLE, OrderStatusText};
use super::{
    ChatContent, ChatMessage, Event, TradeCard, int_of, json_field, order, query_param, str_of,
};
use crate::constants::{DEFAULT_IMAGE_HEIGHT, DEFAULT_IMAGE_WIDTH};
use crate::ids::strip_goofish;
use base64::Engine;
use serde_json::{Map, Value};

fn dim(v: Option<&Value>, default: u32) -> u32 {
    int_of(v)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(default)
}

/// The parsed content JSON of `1.6.3`: `5` (JSON string), else base64 JSON in `1`.
fn content_json(node: Option<&Value>) -> (Option<Value>, Option<String>) {
    let Some(node) = node else {
        return (None, None);
    };
    if let Some(raw) = node.get("5").and_then(Value::as_str)
        && let Ok(v) = serde_json::from_str::<Value>(raw)
    {
        return (Some(v), Some(raw.to_owned()));
    }
    let legacy = node
        .get("1")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .and_then(|b| String::from_utf8(b).ok());
    match legacy {
        Some(raw) => (serde_json::from_str(&raw).ok(), Some(raw)),
        None => (None, None),
    }
}

fn decode_content(content_type: Option<i64>, json: Option<&Value>, display: &str) -> ChatContent {
    let title = json.and_then(|j| str_of(j.pointer("/dxCard/item/main/exContent/title")));
    let has_card = json.is_some_and(|j| j.get("dxCard").is_some());
    match content_type {
        Some(1) | None if !has_card => ChatContent::Text(
            json.and_then(|j| str_of(j.pointer("/text/text")))
                .unwrap_or_else(|| display.to_owned()),
        ),
        Some(2) => match json.and_then(|j| j.pointer("/image/pics/0")) {
            Some(pic) => ChatContent::Image {
                url: str_of(pic.get("url")).unwrap_or_default(),
                width: dim(pic.get("width"), DEFAULT_IMAGE_WIDTH),
                height: dim(pic.get("height"), DEFAULT_IMAGE_HEIGHT),
            },
            None => ChatContent::Other { content_type: 2 },
        },
        ct if has_card || ct == Some(26) => ChatContent::Card {
            content_type: ct.unwrap_or(0),
            title,
        },
        ct => ChatContent::Other {
            content_type: ct.unwrap_or(0),
        },
    }
}

fn refund_state(json: Option<&Value>) -> Option<OrderStatusText> {
    let json = json?;
    let dynamic = json.pointer("/dynamicOperation/changeContent/dxCard/item/main/exContent");
    let main = json.pointer("/dxCard/item/main/exContent");
    for ex in [dynamic, main].into_iter().flatten() {
        if str_of(ex.get("title")).is_some_and(|t| t.contains("退款申请")) {
            let button = str_of(ex.pointer("/button/text")).unwrap_or_default();
            return Some(if button.contains("已撤销") {
                OrderStatusText::RefundCancelled
            } else {
                OrderStatusText::Refunding
            });
        }
    }
    None
}

/// Classifies a decoded map whose `"1"` is an object.
pub(super) fn classify_chat(decoded: &Value, m: &Map<String, Value>, own_unb: &str) -> Event {
    let empty = Map::new();
    let ext = m.get("10").and_then(Value::as_object).unwrap_or(&empty);
    let reminder = str_of(ext.get("reminderContent"));
    let node = m
        .get("6")
        .and_then(|v| v.get("3"))
        .filter(|v| v.is_object());
    if reminder.is_none() && node.is_none() {
        return Event::Unknown;
    }
    let cid = str_of(m.get("2"))
        .map(|s| strip_goofish(&s).to_owned())
        .unwrap_or_default();
    let ext_json = json_field(ext.get("extJson"));
    let biz_tag = json_field(ext.get("bizTag"));
    let (json, raw) = content_json(node);
    let content_type = int_of(node.and_then(|n| n.get("4")));
    let summary = str_of(node.and_then(|n| n.get("2"))).unwrap_or_default();
    let content = decode_content(
        content_type,
        json.as_ref(),
        reminder.as_deref().unwrap_or(&summary),
    );
    let text = match (&reminder, &content) {
        (Some(r), _) if !r.is_empty() => r.clone(),
        (_, ChatContent::Text(t)) if !t.is_empty() => t.clone(),
        (_, ChatContent::Image { url, .. }) if !url.is_empty() => url.clone(),
        _ => summary,
    };
    if ext_json
        .as_ref()
        .and_then(|j| str_of(j.get("msgArg1")))
        .as_deref()
        == Some("MsgTips")
    {
        return Event::MarketingTip { cid, text };
    }
    let sender_id = str_of(ext.get("senderUserId"))
        .filter(|s| !s.is_empty())
        .or_else(|| {
            str_of(m.get("1").and_then(|s| s.get("1"))).map(|s| strip_goofish(&s).to_owned())
        })
        .unwrap_or_default();
    let lookup = |key: &str| {
        biz_tag
            .as_ref()
            .and_then(|j| str_of(j.get(key)))
            .or_else(|| ext_json.as_ref().and_then(|j| str_of(j.get(key))))
            .filter(|s| !s.is_empty())
    };
    let item_id = str_of(ext.get("reminderUrl"))
        .and_then(|u| query_param(&u, "itemId"))
        .or_else(|| lookup("itemId"));
    let session_type = str_of(ext.get("sessionType"));
    let chat = ChatMessage {
        cid,
        message_id: str_of(m.get("3")).unwrap_or_default(),
        biz_message_id: lookup("messageId"),
        own: !own_unb.is_empty() && sender_id == own_unb,
        sender_id,
        sender_name: str_of(ext.get("senderNick"))
            .filter(|s| !s.is_empty())
            .or_else(|| str_of(ext.get("reminderTitle"))),
        item_id,
        created_at_ms: int_of(m.get("5")).unwrap_or(0),
        content,
        text,
        group: session_type.as_deref() == Some("30"),
        session_type,
    };
    let title = json
        .as_ref()
        .and_then(|j| str_of(j.pointer("/dxCard/item/main/exContent/title")));
    let is_bargain = title.as_deref() == Some(BARGAIN_TITLE) || chat.text.contains(BARGAIN_TITLE);
    let refund = refund_state(json.as_ref());
    let closed = str_of(ext.get("redReminder")).is_some_and(|r| r == "交易关闭");
    let state = texts::order_status_for(&chat.text)
        .or(refund)
        .or(closed.then_some(OrderStatusText::Closed));
    if !is_bargain && content_type != Some(26) && state.is_none() {
        return Event::Chat(chat);
    }
    let order_id = order::extract_order_id(json.as_ref(), raw.as_deref(), decoded);
    let card = TradeCard {
        chat,
        order_id,
        title,
        state: if is_bargain { None } else { state },
    };
    if is_bargain {
        Event::BargainCard(card)
    } else {
        Event::TradeCard(card)
    }
}

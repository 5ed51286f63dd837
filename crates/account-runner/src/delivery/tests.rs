#![allow(clippy::unwrap_used)]
//! How events become order signals.

use super::*;
use goofish_protocol::events::{CardUpdate, ChatContent, ChatMessage, RedReminder};

const SELLER: &str = "2219000000001";

fn chat(text: &str, sender: &str) -> ChatMessage {
    ChatMessage {
        cid: "48000000002".into(),
        message_id: "1.PNM".into(),
        biz_message_id: None,
        sender_id: sender.into(),
        sender_name: Some("小王".into()),
        own: sender == SELLER,
        item_id: Some("900000000002".into()),
        created_at_ms: 1_700_000_000_000,
        content: ChatContent::Text(text.into()),
        text: text.into(),
        session_type: Some("1".into()),
        group: false,
    }
}

fn card(text: &str, order: Option<&str>) -> TradeCard {
    TradeCard {
        chat: chat(text, "2200000000001"),
        order_id: order.map(str::to_owned),
        title: None,
        state: texts::order_status_for(text),
    }
}

#[test]
fn paid_card_delivers_with_buyer_and_item() {
    let s = sighting(
        &Event::TradeCard(card("[我已付款，等待你发货]", Some("25001"))),
        SELLER,
    )
    .unwrap();
    assert_eq!(s.signal, OrderSignal::Paid);
    assert!(s.deliver);
    assert_eq!(s.order_id.as_deref(), Some("25001"));
    assert_eq!(s.buyer_id.as_deref(), Some("2200000000001"));
    assert_eq!(s.buyer_name.as_deref(), Some("小王"));
    assert_eq!(s.item_id.as_deref(), Some("900000000002"));
    assert_eq!(s.at_ms, 1_700_000_000_000);
}

#[test]
fn reminder_texts_and_status_texts() {
    let placed = sighting(&Event::TradeCard(card("[我已拍下，待付款]", None)), SELLER).unwrap();
    assert_eq!(
        (placed.signal, placed.deliver),
        (OrderSignal::Placed, false)
    );
    let remind = sighting(&Event::TradeCard(card("[记得及时发货]", None)), SELLER).unwrap();
    assert_eq!((remind.signal, remind.deliver), (OrderSignal::Paid, true));
    let refunded = sighting(
        &Event::TradeCard(card("[退款成功，钱款已原路退返]", Some("1"))),
        SELLER,
    )
    .unwrap();
    assert_eq!(refunded.signal, OrderSignal::Refunded);
    let shipped = sighting(&Event::TradeCard(card("[你已发货]", Some("1"))), SELLER).unwrap();
    assert_eq!(
        (shipped.signal, shipped.deliver),
        (OrderSignal::Shipped, false)
    );
}

#[test]
fn own_cards_carry_no_buyer() {
    let mut c = card("[你已发货]", Some("1"));
    c.chat = chat("[你已发货]", SELLER);
    let s = sighting(&Event::TradeCard(c), SELLER).unwrap();
    assert_eq!(s.buyer_id, None);
    assert_eq!(s.buyer_name, None);
}

#[test]
fn bargain_cards_start_the_bargain_flow() {
    let s = sighting(
        &Event::BargainCard(card("[卡片消息]", Some("25002"))),
        SELLER,
    )
    .unwrap();
    assert_eq!((s.signal, s.deliver), (OrderSignal::Bargained, false));
}

#[test]
fn red_reminders_and_card_updates() {
    let paid = Event::RedReminder(RedReminder {
        cid: "48000000002".into(),
        text: "等待卖家发货".into(),
        at_ms: 0,
    });
    let s = sighting(&paid, SELLER).unwrap();
    assert_eq!(
        (s.signal, s.deliver, s.order_id),
        (OrderSignal::Paid, true, None)
    );
    assert!(s.at_ms > 0, "a missing time is now");
    let closed = Event::RedReminder(RedReminder {
        cid: "48000000002".into(),
        text: "交易关闭".into(),
        at_ms: 5,
    });
    assert_eq!(
        sighting(&closed, SELLER).unwrap().signal,
        OrderSignal::Closed
    );
    let waiting = Event::RedReminder(RedReminder {
        cid: "48000000002".into(),
        text: "等待买家付款".into(),
        at_ms: 5,
    });
    assert!(sighting(&waiting, SELLER).is_none());
    let update = Event::CardUpdate(CardUpdate {
        cid: "48000000002".into(),
        text: "[已付款，待发货]".into(),
        sender_id: Some("2200000000001".into()),
        order_id: Some("25003".into()),
        item_id: None,
        at_ms: 9,
    });
    let s = sighting(&update, SELLER).unwrap();
    assert_eq!(s.order_id.as_deref(), Some("25003"));
    assert!(s.deliver);
    assert!(sighting(&Event::Chat(chat("在吗", "2200000000001")), SELLER).is_none());
}

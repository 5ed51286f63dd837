//! The per-day order summary and the overview's day totals, on the orders the scenario left.

use super::{T0, obs};
use xianyu_domain::clock::{local_day, local_day_start_ms};
use xianyu_domain::delivery::{OrderBook, OrderDetail};
use xianyu_domain::orders::OrderSignal;
use xianyu_domain::{AccountId, UserId};
use xianyu_persistence::{OrderFilter, Store, StoreError};

pub(crate) fn summary(store: &Store, alice: UserId, bob: UserId, a: AccountId, b: AccountId) {
    let today = local_day(T0 + 3_600_000);
    assert_eq!(local_day_start_ms(today), T0 - 8 * 3_600_000);
    // one order placed yesterday (Shanghai) and paid today
    let yesterday = T0 - 9 * 3_600_000;
    store
        .observe_order(&obs(a, "S1", OrderSignal::Placed, yesterday))
        .unwrap();
    store
        .observe_order(&obs(a, "S1", OrderSignal::Paid, T0 + 60_000))
        .unwrap();
    store
        .save_order_detail(
            a,
            "S1",
            &OrderDetail {
                amount_fen: Some(500),
                ..OrderDetail::default()
            },
        )
        .unwrap();
    let days = store.order_summary(alice, a, 2, today).unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].day, local_day(yesterday));
    assert_eq!((days[0].placed, days[0].paid), (1, 0));
    assert_eq!(days[1].day, today);
    // today: O1, R1, R2, R3 placed (T0); O1, R1, R2, R3, S1 paid
    assert_eq!(days[1].placed, 4);
    assert_eq!(days[1].paid, 5);
    assert_eq!(days[1].paid_amount_fen, 1990 + 500);
    assert!(matches!(
        store.order_summary(bob, a, 2, today),
        Err(StoreError::NotFound)
    ));
    // pagination: newest first by creation time, then id
    let first = store
        .list_orders(alice, &OrderFilter::default(), None, 2)
        .unwrap();
    let last = first.last().unwrap();
    let rest = store
        .list_orders(
            alice,
            &OrderFilter::default(),
            Some((last.created_at, last.id)),
            100,
        )
        .unwrap();
    let all: Vec<_> = first
        .iter()
        .chain(&rest)
        .map(|o| o.order_id.clone())
        .collect();
    assert_eq!(all.len(), 5);
    assert_eq!(all.last().map(String::as_str), Some("S1"), "oldest last");
    let from = store
        .list_orders(
            alice,
            &OrderFilter {
                created_from_ms: Some(local_day_start_ms(today)),
                created_before_ms: Some(local_day_start_ms(today) + 86_400_000),
                ..OrderFilter::default()
            },
            None,
            100,
        )
        .unwrap();
    assert_eq!(from.len(), 4);
    day_totals(store, (alice, a), (bob, b), &days[1]);
}

/// The overview's totals: the same day as the summary, over all of a user's accounts only.
fn day_totals(
    store: &Store,
    (alice, a): (UserId, AccountId),
    (bob, b): (UserId, AccountId),
    summary: &xianyu_persistence::DaySummary,
) {
    use xianyu_domain::{MessageDirection, MessageLog, MessageRecord};
    let message = |direction, at| MessageRecord {
        account: a,
        cid: "c-totals".into(),
        message_id: None,
        peer_id: Some("2200".into()),
        peer_name: None,
        item_id: None,
        direction,
        text: "在吗".into(),
        at,
    };
    store
        .record_message(&message(MessageDirection::Buyer, T0 + 1_000))
        .unwrap();
    store
        .record_message(&message(MessageDirection::Buyer, T0 - 9 * 3_600_000))
        .unwrap();
    store
        .record_message(&message(MessageDirection::SellerManual, T0 + 2_000))
        .unwrap();
    let today = summary.day;
    let t = store.day_totals(alice, today).unwrap();
    assert_eq!(t.messages_received, 1, "buyer messages of that day only");
    assert_eq!(
        (
            t.orders_placed,
            t.orders_paid,
            t.paid_amount_fen,
            t.deliveries_sent
        ),
        (
            summary.placed,
            summary.paid,
            summary.paid_amount_fen,
            summary.deliveries_sent
        ),
        "one account: the same figures as its summary"
    );
    let bobs = store.day_totals(bob, today).unwrap();
    let bobs_summary = &store.order_summary(bob, b, 1, today).unwrap()[0];
    assert_eq!(
        (bobs.messages_received, bobs.orders_placed, bobs.orders_paid),
        (0, bobs_summary.placed, bobs_summary.paid),
        "bob's totals are his own account's, nothing of alice's"
    );
    // Automatic replies are logged with the current time.
    xianyu_domain::replies::ReplyBook::record_reply(
        store,
        &xianyu_domain::replies::ReplyRecord {
            account: a,
            cid: "c-totals".into(),
            buyer_id: "2200".into(),
            message_id: None,
            reply_text: "您好".into(),
            reply_message_id: None,
            decision_json: "{}".into(),
            verdict: "accepted".into(),
            remember_once: None,
        },
    )
    .unwrap();
    let now = local_day(chrono::Utc::now().timestamp_millis());
    assert_eq!(store.day_totals(alice, now).unwrap().auto_replies, 1);
    assert_eq!(store.day_totals(bob, now).unwrap().auto_replies, 0);
}

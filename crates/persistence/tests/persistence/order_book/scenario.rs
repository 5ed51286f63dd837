//! The single-threaded scenario: observing, reserving, outcomes, interruption, scoping,
//! items and the summary.

use super::{T0, account, obs, paid_order, reserved, stock_card, text_card};
use xianyu_domain::delivery::{
    CardId, DeliveryOutcome, DeliveryRule, DeliveryRuleId, DeliveryState, DeliveryUpdate,
    ItemMatch, OrderBook, OrderDetail, Reservation,
};
use xianyu_domain::orders::{OrderSignal, OrderState};
use xianyu_domain::{AccountId, Role, UserId};
use xianyu_persistence::{DeliveryFilter, OrderFilter, Store, StoreError};

pub(crate) fn scenario(store: &Store) {
    let alice = store.create_user("alice", "h", Role::User).unwrap().id;
    let bob = store.create_user("bob", "h", Role::User).unwrap().id;
    let a = account(store, alice, "1001", true);
    let b = account(store, bob, "2002", false);
    observe_sequence(store, alice, bob, a);
    reservations(store, alice, bob, a);
    outcomes_and_interruption(store, alice, a);
    scoping(store, alice, bob, a, b);
    items_seen(store, alice, a);
    super::summary::summary(store, alice, bob, a, b);
}

fn observe_sequence(store: &Store, alice: UserId, bob: UserId, a: AccountId) {
    let first = store
        .observe_order(&obs(a, "O1", OrderSignal::Placed, T0))
        .unwrap();
    assert!(first.created);
    assert_eq!(first.refused, None);
    assert_eq!(first.order.order.state, OrderState::Placed);
    assert!(first.order.order.history.is_empty());
    assert_eq!(first.order.quantity, 1);

    let mut paid = obs(a, "O1", OrderSignal::Paid, T0 + 1000);
    paid.cid = Some("c1".into());
    paid.item_id = Some("i1".into());
    paid.buyer_id = Some("b1".into());
    paid.buyer_name = Some("buyer one".into());
    let p = store.observe_order(&paid).unwrap();
    assert!(!p.created);
    assert_eq!(p.order.order.state, OrderState::Paid);
    assert_eq!(
        p.order.cid.as_deref(),
        Some("c1"),
        "unknown facts are filled"
    );
    assert_eq!(p.order.order.history.len(), 1);

    let mut dup = obs(a, "O1", OrderSignal::Paid, T0 + 2000);
    dup.cid = Some("other-chat".into());
    let d = store.observe_order(&dup).unwrap();
    assert_eq!(d.refused, None, "a duplicate is accepted");
    assert_eq!(d.order.order.history.len(), 1, "and changes nothing");
    assert_eq!(d.order.cid.as_deref(), Some("c1"), "known facts are kept");

    let s = store
        .observe_order(&obs(a, "O1", OrderSignal::Shipped, T0 + 3000))
        .unwrap();
    assert_eq!(s.order.order.state, OrderState::Shipped);
    let h = &s.order.order.history;
    assert_eq!(
        h.iter()
            .map(|t| (t.from, t.to, t.at_ms, t.signal))
            .collect::<Vec<_>>(),
        vec![
            (
                OrderState::Placed,
                OrderState::Paid,
                T0 + 1000,
                OrderSignal::Paid
            ),
            (
                OrderState::Paid,
                OrderState::Shipped,
                T0 + 3000,
                OrderSignal::Shipped
            ),
        ]
    );

    // a late, backwards signal is refused, recorded, and changes nothing
    let r = store
        .observe_order(&obs(a, "O1", OrderSignal::Placed, T0 + 4000))
        .unwrap();
    let refused = r.refused.unwrap();
    assert_eq!(refused.from, OrderState::Shipped);
    assert_eq!(r.order.order.state, OrderState::Shipped);
    assert_eq!(r.order.order.history.len(), 2);

    let list = store
        .list_orders(alice, &OrderFilter::default(), None, 10)
        .unwrap();
    assert_eq!(list.len(), 1);
    let o1 = &list[0];
    assert_eq!(o1.paid_at, Some(T0 + 1000));
    assert_eq!(o1.created_at, T0);
    let details = store.get_order(alice, o1.id).unwrap();
    assert_eq!(details.history.len(), 2);
    assert_eq!(details.events.len(), 1);
    assert_eq!(details.events[0].kind, "refused");
    assert_eq!(details.events[0].code, "illegal_order_transition");
    assert!(
        details.events[0].message.contains("shipped")
            && details.events[0].message.contains("placed"),
        "{}",
        details.events[0].message
    );
    assert!(matches!(
        store.get_order(bob, o1.id),
        Err(StoreError::NotFound)
    ));

    assert_eq!(
        store.latest_order_in_chat(a, "c1").unwrap().as_deref(),
        Some("O1")
    );
    assert_eq!(store.latest_order_in_chat(a, "nope").unwrap(), None);

    store
        .save_order_detail(
            a,
            "O1",
            &OrderDetail {
                item_id: None,
                buyer_id: None,
                spec: Some(("颜色".into(), "红".into())),
                quantity: Some(3),
                amount_fen: Some(1990),
            },
        )
        .unwrap();
    let input = store.delivery_input(a, "O1").unwrap().unwrap();
    assert!(input.order.detail_fetched);
    assert_eq!(input.order.quantity, 3);
    assert_eq!(input.order.amount_fen, Some(1990));
    assert_eq!(input.order.spec, Some(("颜色".into(), "红".into())));
    assert_eq!(
        input.order.item_id.as_deref(),
        Some("i1"),
        "kept when absent"
    );
    assert!(
        store
            .save_order_detail(a, "missing", &OrderDetail::default())
            .is_err()
    );
}

fn reservations(store: &Store, alice: UserId, bob: UserId, a: AccountId) {
    let stock = stock_card(store, alice, 3);
    paid_order(store, a, "R1", T0);
    let (units, left) = reserved(
        store
            .reserve_delivery(a, "R1", DeliveryRuleId(1), &stock, 2)
            .unwrap(),
    );
    assert_eq!(left, Some(1));
    assert_eq!(units.len(), 2);
    assert!(
        units
            .iter()
            .all(|u| u.fresh && u.state == DeliveryState::Reserved)
    );
    assert_eq!(
        units
            .iter()
            .map(|u| u.content.clone().unwrap())
            .collect::<Vec<_>>(),
        vec!["CODE-001", "CODE-002"],
        "lowest free lines first"
    );
    assert_eq!(units[0].card_id, Some(stock.id));

    // the same order reserved again: the same rows, nothing fresh, no stock taken
    let (again, left) = reserved(
        store
            .reserve_delivery(a, "R1", DeliveryRuleId(1), &stock, 2)
            .unwrap(),
    );
    assert_eq!(left, Some(1));
    assert_eq!(
        again.iter().map(|u| (u.id, u.fresh)).collect::<Vec<_>>(),
        units.iter().map(|u| (u.id, false)).collect::<Vec<_>>()
    );
    assert_eq!(store.order_deliveries(a, "R1").unwrap().len(), 2);

    // out of stock: nothing is reserved, nothing is consumed
    paid_order(store, a, "R2", T0);
    assert_eq!(
        store
            .reserve_delivery(a, "R2", DeliveryRuleId(1), &stock, 2)
            .unwrap(),
        Reservation::OutOfStock {
            needed: 2,
            available: 1
        }
    );
    assert!(store.order_deliveries(a, "R2").unwrap().is_empty());
    let counts = store.stock_counts(alice, stock.id).unwrap();
    assert_eq!((counts.available, counts.consumed), (1, 2));

    // a text card has no stock
    let text = text_card(store, alice);
    let (units, left) = reserved(
        store
            .reserve_delivery(a, "R2", DeliveryRuleId(2), &text, 1)
            .unwrap(),
    );
    assert_eq!(left, None);
    assert_eq!(units[0].content, None);

    // another user's card, or an unknown order, is refused
    let foreign = text_card(store, bob);
    paid_order(store, a, "R3", T0);
    assert!(
        store
            .reserve_delivery(a, "R3", DeliveryRuleId(3), &foreign, 1)
            .is_err()
    );
    assert!(store.order_deliveries(a, "R3").unwrap().is_empty());
    assert!(
        store
            .reserve_delivery(a, "unknown", DeliveryRuleId(3), &text, 1)
            .is_err()
    );
}

fn outcomes_and_interruption(store: &Store, alice: UserId, a: AccountId) {
    let units = store.order_deliveries(a, "R1").unwrap();
    store
        .finish_delivery(
            units[0].id,
            &DeliveryUpdate {
                state: DeliveryState::Sent,
                content: Some("your code: CODE-001".into()),
                message_id: Some("m1.PNM".into()),
                error: None,
            },
        )
        .unwrap();
    store
        .finish_delivery(
            units[1].id,
            &DeliveryUpdate {
                state: DeliveryState::Failed,
                content: None,
                message_id: None,
                error: Some("rejected".into()),
            },
        )
        .unwrap();
    store
        .record_outcome(a, "R1", DeliveryOutcome::SendRejected, "unit 2 rejected")
        .unwrap();
    store
        .record_confirmation(a, "R1", false, "consign failed")
        .unwrap();
    assert!(
        store
            .finish_delivery(
                i64::MAX,
                &DeliveryUpdate {
                    state: DeliveryState::Sent,
                    content: None,
                    message_id: None,
                    error: None
                }
            )
            .is_err()
    );

    let r1 = store
        .list_orders(
            alice,
            &OrderFilter {
                state: Some(OrderState::Paid),
                ..OrderFilter::default()
            },
            None,
            100,
        )
        .unwrap()
        .into_iter()
        .find(|o| o.order_id == "R1")
        .unwrap();
    assert_eq!(r1.delivery_outcome.as_deref(), Some("send_rejected"));
    assert_eq!(r1.confirm_state, "failed");
    let d = store.get_order(alice, r1.id).unwrap();
    assert_eq!(
        d.events
            .iter()
            .map(|e| (e.kind.as_str(), e.code.as_str()))
            .collect::<Vec<_>>(),
        vec![("delivery", "send_rejected"), ("confirm", "failed")]
    );
    assert_eq!(d.deliveries[0].state, DeliveryState::Sent);
    assert_eq!(d.deliveries[0].sends, 1);
    assert_eq!(
        d.deliveries[0].content.as_deref(),
        Some("your code: CODE-001")
    );
    assert_eq!(d.deliveries[0].message_id.as_deref(), Some("m1.PNM"));
    assert_eq!(d.deliveries[1].state, DeliveryState::Failed);
    assert_eq!(d.deliveries[1].sends, 0);
    assert_eq!(d.deliveries[1].content.as_deref(), Some("CODE-002"), "kept");

    // R2's text unit is still reserved: a restart makes it uncertain
    let n = store.mark_interrupted().unwrap();
    assert_eq!(n, 1);
    let r2 = store.order_deliveries(a, "R2").unwrap();
    assert_eq!(r2[0].state, DeliveryState::Uncertain);
    let uncertain = store
        .list_deliveries(
            alice,
            &DeliveryFilter {
                state: Some(DeliveryState::Uncertain),
                account: Some(a),
            },
            None,
            10,
        )
        .unwrap();
    assert_eq!(uncertain.len(), 1);
    assert_eq!(uncertain[0].order_id, "R2");
    assert_eq!(uncertain[0].content, None, "lists never carry content");
    assert_eq!(
        uncertain[0].error.as_deref(),
        Some("interrupted between reservation and confirmation")
    );
    assert_eq!(store.mark_interrupted().unwrap(), 0);
}

fn scoping(store: &Store, alice: UserId, bob: UserId, a: AccountId, b: AccountId) {
    let rule = |user: UserId, card: CardId, item: &str| DeliveryRule {
        id: DeliveryRuleId(0),
        user_id: user,
        item_match: ItemMatch::ItemId(item.into()),
        spec: None,
        card_id: card,
        units_per_order: 1,
        enabled: true,
    };
    let ca = text_card(store, alice);
    let cb = text_card(store, bob);
    let ra = store
        .create_delivery_rule(alice, &rule(alice, ca.id, "i1"), "")
        .unwrap();
    let rb = store
        .create_delivery_rule(bob, &rule(bob, cb.id, "i1"), "")
        .unwrap();
    let mut o = obs(b, "B1", OrderSignal::Paid, T0);
    o.item_id = Some("i1".into());
    store.observe_order(&o).unwrap();

    let ia = store.delivery_input(a, "O1").unwrap().unwrap();
    assert_eq!(ia.user_id, alice);
    assert!(ia.auto_confirm);
    assert_eq!(ia.rules.len(), 1);
    assert_eq!(ia.rules[0].id, ra.rule.id);
    assert!(ia.cards.iter().all(|c| c.user_id == alice));
    assert!(ia.rules.iter().all(|r| r.user_id == alice));

    let ib = store.delivery_input(b, "B1").unwrap().unwrap();
    assert_eq!(ib.user_id, bob);
    assert!(!ib.auto_confirm);
    assert_eq!(
        ib.rules.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![rb.rule.id]
    );
    assert_eq!(
        ib.cards.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![cb.id]
    );
    assert_eq!(ib.item, None, "bob's account has no item i1");

    assert!(
        store.delivery_input(a, "B1").unwrap().is_none(),
        "per account"
    );
    assert!(store.delivery_input(b, "O1").unwrap().is_none());

    // the lists: only the caller's orders; an account filter of another user is NotFound
    let bobs = store
        .list_orders(bob, &OrderFilter::default(), None, 100)
        .unwrap();
    assert_eq!(
        bobs.iter().map(|o| o.order_id.as_str()).collect::<Vec<_>>(),
        vec!["B1"]
    );
    assert!(matches!(
        store.list_orders(
            bob,
            &OrderFilter {
                account: Some(a),
                ..OrderFilter::default()
            },
            None,
            10
        ),
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .list_deliveries(bob, &DeliveryFilter::default(), None, 10)
            .unwrap()
            .is_empty()
    );
    let by_item = store
        .list_orders(
            alice,
            &OrderFilter {
                item_id: Some("i1".into()),
                buyer_id: Some("b1".into()),
                ..OrderFilter::default()
            },
            None,
            10,
        )
        .unwrap();
    assert_eq!(by_item.len(), 1);
    assert_eq!(by_item[0].order_id, "O1");
}

fn items_seen(store: &Store, alice: UserId, a: AccountId) {
    store.record_item_seen(a, "i1", None).unwrap();
    assert_eq!(
        store
            .delivery_input(a, "O1")
            .unwrap()
            .unwrap()
            .item
            .unwrap()
            .title,
        ""
    );
    store.record_item_seen(a, "i1", Some("第一")).unwrap();
    store.record_item_seen(a, "i1", Some("第二")).unwrap();
    let item = store
        .delivery_input(a, "O1")
        .unwrap()
        .unwrap()
        .item
        .unwrap();
    assert_eq!(item.title, "第一", "a title only fills an empty one");
    let o1 = store
        .list_orders(
            alice,
            &OrderFilter {
                item_id: Some("i1".into()),
                ..OrderFilter::default()
            },
            None,
            10,
        )
        .unwrap();
    assert_eq!(o1[0].item_title.as_deref(), Some("第一"));
}

//! Reservations and observations racing on one database: each thread has its own pooled
//! connection.

use super::{T0, account, obs, paid_order, reserved, stock_card};
use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use xianyu_domain::Role;
use xianyu_domain::delivery::{DeliveryRuleId, OrderBook};
use xianyu_domain::orders::{OrderSignal, OrderState};
use xianyu_persistence::Store;

/// 50 orders reserve one line each from one stock card of 60 lines, at the same moment, each
/// thread on its own pooled connection; plus 10 threads reserving the same order.
pub(crate) fn concurrency(store: &Store) {
    const ORDERS: usize = 50;
    let user = store.create_user("conc", "h", Role::User).unwrap().id;
    let acc = account(store, user, "3003", true);
    let card = stock_card(store, user, 60);
    for i in 0..ORDERS {
        paid_order(store, acc, &format!("C{i}"), T0);
    }
    warm_up(store, acc, ORDERS);
    let barrier = Arc::new(Barrier::new(ORDERS));
    let handles: Vec<_> = (0..ORDERS)
        .map(|i| {
            let (store, card, barrier) = (store.clone(), card.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store
                    .reserve_delivery(acc, &format!("C{i}"), DeliveryRuleId(1), &card, 1)
                    .unwrap()
            })
        })
        .collect();
    let mut lines = HashSet::new();
    for h in handles {
        let (units, _) = reserved(h.join().unwrap());
        assert_eq!(units.len(), 1);
        assert!(units[0].fresh);
        lines.insert(units[0].content.clone().unwrap());
    }
    assert_eq!(lines.len(), ORDERS, "every order got a distinct line");
    let counts = store.stock_counts(user, card.id).unwrap();
    assert_eq!((counts.available, counts.consumed), (10, 50));

    // the same order reserved by 10 threads at once: 2 rows, 2 lines, created once
    paid_order(store, acc, "SAME", T0);
    let barrier = Arc::new(Barrier::new(10));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let (store, card, barrier) = (store.clone(), card.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store
                    .reserve_delivery(acc, "SAME", DeliveryRuleId(1), &card, 2)
                    .unwrap()
            })
        })
        .collect();
    let mut fresh = 0;
    for h in handles {
        let (units, _) = reserved(h.join().unwrap());
        assert_eq!(units.len(), 2);
        fresh += units.iter().filter(|u| u.fresh).count();
    }
    assert_eq!(fresh, 2, "each unit was created by exactly one caller");
    assert_eq!(store.order_deliveries(acc, "SAME").unwrap().len(), 2);
    let counts = store.stock_counts(user, card.id).unwrap();
    assert_eq!((counts.available, counts.consumed), (8, 52));

    // 20 observers of one new order at once: one creates it, none fails
    let barrier = Arc::new(Barrier::new(20));
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store
                    .observe_order(&obs(acc, "NEW", OrderSignal::Paid, T0))
                    .unwrap()
            })
        })
        .collect();
    let created = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|o| {
            assert_eq!(o.order.order.state, OrderState::Paid);
            assert_eq!(o.order.order.history.len(), 1);
            o.created
        })
        .count();
    assert_eq!(created, 1);
}

/// Opens `n` pooled connections (held at the same moment), so that timings measure the
/// reservations rather than connection set-up.
fn warm_up(store: &Store, acc: xianyu_domain::AccountId, n: usize) {
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                for _ in 0..5 {
                    store
                        .observe_order(&obs(acc, &format!("W{i}"), OrderSignal::Placed, T0))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

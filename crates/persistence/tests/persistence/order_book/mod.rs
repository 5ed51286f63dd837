//! The `OrderBook` port and the order queries on the real database, on SQLite and (with
//! `TEST_DATABASE_URL`, mandatory when `CI` is set) PostgreSQL: the order state machine as
//! stored, exactly-once reservation (also under 50 concurrent orders), interrupted deliveries,
//! user scoping.
#![allow(clippy::unwrap_used, missing_docs)]

mod busy;
mod concurrency;
mod scenario;
mod summary;

use concurrency::concurrency;
use scenario::scenario;
use std::time::Duration;
use xianyu_domain::delivery::{
    Card, CardId, CardKind, DeliveryUnit, OrderBook, OrderObservation, Reservation,
};
use xianyu_domain::orders::OrderSignal;
use xianyu_domain::{AccountId, UserId};
use xianyu_persistence::testing::{
    create_scratch_postgres_database, drop_scratch_postgres_database,
};
use xianyu_persistence::{NewAccount, PoolOptions, SecretBox, Store};

const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z = 08:00 in Shanghai

fn key() -> SecretBox {
    SecretBox::new(&[7u8; 32])
}

fn account(store: &Store, user: UserId, unb: &str, auto_confirm: bool) -> AccountId {
    store
        .create_account(
            user,
            &NewAccount {
                xianyu_user_id: unb.into(),
                cookie: format!("unb={unb}"),
                remark: String::new(),
                enabled: false,
                auto_confirm,
                pause_minutes: 10,
            },
        )
        .unwrap()
        .id
}

fn obs(account: AccountId, order: &str, signal: OrderSignal, at_ms: i64) -> OrderObservation {
    OrderObservation {
        account,
        order_id: order.into(),
        signal,
        at_ms,
        cid: None,
        item_id: None,
        buyer_id: None,
        buyer_name: None,
    }
}

fn card(store: &Store, user: UserId, name: &str, kind: CardKind) -> Card {
    let card = Card {
        id: CardId(0),
        user_id: user,
        name: name.into(),
        kind,
        message_template: None,
        delay_secs: 0,
    };
    store.create_card(user, &card).unwrap().card
}

fn stock_card(store: &Store, user: UserId, lines: usize) -> Card {
    let c = card(
        store,
        user,
        "stock",
        CardKind::Stock {
            low_stock_threshold: 0,
        },
    );
    let text: Vec<String> = (1..=lines).map(|i| format!("CODE-{i:03}")).collect();
    store.append_stock(user, c.id, &text.join("\n")).unwrap();
    c
}

fn text_card(store: &Store, user: UserId) -> Card {
    card(
        store,
        user,
        "text",
        CardKind::Text {
            text: "hello".into(),
        },
    )
}

fn reserved(r: Reservation) -> (Vec<DeliveryUnit>, Option<u64>) {
    match r {
        Reservation::Reserved {
            units,
            stock_remaining,
        } => (units, stock_remaining),
        other => panic!("expected a reservation, got {other:?}"),
    }
}

fn paid_order(store: &Store, account: AccountId, order: &str, at: i64) {
    store
        .observe_order(&obs(account, order, OrderSignal::Paid, at))
        .unwrap();
}

fn pool() -> PoolOptions {
    PoolOptions {
        max_size: 52,
        connection_timeout: Duration::from_secs(30),
    }
}

#[test]
fn sqlite_order_book() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/x.db", dir.path().display());
    let store = Store::open(&url, key(), pool()).unwrap();
    scenario(&store);
    concurrency(&store);
}

#[test]
fn postgres_order_book() {
    let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "TEST_DATABASE_URL must be set when CI is set"
        );
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL tests need a server)");
        return;
    };
    let url = create_scratch_postgres_database(&base).unwrap();
    let store = Store::open(&url, key(), pool()).unwrap();
    scenario(&store);
    concurrency(&store);
    drop(store);
    drop_scratch_postgres_database(&base, &url);
}

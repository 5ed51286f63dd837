//! SQLite writes that meet another connection's write transaction wait for it (busy timeout)
//! instead of failing with `database is locked`. A deferred transaction that reads before it
//! writes cannot wait: when the other writer commits, its snapshot is stale and SQLite answers
//! `SQLITE_BUSY_SNAPSHOT` at once. That lost delivery outcomes under load (the e2e suite showed
//! `recording outcome: … database is locked` about one run in three), so every write
//! transaction begins `IMMEDIATE`.

use super::{T0, account, key, paid_order, pool};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use std::time::Duration;
use xianyu_domain::Role;
use xianyu_domain::delivery::{DeliveryOutcome, OrderBook};
use xianyu_persistence::{OrderFilter, Store};

#[test]
fn an_outcome_recorded_while_another_connection_writes_waits_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let store = Store::open(&format!("sqlite://{}", path.display()), key(), pool()).unwrap();
    let user = store.create_user("busy", "h", Role::User).unwrap().id;
    let acc = account(&store, user, "4004", true);
    paid_order(&store, acc, "B1", T0);

    // another writer holds the write lock while the outcome is recorded, then commits
    let mut other = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    other
        .batch_execute(
            "PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE; \
             UPDATE orders SET updated_at = updated_at + 1;",
        )
        .unwrap();
    let s = store.clone();
    let writer = std::thread::spawn(move || {
        s.record_outcome(acc, "B1", DeliveryOutcome::Delivered, "1 unit(s) sent")
    });
    std::thread::sleep(Duration::from_millis(300));
    other.batch_execute("COMMIT").unwrap();
    writer.join().unwrap().unwrap();

    let order = store
        .list_orders(user, &OrderFilter::default(), None, 10)
        .unwrap()
        .into_iter()
        .find(|o| o.order_id == "B1")
        .unwrap();
    assert_eq!(order.delivery_outcome.as_deref(), Some("delivered"));
}

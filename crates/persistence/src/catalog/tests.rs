//! Storage tests of the catalog on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used)]

use crate::StoreError;
use crate::testing::{create_scratch_postgres_database, drop_scratch_postgres_database};
use crate::{ItemDetailUpdate, ItemFilter, ItemPatch, NewAccount, PoolOptions, SecretBox, Store};
use xianyu_domain::delivery::{
    Card, CardId, CardKind, DeliveryRule, DeliveryRuleId, HttpFetchSpec, HttpMethod, ItemMatch,
    ItemSnapshot,
};
use xianyu_domain::{AccountId, Role, UserId};

fn account(store: &Store, user: UserId, unb: &str) -> AccountId {
    let new = NewAccount {
        xianyu_user_id: unb.into(),
        cookie: format!("unb={unb}"),
        remark: String::new(),
        enabled: false,
        auto_confirm: false,
        pause_minutes: 10,
    };
    store.create_account(user, &new).unwrap().id
}

fn card(kind: CardKind) -> Card {
    Card {
        id: CardId(0),
        user_id: UserId(0),
        name: "c".into(),
        kind,
        message_template: None,
        delay_secs: 0,
    }
}

fn rule(card: CardId, m: ItemMatch, enabled: bool) -> DeliveryRule {
    DeliveryRule {
        id: DeliveryRuleId(0),
        user_id: UserId(0),
        item_match: m,
        spec: None,
        card_id: card,
        units_per_order: 1,
        enabled,
    }
}

fn scenario(store: &Store) {
    let a = store.create_user("a", "h", Role::User).unwrap().id;
    let b = store.create_user("b", "h", Role::User).unwrap().id;
    let acc = account(store, a, "1001");

    // items: sync never overwrites the local description or the flags
    let snap = |id: &str, title: &str| ItemSnapshot {
        item_id: id.into(),
        title: title.into(),
        price_fen: Some(990),
        status: "0".into(),
        pic_url: None,
    };
    let n = store
        .upsert_synced_items(a, acc, &[snap("i1", "会员 VIP"), snap("i2", "100%_off")])
        .unwrap();
    assert_eq!(n, 2);
    assert!(matches!(
        store.upsert_synced_items(b, acc, &[snap("i3", "x")]),
        Err(StoreError::NotFound)
    ));
    let patch = ItemPatch {
        description: Some("本地描述".into()),
        multi_spec: Some(true),
        multi_quantity_delivery: Some(true),
    };
    store.update_item(a, acc, "i1", &patch).unwrap();
    store
        .upsert_synced_items(a, acc, &[snap("i1", "会员 VIP 2")])
        .unwrap();
    let i1 = store.get_item(a, acc, "i1").unwrap();
    assert_eq!(
        (i1.title.as_str(), i1.description.as_str()),
        ("会员 VIP 2", "本地描述")
    );
    assert!(i1.multi_spec && i1.multi_quantity_delivery && i1.synced_at.is_some());
    // detail fills an empty description only
    let detail = ItemDetailUpdate {
        title: String::new(),
        description: "listing text".into(),
        price_fen: None,
        multi_spec: false,
        raw_json: "{}".into(),
    };
    let d1 = store.save_item_detail(a, acc, "i1", &detail).unwrap();
    assert_eq!(d1.description, "本地描述");
    assert_eq!(d1.price_fen, Some(990));
    let d2 = store.save_item_detail(a, acc, "i2", &detail).unwrap();
    assert_eq!(d2.description, "listing text");
    let titled = ItemDetailUpdate {
        title: "t".into(),
        ..detail.clone()
    };
    let d9 = store.save_item_detail(a, acc, "i9", &titled).unwrap();
    assert_eq!((d9.source.as_str(), d9.title.as_str()), ("detail", "t"));
    // search escapes wildcards and ignores ASCII case
    let q = |q: &str| ItemFilter {
        q: Some(q.into()),
        multi_spec: None,
    };
    let found = store.list_items(a, acc, &q("vip"), None, 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        store.list_items(a, acc, &q("%_"), None, 10).unwrap().len(),
        1
    );
    assert_eq!(
        store
            .list_items(a, acc, &q("LISTING"), None, 10)
            .unwrap()
            .len(),
        2
    );
    let specs = ItemFilter {
        q: None,
        multi_spec: Some(true),
    };
    assert_eq!(store.list_items(a, acc, &specs, None, 10).unwrap().len(), 1);
    let facts = store.item_facts(acc, "i1").unwrap().unwrap();
    assert!(facts.multi_quantity_delivery);
    assert!(store.item_facts(acc, "nope").unwrap().is_none());
    assert!(matches!(
        store.get_item(b, acc, "i1"),
        Err(StoreError::NotFound)
    ));
    store.delete_item(a, acc, "i9").unwrap();
    assert!(matches!(
        store.delete_item(a, acc, "i9"),
        Err(StoreError::NotFound)
    ));

    // cards are sealed, scoped, and keep stock lines across kind changes
    let fetch = card(CardKind::HttpFetch(HttpFetchSpec {
        url: "https://example.com/k".into(),
        method: HttpMethod::Get,
        headers: vec![("X-Key".into(), "secret-key".into())],
        body_template: None,
        timeout_secs: 5,
        retries: 0,
        json_path: None,
    }));
    let fc = store.create_card(a, &fetch).unwrap();
    assert_eq!(fc.card.kind, fetch.kind);
    assert_eq!(fc.card.user_id, a);
    let stock = store
        .create_card(
            a,
            &card(CardKind::Stock {
                low_stock_threshold: 1,
            }),
        )
        .unwrap();
    let sid = stock.card.id;
    assert_eq!(store.append_stock(a, sid, "k1\n\n k2 \nk3\n").unwrap(), 3);
    assert!(matches!(
        store.append_stock(b, sid, "x"),
        Err(StoreError::NotFound)
    ));
    let counts = store.stock_counts(a, sid).unwrap();
    assert_eq!((counts.total, counts.available, counts.consumed), (3, 3, 0));
    let lines = store.list_stock(a, sid, false, None, 2).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1].line, "k2");
    assert!(store.delete_stock_line(a, sid, lines[0].id).unwrap());
    assert!(matches!(
        store.delete_stock_line(a, sid, lines[0].id),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_stock_line(b, sid, lines[1].id),
        Err(StoreError::NotFound)
    ));
    {
        use crate::schema::card_stock;
        use diesel::prelude::*;
        let mut conn = store.conn().unwrap();
        diesel::update(card_stock::table.find(lines[1].id))
            .set(card_stock::consumed.eq(true))
            .execute(&mut *conn)
            .unwrap();
    }
    // a consumed line stays: it records what was delivered
    assert!(!store.delete_stock_line(a, sid, lines[1].id).unwrap());
    let counts = store.stock_counts(a, sid).unwrap();
    assert_eq!((counts.total, counts.available, counts.consumed), (2, 1, 1));
    assert_eq!(store.list_stock(a, sid, false, None, 10).unwrap().len(), 1);
    assert_eq!(store.list_stock(a, sid, true, None, 10).unwrap().len(), 2);
    let mut text = stock.card.clone();
    text.kind = CardKind::Text { text: "t".into() };
    store.update_card(a, &text).unwrap();
    assert_eq!(store.stock_counts(a, sid).unwrap().available, 1);
    assert!(matches!(store.get_card(b, sid), Err(StoreError::NotFound)));
    assert!(matches!(
        store.update_card(b, &text),
        Err(StoreError::NotFound)
    ));

    // rules: only the user's cards; only enabled rules reach delivery
    let r1 = store
        .create_delivery_rule(
            a,
            &rule(fc.card.id, ItemMatch::Keyword("VIP".into()), true),
            "",
        )
        .unwrap();
    store
        .create_delivery_rule(a, &rule(sid, ItemMatch::ItemId("i2".into()), false), "off")
        .unwrap();
    assert!(matches!(
        store.create_delivery_rule(b, &rule(sid, ItemMatch::ItemId("i2".into()), true), ""),
        Err(StoreError::NotFound)
    ));
    let (rules, cards) = store.user_rules_and_cards(a).unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].id, r1.rule.id);
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0], fc.card);
    let (rules_b, cards_b) = store.user_rules_and_cards(b).unwrap();
    assert!(rules_b.is_empty() && cards_b.is_empty());
    assert_eq!(store.rules_using_card(a, sid).unwrap().len(), 1);
    assert!(matches!(
        store.get_delivery_rule(b, r1.rule.id),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_delivery_rule(b, r1.rule.id),
        Err(StoreError::NotFound)
    ));
    store.delete_card(a, sid).unwrap();
    assert_eq!(store.list_delivery_rules(a, None, 10).unwrap().len(), 1);
}

fn key() -> SecretBox {
    SecretBox::new(&[9u8; 32])
}

#[test]
fn catalog_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/c.db", dir.path().display());
    scenario(&Store::open(&url, key(), PoolOptions::default()).unwrap());
}

#[test]
fn catalog_on_postgres() {
    let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "TEST_DATABASE_URL must be set when CI is set"
        );
        return;
    };
    let url = create_scratch_postgres_database(&base).unwrap();
    let store = Store::open(&url, key(), PoolOptions::default()).unwrap();
    scenario(&store);
    drop(store);
    drop_scratch_postgres_database(&base, &url);
}

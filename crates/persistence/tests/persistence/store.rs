//! Storage tests, run on SQLite always and on PostgreSQL when `TEST_DATABASE_URL` is set
//! (mandatory when `CI` is set).
#![allow(clippy::unwrap_used, missing_docs)]

use xianyu_domain::{AccountId, AccountPatch, PauseMinutes, Remark, Role, UserId};
use xianyu_persistence::testing::{
    create_scratch_postgres_database, drop_scratch_postgres_database,
};
use xianyu_persistence::{NewAccount, PoolOptions, SecretBox, Store, StoreError};

fn scenario(store: &Store) {
    // migrations are idempotent
    assert_eq!(store.migrate().unwrap(), 0);
    store.ping().unwrap();

    let alice = store.create_user("alice", "$hash", Role::Admin).unwrap();
    let bob = store.create_user("bob", "$hash", Role::User).unwrap();
    assert!(matches!(
        store.create_user("alice", "x", Role::User),
        Err(StoreError::Conflict("username"))
    ));
    assert_eq!(store.user_count().unwrap(), 2);
    assert_eq!(store.enabled_admin_count().unwrap(), 1);

    let new = NewAccount {
        xianyu_user_id: "2219000000000".into(),
        cookie: "unb=2219000000000; cookie2=secret".into(),
        remark: "店铺".into(),
        enabled: true,
        auto_confirm: true,
        pause_minutes: 10,
    };
    let a = store.create_account(alice.id, &new).unwrap();
    assert_eq!(a.xianyu_user_id, "2219000000000");
    assert_eq!(a.remark, "店铺");
    assert!(matches!(
        store.create_account(alice.id, &new),
        Err(StoreError::Conflict("account"))
    ));
    // the same Xianyu account may belong to another user
    let b = store.create_account(bob.id, &new).unwrap();
    assert_ne!(a.id, b.id);

    // tenant scoping
    assert!(matches!(
        store.get_account(bob.id, a.id),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_account(bob.id, a.id),
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.list_accounts(alice.id, None, 100).unwrap().len(), 1);
    assert!(
        store
            .list_accounts(alice.id, Some(a.id), 100)
            .unwrap()
            .is_empty()
    );

    // the cookie round-trips through encryption
    assert_eq!(store.account_cookie(alice.id, a.id).unwrap(), new.cookie);
    let updated = store
        .set_account_cookie(alice.id, a.id, "unb=2219000000000; cookie2=new")
        .unwrap();
    assert!(updated.updated_at >= a.updated_at);
    assert_eq!(
        store.account_cookie(alice.id, a.id).unwrap(),
        "unb=2219000000000; cookie2=new"
    );

    let patch = AccountPatch {
        remark: Some(Remark::parse("新名字").unwrap()),
        enabled: Some(false),
        auto_confirm: None,
        pause_minutes: Some(PauseMinutes::parse(0).unwrap()),
    };
    let p = store.update_account(alice.id, a.id, &patch).unwrap();
    assert_eq!(
        (
            p.remark.as_str(),
            p.enabled,
            p.pause_minutes,
            p.status.as_str()
        ),
        ("新名字", false, 0, "disabled")
    );
    assert!(p.auto_confirm);

    // sessions
    let far = chrono::Utc::now().naive_utc() + chrono::Duration::hours(1);
    let s1 = store.create_session(alice.id, far).unwrap();
    let s2 = store.create_session(alice.id, far).unwrap();
    assert!(store.live_session(&s1).unwrap().is_some());
    assert_eq!(store.revoke_user_sessions(alice.id, Some(&s1)).unwrap(), 1);
    assert!(store.live_session(&s2).unwrap().is_none());
    store.revoke_session(alice.id, &s1).unwrap();
    assert!(store.live_session(&s1).unwrap().is_none());
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    let s3 = store.create_session(bob.id, past).unwrap();
    assert!(store.live_session(&s3).unwrap().is_none());
    let s4 = store.create_session(bob.id, far).unwrap();
    store
        .update_user(
            bob.id,
            &xianyu_persistence::UserUpdate {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        store.live_session(&s4).unwrap().is_none(),
        "disabled users have no live session"
    );

    // settings
    assert!(!store.registration_open().unwrap());
    store
        .set_setting(xianyu_persistence::REGISTRATION_OPEN, "true")
        .unwrap();
    store
        .set_setting(xianyu_persistence::REGISTRATION_OPEN, "true")
        .unwrap();
    assert!(store.registration_open().unwrap());

    // deleting a user cascades
    store.admin_delete_user(bob.id).unwrap();
    assert!(matches!(
        store.get_account(bob.id, b.id),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.admin_delete_user(UserId(9999)),
        Err(StoreError::NotFound)
    ));
    store.delete_account(alice.id, a.id).unwrap();
    assert!(matches!(
        store.get_account(alice.id, AccountId(a.id.0)),
        Err(StoreError::NotFound)
    ));
}

fn key() -> SecretBox {
    SecretBox::new(&[42u8; 32])
}

#[test]
fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/x.db", dir.path().display());
    let store = Store::open(&url, key(), PoolOptions::default()).unwrap();
    scenario(&store);
    // a wrong key cannot read secrets
    let other = Store::open(&url, SecretBox::new(&[1u8; 32]), PoolOptions::default()).unwrap();
    let u = other.create_user("carol", "h", Role::User).unwrap();
    let acc = store
        .create_account(
            u.id,
            &NewAccount {
                xianyu_user_id: "1".into(),
                cookie: "unb=1".into(),
                remark: String::new(),
                enabled: true,
                auto_confirm: false,
                pause_minutes: 10,
            },
        )
        .unwrap();
    assert!(matches!(
        other.account_cookie(u.id, acc.id),
        Err(StoreError::Decrypt)
    ));
}

#[test]
fn postgres_store() {
    let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "TEST_DATABASE_URL must be set when CI is set"
        );
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL tests need a server)");
        return;
    };
    let url = create_scratch_postgres_database(&base).unwrap();
    let store = Store::open(&url, key(), PoolOptions::default()).unwrap();
    scenario(&store);
    drop(store);
    drop_scratch_postgres_database(&base, &url);
}

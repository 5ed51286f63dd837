//! The runner's ports on the real database, on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.
#![allow(clippy::unwrap_used, missing_docs)]

use xianyu_domain::ports::{
    AccountRuntimeStatus, AccountSource, CookieSink, MessageDirection, MessageLog, MessageRecord,
    StatusSink,
};
use xianyu_domain::{AccountPatch, AccountStatus, Role};
use xianyu_persistence::testing::{
    create_scratch_postgres_database, drop_scratch_postgres_database,
};
use xianyu_persistence::{NewAccount, PoolOptions, SecretBox, Store};

fn account(unb: &str, enabled: bool) -> NewAccount {
    NewAccount {
        xianyu_user_id: unb.into(),
        cookie: format!("unb={unb}; cookie2=c{unb}"),
        remark: String::new(),
        enabled,
        auto_confirm: true,
        pause_minutes: 7,
    }
}

fn scenario(store: &Store) {
    let u1 = store.create_user("one", "h", Role::User).unwrap();
    let u2 = store.create_user("two", "h", Role::User).unwrap();
    let a = store.create_account(u1.id, &account("1", true)).unwrap();
    let b = store.create_account(u2.id, &account("2", true)).unwrap();
    let off = store.create_account(u2.id, &account("3", false)).unwrap();

    let enabled = store.enabled_accounts().unwrap();
    assert_eq!(
        enabled.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![a.id, b.id],
        "all users, enabled only"
    );
    assert_eq!(enabled[0].cookie, "unb=1; cookie2=c1");
    assert_eq!(enabled[0].pause_minutes, 7);
    assert!(store.load(off.id).unwrap().is_none());
    assert_eq!(store.load(a.id).unwrap().unwrap().xianyu_user_id, "1");

    store.save_cookie(a.id, "unb=1; _m_h5_tk=new_1").unwrap();
    assert_eq!(
        store.account_cookie(u1.id, a.id).unwrap(),
        "unb=1; _m_h5_tk=new_1"
    );

    let status = AccountRuntimeStatus {
        status: AccountStatus::CaptchaRequired,
        last_error: Some("risk control".into()),
        last_frame_at: Some(1_700_000_000_000),
        next_retry_at: None,
        captcha_url: Some("http://sim/punish?x5secdata=1".into()),
    };
    store.record_status(a.id, &status).unwrap();
    assert_eq!(store.account_runtime_status(u1.id, a.id).unwrap(), status);
    assert_eq!(
        store.get_account(u1.id, a.id).unwrap().status,
        AccountStatus::CaptchaRequired
    );
    assert!(
        store.account_runtime_status(u2.id, a.id).is_err(),
        "scoped by user"
    );
    // a late write from a stopping task never revives a disabled account's status
    store
        .record_status(
            off.id,
            &AccountRuntimeStatus::new(AccountStatus::Connecting),
        )
        .unwrap();
    assert_eq!(
        store.get_account(u2.id, off.id).unwrap().status,
        AccountStatus::Disabled
    );

    assert!(!store.seen_or_insert(a.id, "m1.PNM").unwrap());
    assert!(store.seen_or_insert(a.id, "m1.PNM").unwrap());
    assert!(
        !store.seen_or_insert(b.id, "m1.PNM").unwrap(),
        "dedupe is per account"
    );

    for (i, dir) in [
        MessageDirection::Buyer,
        MessageDirection::AutoReply,
        MessageDirection::SellerManual,
    ]
    .into_iter()
    .enumerate()
    {
        store
            .record_message(&MessageRecord {
                account: a.id,
                cid: "48000000001".into(),
                message_id: Some(format!("{i}.PNM")),
                peer_id: Some("2200000000001".into()),
                peer_name: Some("买家".into()),
                item_id: Some("900000000001".into()),
                direction: dir,
                text: format!("消息{i}"),
                at: 1_700_000_000_000 + i as i64,
            })
            .unwrap();
    }
    let page = store
        .chat_messages(u1.id, a.id, "48000000001", None, 2)
        .unwrap();
    assert_eq!(
        page.iter().map(|(_, m)| m.direction).collect::<Vec<_>>(),
        vec![MessageDirection::SellerManual, MessageDirection::AutoReply]
    );
    let older = store
        .chat_messages(u1.id, a.id, "48000000001", Some(page[1].0), 10)
        .unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!(older[0].1.text, "消息0");
    assert!(
        store
            .chat_messages(u2.id, a.id, "48000000001", None, 10)
            .is_err()
    );

    assert_eq!(store.chat_paused_until(a.id, "c").unwrap(), None);
    store.pause_chat(a.id, "c", 10).unwrap();
    store.pause_chat(a.id, "c", 20).unwrap();
    assert_eq!(store.chat_paused_until(a.id, "c").unwrap(), Some(20));
    store.lift_chat_pause(u1.id, a.id, "c").unwrap();
    assert_eq!(store.chat_paused_until(a.id, "c").unwrap(), None);

    // disabling an account removes it from the runnable set; deleting cascades its rows
    store
        .update_account(
            u1.id,
            a.id,
            &AccountPatch {
                enabled: Some(false),
                ..AccountPatch::default()
            },
        )
        .unwrap();
    assert_eq!(store.enabled_accounts().unwrap().len(), 1);
    store.delete_account(u1.id, a.id).unwrap();
    assert!(!store.seen_or_insert(b.id, "m2.PNM").unwrap());
}

#[test]
fn sqlite_ports() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &format!("sqlite://{}/p.db", dir.path().display()),
        SecretBox::new(&[3u8; 32]),
        PoolOptions::default(),
    )
    .unwrap();
    scenario(&store);
}

#[test]
fn postgres_ports() {
    let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "TEST_DATABASE_URL must be set when CI is set"
        );
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL tests need a server)");
        return;
    };
    let url = create_scratch_postgres_database(&base).unwrap();
    let store = Store::open(&url, SecretBox::new(&[3u8; 32]), PoolOptions::default()).unwrap();
    scenario(&store);
    drop(store);
    drop_scratch_postgres_database(&base, &url);
}

//! The verification inbox's rows on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.
#![allow(clippy::unwrap_used, missing_docs)]

use xianyu_domain::Role;
use xianyu_domain::verification::{NewVerification, VerificationKind, VerificationState};
use xianyu_persistence::testing::{
    create_scratch_postgres_database, drop_scratch_postgres_database,
};
use xianyu_persistence::{NewAccount, PoolOptions, SecretBox, Store, StoreError};

fn scenario(store: &Store) {
    let u1 = store.create_user("one", "h", Role::User).unwrap();
    let u2 = store.create_user("two", "h", Role::User).unwrap();
    let new = NewAccount {
        xianyu_user_id: "11".into(),
        cookie: "unb=11".into(),
        remark: "shop".into(),
        enabled: true,
        auto_confirm: true,
        pause_minutes: 0,
    };
    let a = store.create_account(u1.id, &new).unwrap();
    let captcha = store
        .create_verification(
            &NewVerification {
                user_id: u1.id,
                account_id: Some(a.id),
                kind: VerificationKind::Captcha,
                url: Some("http://sim/punish?x5secdata=1".into()),
            },
            1_000,
        )
        .unwrap();
    assert_eq!(captcha.state, VerificationState::Open);
    assert_eq!(captcha.auto_attempts, 0);
    let face = store
        .create_verification(
            &NewVerification {
                user_id: u1.id,
                account_id: None,
                kind: VerificationKind::Face,
                url: None,
            },
            2_000,
        )
        .unwrap();
    assert_eq!(face.account_id, None);

    // scoped to the owner
    assert!(matches!(
        store.user_verification(u2.id, captcha.id),
        Err(StoreError::NotFound)
    ));
    assert!(store.list_verifications(u2.id, false).unwrap().is_empty());
    let listed = store.list_verifications(u1.id, true).unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![face.id, captcha.id],
        "newest first"
    );
    assert_eq!(store.active_verifications(a.id).unwrap().len(), 1);

    let t = store
        .set_verification_url(captcha.id, Some("http://sim/punish?x5secdata=2"), 3_000)
        .unwrap();
    assert_eq!(t.url.as_deref(), Some("http://sim/punish?x5secdata=2"));
    let t = store.record_auto_attempt(captcha.id, 4_000).unwrap();
    assert_eq!((t.auto_attempts, t.last_auto_at), (1, Some(4_000)));
    assert_eq!(
        store.auto_attempt_history(a.id, 0).unwrap(),
        (1, Some(4_000))
    );
    assert_eq!(store.auto_attempt_history(a.id, 5_000).unwrap(), (0, None));

    store
        .set_verification_state(face.id, VerificationState::InProgress, None, 4_500)
        .unwrap();
    assert_eq!(store.reopen_interrupted_verifications(4_600).unwrap(), 1);
    let f = store.verification(face.id).unwrap();
    assert_eq!(
        (f.state, f.last_outcome.as_deref()),
        (
            VerificationState::Open,
            Some("interrupted by a server restart")
        )
    );
    let t = store
        .set_verification_state(captcha.id, VerificationState::InProgress, None, 5_000)
        .unwrap();
    assert_eq!(
        (t.state, t.resolved_at),
        (VerificationState::InProgress, None)
    );
    let t = store
        .set_verification_state(captcha.id, VerificationState::Solved, Some("solved"), 6_000)
        .unwrap();
    assert_eq!(
        (t.state, t.resolved_at, t.last_outcome.as_deref()),
        (VerificationState::Solved, Some(6_000), Some("solved"))
    );
    assert!(store.active_verifications(a.id).unwrap().is_empty());
    assert_eq!(store.list_verifications(u1.id, true).unwrap().len(), 1);
    assert_eq!(store.list_verifications(u1.id, false).unwrap().len(), 2);
    assert!(matches!(
        store.set_verification_state(9_999, VerificationState::Solved, None, 1),
        Err(StoreError::NotFound)
    ));

    // deleting the account deletes its tasks
    store.delete_account(u1.id, a.id).unwrap();
    assert!(matches!(
        store.verification(captcha.id),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn sqlite_verifications() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &format!("sqlite://{}/v.db", dir.path().display()),
        SecretBox::new(&[3u8; 32]),
        PoolOptions::default(),
    )
    .unwrap();
    scenario(&store);
}

#[test]
fn postgres_verifications() {
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

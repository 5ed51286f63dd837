//! Supervisor lifecycle: start, disable, enable, cookie replacement, delete, isolation.
#![allow(clippy::unwrap_used)]

use crate::common::{Env, hold_for, wait_for};
use goofish_protocol::lwp::SendContent;
use goofish_sim::{DropMode, FaultSpec, NewAccount};
use std::time::Duration;
use xianyu_domain::{AccountId, AccountStatus};
use xianyu_runner::{AccountChange, RunnerError, RunnerEvent};

const SECS: fn(u64) -> Duration = Duration::from_secs;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_changes_start_stop_and_restart_one_task_per_account() {
    let env = Env::new(false, false);
    let sup = env.start().await;
    let mut feed = sup.subscribe();
    env.wait_online(&sup, SECS(5)).await;
    assert_eq!(sup.running(), vec![env.id]);

    env.mem.set_enabled(env.id, false);
    sup.apply(AccountChange::Disabled(env.id)).await.unwrap();
    assert!(sup.running().is_empty());
    assert_eq!(
        env.mem.last_status(env.id).unwrap().status,
        AccountStatus::Disabled
    );
    wait_for("socket closed", SECS(3), || env.live_sessions() == 0).await;
    let err = sup
        .send(env.id, "1", "2", SendContent::Text("x".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, RunnerError::NotRunning(_)));
    let mut saw_disabled = false;
    while let Ok(ev) = feed.try_recv() {
        if let RunnerEvent::StatusChanged { status, .. } = ev {
            saw_disabled |= status.status == AccountStatus::Disabled;
        }
    }
    assert!(saw_disabled);

    env.mem.set_enabled(env.id, true);
    sup.apply(AccountChange::Enabled(env.id)).await.unwrap();
    env.wait_online(&sup, SECS(5)).await;

    // Repeated cookie replacements: always a restart, never two sockets.
    let e = &env;
    let checker = hold_for("at most one live socket", SECS(2), || {
        e.live_sessions() <= 1
    });
    let changer = async {
        for _ in 0..3 {
            sup.apply(AccountChange::CookieReplaced(env.id))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    };
    tokio::join!(checker, changer);
    env.wait_online(&sup, SECS(5)).await;
    assert_eq!(sup.running(), vec![env.id]);

    sup.apply(AccountChange::Deleted(env.id)).await.unwrap();
    assert!(sup.running().is_empty());
    wait_for("socket closed", SECS(3), || env.live_sessions() == 0).await;
    // Unknown or disabled accounts are not started.
    sup.apply(AccountChange::Created(AccountId(99)))
        .await
        .unwrap();
    assert!(sup.running().is_empty());
    sup.shutdown().await;
    assert!(matches!(
        sup.apply(AccountChange::Enabled(env.id)).await,
        Err(RunnerError::Shutdown)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_account_does_not_disturb_another() {
    let env = Env::new(false, false);
    let st = env.sim.state();
    let (unb2, cookie2) = st
        .create_account(NewAccount {
            unb: Some("2219000000002".into()),
            ..Default::default()
        })
        .unwrap();
    let id2 = env.mem.add(2, &unb2, &cookie2, 10);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    wait_for("second online", SECS(5), || {
        sup.status(id2).map(|s| s.status) == Some(AccountStatus::Online)
    })
    .await;
    let attempts2 = || {
        st.account_summary(&unb2).unwrap()["connection_attempts"]
            .as_u64()
            .unwrap()
    };
    let before = attempts2();
    st.apply_fault(FaultSpec {
        unb: Some(env.unb.clone()),
        kind: "drop_socket".into(),
        mode: Some(DropMode::Rst),
        close_after_reg_ms: Some(50),
        ..Default::default()
    })
    .unwrap();
    hold_for("second account untouched", SECS(2), || {
        sup.status(id2).map(|s| s.status) == Some(AccountStatus::Online) && attempts2() == before
    })
    .await;
    assert!(env.connection_attempts() >= 2);
    sup.shutdown().await;
}

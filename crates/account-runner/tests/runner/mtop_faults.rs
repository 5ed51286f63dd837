//! Token acquisition failures F1–F4 (spec §8.5) and the mtop client's retry.
#![allow(clippy::unwrap_used)]

use crate::common::{Env, wait_for};
use goofish_protocol::cookies::CookieJar;
use goofish_sim::JournalKind;
use std::time::Duration;
use xianyu_domain::AccountStatus;
use xianyu_runner::{AccountChange, MtopClient, RunnerError};

const SECS: fn(u64) -> Duration = Duration::from_secs;
const TOKEN_API: &str = "mtop.taobao.idlemessage.pc.login.token";

fn token_outcomes(env: &Env) -> Vec<(String, bool)> {
    env.sim
        .state()
        .journal(Some(&env.unb), Some(JournalKind::Http), None)
        .into_iter()
        .filter(|e| e.api.as_deref() == Some(TOKEN_API))
        .map(|e| (e.outcome.unwrap_or_default(), e.sign_ok.unwrap_or(false)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f1_expired_m_h5_tk_is_merged_resigned_retried_once_and_persisted() {
    let env = Env::new(false, false);
    env.fault("token_expired", |_| {});
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    let outcomes = token_outcomes(&env);
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    assert!(
        outcomes[0].0.starts_with("FAIL_SYS_TOKEN_EXOIRED"),
        "{outcomes:?}"
    );
    assert!(outcomes[1].0.starts_with("SUCCESS"), "{outcomes:?}");
    assert!(outcomes[1].1, "the retry is signed with the new token");
    let current = env.summary()["m_h5_tk"].as_str().unwrap().to_owned();
    let saved = env
        .mem
        .saved_cookies
        .lock()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(
        CookieJar::parse(&saved.1).get("_m_h5_tk"),
        Some(current.as_str())
    );
    assert_eq!(
        CookieJar::parse(&env.mem.cookie(env.id)).get("unb"),
        Some(env.unb.as_str())
    );
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f2_missing_m_h5_tk_gets_token_empty_then_succeeds() {
    let env = Env::new(true, false);
    assert!(
        CookieJar::parse(&env.mem.cookie(env.id))
            .get("_m_h5_tk")
            .is_none()
    );
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    let outcomes = token_outcomes(&env);
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    assert!(
        outcomes[0].0.starts_with("FAIL_SYS_TOKEN_EMPTY"),
        "{outcomes:?}"
    );
    assert!(outcomes[1].0.starts_with("SUCCESS"));
    let jar = CookieJar::parse(&env.mem.cookie(env.id));
    assert!(jar.get("_m_h5_tk").is_some() && jar.get("_m_h5_tk_enc").is_some());
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f3_captcha_required_surfaces_url_stops_retrying_and_recovers_with_x5sec() {
    let env = Env::new(false, false);
    env.fault("captcha_required", |f| {
        f.clear_with_x5sec = Some("ok".into());
    });
    let sup = env.start().await;
    wait_for("captcha state", SECS(5), || {
        sup.status(env.id).map(|s| s.status) == Some(AccountStatus::CaptchaRequired)
    })
    .await;
    let st = sup.status(env.id).unwrap();
    let url = st.captcha_url.unwrap();
    assert!(url.contains("punish") && url.contains("x5secdata"), "{url}");
    assert_eq!(
        env.mem.last_status(env.id).unwrap().status,
        AccountStatus::CaptchaRequired
    );
    let calls = env.token_calls();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        env.token_calls(),
        calls,
        "no blind retry while captcha is required"
    );
    assert_eq!(env.connection_attempts(), 0);
    // The operator solved the slider: the new cookie carries x5sec.
    let cookie = format!("{}; x5sec=ok", env.mem.cookie(env.id));
    env.mem.set_cookie(env.id, &cookie);
    sup.apply(AccountChange::CookieReplaced(env.id))
        .await
        .unwrap();
    env.wait_online(&sup, SECS(5)).await;
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f4_session_expired_waits_for_new_cookies_without_connecting() {
    let env = Env::new(false, false);
    env.fault("session_expired", |_| {});
    let sup = env.start().await;
    wait_for("session expired state", SECS(5), || {
        sup.status(env.id).map(|s| s.status) == Some(AccountStatus::SessionExpired)
    })
    .await;
    let calls = env.token_calls();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(env.token_calls(), calls, "no blind retries");
    assert_eq!(
        env.connection_attempts(),
        0,
        "no WS attempt with a dead cookie"
    );
    assert!(
        !env.mem
            .status_history(env.id)
            .contains(&AccountStatus::Backoff),
        "session expiry is not a backoff loop"
    );
    // New cookies (re-login) bring it back.
    env.sim.state().clear_faults(Some(&env.unb)).unwrap();
    sup.apply(AccountChange::CookieReplaced(env.id))
        .await
        .unwrap();
    env.wait_online(&sup, SECS(5)).await;
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mtop_client_classifies_session_expiry_and_missing_unb() {
    let env = Env::new(false, false);
    let client = MtopClient::new(&env.sim.h5api_base(), SECS(5)).unwrap();
    let mut jar = CookieJar::parse(&env.mem.cookie(env.id));
    let (token, _) = client
        .login_token(
            &mut jar,
            &format!("52A18508-0611-46D1-BAF9-6F0D4214D29A-{}", env.unb),
        )
        .await
        .unwrap();
    assert!(!token.is_empty());
    env.fault("session_expired", |_| {});
    let err = client
        .login_token(
            &mut jar,
            &format!("52A18508-0611-46D1-BAF9-6F0D4214D29A-{}", env.unb),
        )
        .await
        .unwrap_err();
    assert_eq!(err, RunnerError::SessionExpired);
    assert_eq!(err.code(), "session_expired");

    // A cookie without unb never reaches the network.
    env.mem.set_cookie(env.id, "cookie2=x; t=y");
    let sup = env.start().await;
    wait_for("cookie invalid", SECS(3), || {
        sup.status(env.id).map(|s| s.status) == Some(AccountStatus::CookieInvalid)
    })
    .await;
    sup.shutdown().await;
}

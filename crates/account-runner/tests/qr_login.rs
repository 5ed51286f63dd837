//! QR-code login (spec §5) against the in-process simulator: every QR state is driven through
//! the simulator's HTTP control API (`POST /_sim/qr/<id>/<action>`).
#![allow(clippy::unwrap_used)]

use goofish_protocol::cookies::CookieJar;
use goofish_protocol::mtop;
use goofish_sim::{GoofishSim, JournalKind, NewAccount, SimConfig, SimHandle};
use serde_json::{Value, json};
use std::time::Duration;
use xianyu_runner::{
    Endpoints, MtopClient, QR_POLL_INTERVAL, QR_SESSION_LIFETIME, QrLoginClient, QrPoll, QrTicket,
    RunnerError,
};

const UNB: &str = "2219000000042";

fn sim() -> SimHandle {
    let _ = env_logger::builder().is_test(true).try_init();
    GoofishSim::start(SimConfig::default()).unwrap()
}

fn endpoints(sim: &SimHandle) -> Endpoints {
    Endpoints {
        h5api_base: sim.h5api_base(),
        ws_url: sim.ws_url(),
        passport_base: sim.passport_base(),
        upload_url: sim.upload_url(),
    }
}

fn client(sim: &SimHandle) -> QrLoginClient {
    QrLoginClient::new(&endpoints(sim), Duration::from_secs(5)).unwrap()
}

/// `POST <sim>/_sim/<path>` with a JSON body; panics unless it answers 200.
async fn control(sim: &SimHandle, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{}/_sim/{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "control {path}");
    resp.json().await.unwrap()
}

/// The simulator's QR id: the last path segment of `codeContent` (`<base>/qr/<id>`).
fn qr_id(ticket: &QrTicket) -> String {
    let content = ticket.code_content();
    assert!(content.contains("/qr/"), "{content}");
    content.rsplit('/').next().unwrap().to_owned()
}

async fn action(sim: &SimHandle, ticket: &QrTicket, action: &str, body: Value) -> Value {
    control(sim, &format!("qr/{}/{action}", qr_id(ticket)), body).await
}

async fn status(c: &QrLoginClient, ticket: &QrTicket) -> QrPoll {
    let polled = c.poll(ticket).await.unwrap();
    assert_eq!(polled.cookies.is_some(), polled.status == QrPoll::Confirmed);
    polled.status
}

fn http_entries(sim: &SimHandle) -> Vec<goofish_sim::JournalEntry> {
    sim.state().journal(None, Some(JournalKind::Http), None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_scanned_confirmed_then_complete_gives_a_working_cookie() {
    let sim = sim();
    let st = sim.state();
    st.create_account(NewAccount {
        unb: Some(UNB.into()),
        nick: None,
        without_m_h5_tk: false,
    })
    .unwrap();
    let c = client(&sim);
    let ticket = c.start().await.unwrap();
    assert!(ticket.code_content().starts_with(&sim.base_url()));
    assert!(!ticket.is_expired());
    assert_eq!(ticket.form.get("umidTag"), Some("SERVER"));
    for name in ["_m_h5_tk", "_m_h5_tk_enc", "cna", "XSRF-TOKEN"] {
        assert!(ticket.jar.get(name).is_some(), "session cookie {name}");
    }
    assert!(ticket.jar.unb().is_none());
    // Debug output carries no secrets.
    let dbg = format!("{ticket:?}");
    assert!(!dbg.contains(&ticket.code.ck), "{dbg}");
    assert!(!dbg.contains(ticket.jar.get("_m_h5_tk").unwrap()), "{dbg}");

    // Step 1: the signed seeding POST used the token from the seeding GET (no `m_h5_tk` bug).
    let seeds: Vec<_> = http_entries(&sim)
        .into_iter()
        .filter(|e| e.api.as_deref() == Some(goofish_protocol::constants::API_QR_SEED))
        .collect();
    assert_eq!(seeds.len(), 2, "{seeds:?}");
    assert_eq!(seeds[0].method.as_deref(), Some("GET"));
    assert_eq!(seeds[1].method.as_deref(), Some("POST"));
    assert_eq!(seeds[1].sign_ok, Some(true));
    assert_eq!(seeds[1].data.as_deref(), Some(r#"{"bizScene":"home"}"#));
    assert!(
        seeds[1]
            .cookie_names
            .as_ref()
            .unwrap()
            .contains(&"_m_h5_tk".to_owned())
    );

    assert_eq!(status(&c, &ticket).await, QrPoll::Waiting);
    assert_eq!(status(&c, &ticket).await, QrPoll::Waiting);
    action(&sim, &ticket, "scan", json!({})).await;
    assert_eq!(status(&c, &ticket).await, QrPoll::Scanned);
    let bound = action(&sim, &ticket, "confirm", json!({"unb": UNB})).await;
    assert_eq!(bound["status"], "CONFIRMED");

    let polled = c.poll(&ticket).await.unwrap();
    assert_eq!(polled.status, QrPoll::Confirmed);
    let jar = polled.cookies.unwrap();
    assert_eq!(jar.unb(), Some(UNB));
    assert!(jar.get("cookie2").is_some() && jar.get("sgcookie").is_some());
    // query.do got the session cookies and the form.
    let query = http_entries(&sim)
        .into_iter()
        .rfind(|e| e.path.as_deref() == Some("/newlogin/qrcode/query.do"))
        .unwrap();
    assert!(
        query
            .cookie_names
            .unwrap()
            .contains(&"XSRF-TOKEN".to_owned())
    );

    let cookie = c.complete(jar).await.unwrap();
    let done = CookieJar::parse(&cookie);
    assert_eq!(done.unb(), Some(UNB));
    assert!(!done.m_h5_token().is_empty());
    assert!(done.get("_m_h5_tk_enc").is_some());
    // The cookie logs in as the account: a signed call succeeds at once, no re-sign needed.
    let calls_before = http_entries(&sim).len();
    let mtop = MtopClient::new(&sim.h5api_base(), Duration::from_secs(5)).unwrap();
    let mut jar = done.clone();
    mtop.call(&mut jar, &mtop::loginuser_get()).await.unwrap();
    assert_eq!(http_entries(&sim).len(), calls_before + 1);
    assert_eq!(jar, done);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirm_for_an_unknown_account_creates_it_and_logs_in_as_it() {
    let sim = sim();
    let c = client(&sim);
    let ticket = c.start().await.unwrap();
    action(&sim, &ticket, "scan", json!({})).await;
    let bound = action(&sim, &ticket, "confirm", json!({})).await;
    let unb = bound["unb"].as_str().unwrap().to_owned();
    let polled = c.poll(&ticket).await.unwrap();
    assert_eq!(polled.status, QrPoll::Confirmed);
    let cookie = c.complete(polled.cookies.unwrap()).await.unwrap();
    let done = CookieJar::parse(&cookie);
    assert_eq!(done.unb(), Some(unb.as_str()));
    // The account had no `_m_h5_tk` yet: loginuser.get minted one for it.
    let summary = sim.state().account_summary(&unb).unwrap();
    assert_eq!(
        summary["mtop_calls"]["mtop.taobao.idlemessage.pc.loginuser.get"], 2,
        "{summary}"
    );
    assert!(!done.m_h5_token().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_by_control_call_and_by_the_clock() {
    let sim = sim();
    let c = client(&sim);
    let ticket = c.start().await.unwrap();
    action(&sim, &ticket, "expire", json!({})).await;
    let polled = c.poll(&ticket).await.unwrap();
    assert_eq!(polled.status, QrPoll::Expired);
    assert!(polled.cookies.is_none() && polled.status.is_final());

    let ticket = c.start().await.unwrap();
    action(&sim, &ticket, "scan", json!({})).await;
    assert_eq!(status(&c, &ticket).await, QrPoll::Scanned);
    let ms = QR_SESSION_LIFETIME.as_millis() as i64 + 1000;
    control(&sim, "clock", json!({"advance_ms": ms})).await;
    assert_eq!(status(&c, &ticket).await, QrPoll::Expired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled() {
    let sim = sim();
    let c = client(&sim);
    let ticket = c.start().await.unwrap();
    action(&sim, &ticket, "scan", json!({})).await;
    action(&sim, &ticket, "cancel", json!({})).await;
    let s = status(&c, &ticket).await;
    assert_eq!(
        s,
        QrPoll::Cancelled {
            status: "CANCELED".into()
        }
    );
    assert_eq!(s.state(), "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_required_carries_the_url_and_no_cookies() {
    let sim = sim();
    let c = client(&sim);
    let ticket = c.start().await.unwrap();
    action(&sim, &ticket, "scan", json!({})).await;
    action(&sim, &ticket, "require-verification", json!({"unb": UNB})).await;
    let polled = c.poll(&ticket).await.unwrap();
    let QrPoll::VerificationRequired { url: Some(url) } = &polled.status else {
        panic!("{:?}", polled.status);
    };
    assert!(url.contains(&qr_id(&ticket)), "{url}");
    assert!(polled.cookies.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_code_is_cancelled_and_cookies_without_unb_are_refused() {
    let sim = sim();
    let c = client(&sim);
    let mut ticket = c.start().await.unwrap();
    ticket.code.ck = "forged".into();
    assert_eq!(
        status(&c, &ticket).await,
        QrPoll::Cancelled {
            status: "ERROR".into()
        }
    );
    let err = c.complete(ticket.jar.clone()).await.unwrap_err();
    assert!(matches!(err, RunnerError::CookieInvalid(_)), "{err:?}");
    assert!(QR_POLL_INTERVAL >= Duration::from_millis(800));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passport_without_the_login_page_is_a_clear_error() {
    let sim = sim();
    let mut ep = endpoints(&sim);
    ep.passport_base = format!("{}/nowhere", sim.base_url());
    let c = QrLoginClient::new(&ep, Duration::from_secs(5)).unwrap();
    let err = c.start().await.unwrap_err();
    assert!(
        matches!(err, RunnerError::Network(ref m) if m.contains("mini_login")),
        "{err:?}"
    );
}

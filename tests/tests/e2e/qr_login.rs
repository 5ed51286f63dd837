//! QR-code login through the API against the simulator's passport, in every state: waiting,
//! scanned (an inbox task while the phone must confirm), confirmed (a new account; then the
//! cookie of an existing account replaced), expired, cancelled (by the phone and by the
//! dashboard), verification required (a face task with its URL, solved by the face check),
//! and the errors of unknown and foreign logins.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use xianyu_tests::{Backend, TestServer, eventually, sim_call};

struct Site {
    s: TestServer,
    sim: goofish_sim::SimHandle,
    token: String,
    seen: std::sync::Mutex<HashSet<String>>,
}

impl Site {
    async fn start() -> Self {
        let (s, sim) = TestServer::start_live(Backend::Sqlite).expect("server");
        let token = s.admin_token().await;
        Self {
            s,
            sim,
            token,
            seen: Default::default(),
        }
    }

    async fn call(&self, m: Method, path: &str) -> (StatusCode, Value) {
        self.s.call(m, path, Some(&self.token), None).await
    }

    async fn sim(&self, path: &str, body: Option<Value>) -> Value {
        sim_call(&self.s.client, &self.sim.base_url(), path, body).await
    }

    /// Starts a login; returns (our id, the simulator's QR id).
    async fn start_login(&self) -> (String, String) {
        let (st, v) = self.call(Method::POST, "/api/v1/qr-logins").await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["state"], "waiting");
        let svg = v["svg"].as_str().expect("svg");
        assert!(
            svg.starts_with("<?xml") || svg.starts_with("<svg"),
            "{}",
            &svg[..40.min(svg.len())]
        );
        assert!(svg.contains("<svg") && svg.len() > 500);
        assert!(v["expires_at"].as_i64().is_some_and(|t| t > chrono_now()));
        let id = v["id"].as_str().expect("id").to_owned();
        let sessions = self.sim("/_sim/qr", None).await;
        let mut seen = self.seen.lock().expect("seen");
        let qr = sessions["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .filter_map(|s| s["id"].as_str())
            .find(|s| !seen.contains(*s))
            .expect("the simulator's new QR session")
            .to_owned();
        seen.insert(qr.clone());
        (id, qr)
    }

    async fn state_becomes(&self, id: &str, state: &str) -> Value {
        eventually(15, &format!("QR login {state}"), || async {
            let (_, v) = self
                .call(Method::GET, &format!("/api/v1/qr-logins/{id}"))
                .await;
            (v["state"] == state).then_some(v)
        })
        .await
    }

    async fn tasks(&self) -> Vec<Value> {
        let (_, v) = self
            .call(Method::GET, "/api/v1/verifications?state=all")
            .await;
        v["items"].as_array().cloned().unwrap_or_default()
    }
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qr_login_creates_an_account_then_updates_it() {
    let site = Site::start().await;
    let acc = site.sim("/_sim/accounts", Some(json!({}))).await;
    let unb = acc["unb"].as_str().expect("unb").to_owned();

    let (id, qr) = site.start_login().await;
    site.state_becomes(&id, "waiting").await;
    site.sim(&format!("/_sim/qr/{qr}/scan"), Some(json!({})))
        .await;
    site.state_becomes(&id, "scanned").await;
    let confirm = eventually(10, "a QR confirmation task", || async {
        site.tasks()
            .await
            .into_iter()
            .find(|t| t["kind"] == "qr_confirmation" && t["state"] == "open")
    })
    .await;
    site.sim(&format!("/_sim/qr/{qr}/confirm"), Some(json!({"unb": unb})))
        .await;
    let done = site.state_becomes(&id, "confirmed").await;
    assert_eq!(done["created"], true);
    let account = done["account_id"].as_i64().expect("account");
    let (st, a) = site
        .call(Method::GET, &format!("/api/v1/accounts/{account}"))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(a["xianyu_user_id"], unb.as_str());
    let task = site
        .tasks()
        .await
        .into_iter()
        .find(|t| t["id"] == confirm["id"])
        .expect("task");
    assert_eq!(task["state"], "solved");
    // the new account connects with the QR cookies
    eventually(20, "the new account online", || async {
        let (_, v) = site
            .call(Method::GET, &format!("/api/v1/accounts/{account}/status"))
            .await;
        (v["status"] == "online").then_some(())
    })
    .await;
    let store = site.s.store();
    let owner = store
        .account_owner(xianyu_domain::AccountId(account))
        .expect("owner");
    let first = store
        .account_cookie(owner, xianyu_domain::AccountId(account))
        .expect("cookie");
    assert!(
        first.contains("_m_h5_tk="),
        "the jar was completed with a token cookie"
    );

    // the same seller again: the existing account's cookie is replaced, no second account
    let (id, qr) = site.start_login().await;
    site.sim(&format!("/_sim/qr/{qr}/confirm"), Some(json!({"unb": unb})))
        .await;
    let done = site.state_becomes(&id, "confirmed").await;
    assert_eq!(
        (done["created"].clone(), done["account_id"].clone()),
        (json!(false), json!(account))
    );
    let (_, list) = site.call(Method::GET, "/api/v1/accounts").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    // live: the login's changes reach the events socket too (checked by the browser test)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_cancelled_and_verification_required() {
    let site = Site::start().await;

    let (id, qr) = site.start_login().await;
    site.sim(&format!("/_sim/qr/{qr}/expire"), Some(json!({})))
        .await;
    site.state_becomes(&id, "expired").await;

    let (id, qr) = site.start_login().await;
    site.sim(&format!("/_sim/qr/{qr}/cancel"), Some(json!({})))
        .await;
    site.state_becomes(&id, "cancelled").await;

    // cancelled from the dashboard: the poll stops
    let (id, qr) = site.start_login().await;
    let (st, v) = site
        .call(Method::DELETE, &format!("/api/v1/qr-logins/{id}"))
        .await;
    assert_eq!(
        (st, v["state"].clone()),
        (StatusCode::OK, json!("cancelled"))
    );
    site.sim(&format!("/_sim/qr/{qr}/confirm"), Some(json!({})))
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let (_, v) = site
        .call(Method::GET, &format!("/api/v1/qr-logins/{id}"))
        .await;
    assert_eq!(
        v["state"], "cancelled",
        "a cancelled login does not come back"
    );
    let (_, list) = site.call(Method::GET, "/api/v1/accounts").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));

    // verification required: a face task with the URL, solved when the check completes
    let (id, qr) = site.start_login().await;
    site.sim(
        &format!("/_sim/qr/{qr}/require-verification"),
        Some(json!({})),
    )
    .await;
    let v = site.state_becomes(&id, "verification_required").await;
    let url = v["verification_url"].as_str().expect("url").to_owned();
    assert!(url.ends_with(&format!("/qr/{qr}/verify")), "{url}");
    let face = eventually(10, "a face task", || async {
        site.tasks()
            .await
            .into_iter()
            .find(|t| t["kind"] == "face" && t["state"] == "open")
    })
    .await;
    assert_eq!(face["url"], url.as_str());
    site.sim(&format!("/_sim/qr/{qr}/face-verified"), Some(json!({})))
        .await;
    let done = site.state_becomes(&id, "confirmed").await;
    assert_eq!(done["created"], true);
    let face = site
        .tasks()
        .await
        .into_iter()
        .find(|t| t["id"] == face["id"])
        .expect("task");
    assert_eq!(face["state"], "solved");

    // unknown and foreign logins
    let (st, v) = site
        .call(Method::GET, "/api/v1/qr-logins/nosuchlogin")
        .await;
    assert_eq!(
        (st, v["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("qr_login_not_found"))
    );
    let other = site.s.user_token(&site.token, "qrother").await;
    let (st, v) = site
        .s
        .call(
            Method::GET,
            &format!("/api/v1/qr-logins/{id}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("qr_login_not_found"))
    );
    let (st, _) = site
        .s
        .call(
            Method::DELETE,
            &format!("/api/v1/qr-logins/{id}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passport_that_does_not_answer_is_a_clear_error() {
    // the non-live server's passport is a closed port
    let s = TestServer::start(Backend::Sqlite).expect("server");
    let token = s.admin_token().await;
    let (st, v) = s
        .call(Method::POST, "/api/v1/qr-logins", Some(&token), None)
        .await;
    assert_eq!(
        (st, v["error"]["code"].clone()),
        (StatusCode::BAD_GATEWAY, json!("qr_login_failed")),
        "{v}"
    );
}

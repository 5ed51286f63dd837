//! The dashboard in a real headless Chromium (through chromedriver and fantoccini), against
//! the real server and the in-process Goofish simulator, one module per page group. Every
//! scenario fails when a page logs a JavaScript error or a CSP violation; a failing scenario
//! leaves a screenshot and the console under `target/e2e-artifacts/`. Without chromedriver
//! they skip with a one-line reason (with `CI` set they fail).

#![allow(clippy::unwrap_used)]

mod accounts;
mod chat;
mod logs;
mod orders;
mod pages;
mod qr_login;
mod replies;
mod session;
mod stats;
mod system;
mod verifications;

use serde_json::{Value, json};
use xianyu_tests::{Backend, TestServer, sim_call};

/// A live server and simulator with the admin's temporary password replaced, so the forced
/// change-password prompt does not stand in the way of the other scenarios.
pub(crate) struct Site {
    pub s: TestServer,
    pub sim: goofish_sim::SimHandle,
    pub password: String,
    pub token: String,
}

/// The admin's password in the browser scenarios.
pub(crate) const ADMIN_PASSWORD: &str = "dashboard-admin-1";

impl Site {
    pub async fn start() -> Option<Self> {
        xianyu_tests::browser::chromedriver()?;
        let (s, sim) = TestServer::start_live(Backend::Sqlite)?;
        let first = s.admin_token().await;
        let (st, v) = s
            .call(
                reqwest::Method::POST,
                "/api/v1/auth/password",
                Some(&first),
                Some(json!({"current_password": s.admin_password, "new_password": ADMIN_PASSWORD})),
            )
            .await;
        assert_eq!(st, reqwest::StatusCode::NO_CONTENT, "{v}");
        let token = s.login("admin", ADMIN_PASSWORD).await;
        Some(Self {
            s,
            sim,
            password: ADMIN_PASSWORD.to_owned(),
            token,
        })
    }

    pub fn base(&self) -> String {
        self.s.url("")
    }

    /// Calls the simulator's control API.
    pub async fn sim(&self, path: &str, body: Option<Value>) -> Value {
        sim_call(&self.s.client, &self.sim.base_url(), path, body).await
    }

    /// Adds an account through the API and waits until it is online; returns (id, unb, item).
    pub async fn online_account(&self, item_title: &str) -> (i64, String, String) {
        let (unb, cookie, item) =
            xianyu_tests::sim_seller(&self.s.client, &self.sim.base_url(), item_title).await;
        let (st, a) = self
            .s
            .call(
                reqwest::Method::POST,
                "/api/v1/accounts",
                Some(&self.token),
                Some(json!({"cookie": cookie, "remark": "一号店"})),
            )
            .await;
        assert_eq!(st, reqwest::StatusCode::CREATED, "{a}");
        let id = a["id"].as_i64().unwrap_or_default();
        xianyu_tests::eventually(15, "account online", || async {
            let (_, v) = self
                .s
                .call(
                    reqwest::Method::GET,
                    &format!("/api/v1/accounts/{id}/status"),
                    Some(&self.token),
                    None,
                )
                .await;
            (v["status"] == "online").then_some(())
        })
        .await;
        (id, unb, item)
    }

    /// A buyer of the simulator writes to account `unb` about `item`.
    pub async fn buyer_says(&self, unb: &str, buyer: &str, item: &str, text: &str) {
        self.sim(
            &format!("/_sim/accounts/{unb}/buyer-messages"),
            Some(json!({"buyer_id": buyer, "buyer_name": "小李", "item_id": item, "text": text})),
        )
        .await;
    }
}

/// The directory an environment variable names (relative paths from the workspace root), where
/// screenshots go: `XIANYU_SCREENSHOTS` for the README's (e.g. `docs/images`),
/// `XIANYU_PAGE_SHOTS` for every page variant; `None` when it is not set.
pub(crate) fn screenshot_dir(var: &str) -> Option<std::path::PathBuf> {
    std::env::var_os(var).map(|d| {
        let p = std::path::PathBuf::from(d);
        if p.is_absolute() {
            p
        } else {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(p)
        }
    })
}

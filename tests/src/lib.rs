//! `xianyu-tests`: end-to-end tests across crates. This library holds the harness: a real
//! server on port 0 with a temporary data directory, on SQLite or on a scratch PostgreSQL
//! database, and a small JSON client.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod browser;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::Path;
use tempfile::TempDir;
use xianyu_api::{RunningServer, Settings};

/// Which database a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the temporary data directory.
    Sqlite,
    /// A fresh database on the server named by `TEST_DATABASE_URL`.
    Postgres,
}

/// The PostgreSQL server for tests, or `None` (with a one-line reason) when it is not set.
/// With `CI` set, a missing `TEST_DATABASE_URL` fails the test instead.
pub fn postgres_base_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "TEST_DATABASE_URL must be set when CI is set (PostgreSQL tests are mandatory in CI)"
            );
            eprintln!("skipped: TEST_DATABASE_URL is not set, PostgreSQL variant not run");
            None
        }
    }
}

/// Installs the product's logger once for the test binary (as the `xianyu` binary does), its
/// console in libtest's capture: the server's records (`RUST_LOG`, default info) are printed
/// when a test fails, so a timeout says what the server did. Every server of the binary
/// attaches its collector to it.
pub fn install_logger() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let mut console =
            env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
        console.is_test(true);
        let _ = xianyu_logs::install(console);
    });
}

/// A running server with its own data directory (and database).
pub struct TestServer {
    /// The server; stops on drop.
    pub server: Option<RunningServer>,
    /// The data directory.
    pub dir: TempDir,
    /// The settings it was started with.
    pub settings: Settings,
    /// The generated admin password.
    pub admin_password: String,
    /// HTTP client.
    pub client: reqwest::Client,
    pg: Option<(String, String)>,
}

impl TestServer {
    /// Starts a server; `None` when the backend is unavailable here (test skipped).
    pub fn start(backend: Backend) -> Option<Self> {
        Self::start_with(backend, None)
    }

    /// Starts a Goofish simulator and a server whose runner talks to it.
    pub fn start_live(backend: Backend) -> Option<(Self, goofish_sim::SimHandle)> {
        let sim = goofish_sim::GoofishSim::start(goofish_sim::SimConfig::default()).unwrap();
        let server = Self::start_with(backend, Some(&sim))?;
        Some((server, sim))
    }

    fn start_with(backend: Backend, sim: Option<&goofish_sim::SimHandle>) -> Option<Self> {
        install_logger();
        let dir = tempfile::tempdir().unwrap();
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let base = postgres_base_url()?;
                let url =
                    xianyu_persistence::testing::create_scratch_postgres_database(&base).unwrap();
                Some((base, url))
            }
        };
        let settings = Settings {
            bind: "127.0.0.1:0".into(),
            data_dir: dir.path().to_path_buf(),
            database_url: pg.as_ref().map(|(_, u)| u.clone()),
            workers: Some(1),
            reply_debounce_ms: 200,
            // Nothing listens here: accounts created by API tests must never reach the real
            // Goofish (tests only talk to loopback); runner tests use the simulator instead.
            goofish_h5api_base: Some(sim.map_or("http://127.0.0.1:9".into(), |s| s.h5api_base())),
            goofish_ws_url: Some(sim.map_or("ws://127.0.0.1:9/".into(), |s| s.ws_url())),
            goofish_passport_base: Some(
                sim.map_or("http://127.0.0.1:9".into(), |s| s.passport_base()),
            ),
            goofish_upload_url: Some(sim.map_or("http://127.0.0.1:9/api/upload.api".into(), |s| {
                s.upload_url()
            })),
            // the spec's pauses (2 s before free shipping, 2 s before a confirm retry), shortened
            delivery: xianyu_runner::DeliveryConfig {
                bargain_delay: std::time::Duration::from_millis(200),
                confirm_backoff: std::time::Duration::from_millis(100),
                ..xianyu_runner::DeliveryConfig::default()
            },
            ..Settings::default()
        };
        let server = xianyu_api::spawn(settings.clone()).unwrap();
        let admin_password = server.created_admin_password.clone().unwrap();
        Some(Self {
            server: Some(server),
            dir,
            settings,
            admin_password,
            client: reqwest::Client::new(),
            pg,
        })
    }

    /// Stops the server but keeps the data (to start it again).
    pub fn stop_server(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop();
        }
    }

    /// The settings the next [`TestServer::restart`] uses.
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// Starts the server again on the same data.
    pub fn restart(&mut self) {
        self.stop_server();
        self.server = Some(xianyu_api::spawn(self.settings.clone()).unwrap());
    }

    /// The data directory path.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.as_ref().unwrap().base_url(), path)
    }

    /// Sends a request with an optional bearer token and JSON body; returns status, headers and
    /// the body parsed as JSON (`Value::Null` when not JSON).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    /// Like [`TestServer::send`] without headers.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (s, _, v) = self.send(method, path, token, body).await;
        (s, v)
    }

    /// Logs in and returns the token; panics on failure.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (s, v) = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "login failed: {v}");
        v["token"].as_str().unwrap().to_owned()
    }

    /// Token of the initial admin.
    pub async fn admin_token(&self) -> String {
        self.login("admin", &self.admin_password.clone()).await
    }

    /// Creates a plain user through the admin API and returns a token for them.
    pub async fn user_token(&self, admin: &str, username: &str) -> String {
        let pw = format!("{username}-password-1");
        let (s, v) = self
            .call(
                Method::POST,
                "/api/v1/users",
                Some(admin),
                Some(json!({"username": username, "password": pw})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        self.login(username, &pw).await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop_server();
        if let Some((base, url)) = self.pg.take() {
            xianyu_persistence::testing::drop_scratch_postgres_database(&base, &url);
        }
    }
}

/// Defines `mod $name { sqlite, postgres }` tests that run `$scenario(TestServer)` on each
/// backend; the PostgreSQL one skips without `TEST_DATABASE_URL` (fails under `CI`).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident => $scenario:ident;)*) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let s = $crate::TestServer::start($crate::Backend::Sqlite).unwrap();
                    super::$scenario(s).await;
                }

                #[tokio::test]
                async fn postgres() {
                    if let Some(s) = $crate::TestServer::start($crate::Backend::Postgres) {
                        super::$scenario(s).await;
                    }
                }
            }
        )*
    };
}

/// Declares a SQLite and a PostgreSQL test for each `name => scenario`, where `scenario` is an
/// `async fn(Backend)` that starts what it needs (and returns early when the backend is
/// unavailable, e.g. [`TestServer::start_live`] answering `None`).
#[macro_export]
macro_rules! on_both_backends_with {
    ($($name:ident => $scenario:ident;)*) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$scenario($crate::Backend::Sqlite).await;
                }

                #[tokio::test]
                async fn postgres() {
                    super::$scenario($crate::Backend::Postgres).await;
                }
            }
        )*
    };
}

/// Calls the simulator's control API (`POST` with a body, `GET` without) and returns its JSON.
pub async fn sim_call(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let req = match body {
        Some(b) => client.post(format!("{base}{path}")).json(&b),
        None => client.get(format!("{base}{path}")),
    };
    let res = req.send().await.unwrap();
    assert!(res.status().is_success(), "sim {path}: {}", res.status());
    res.json().await.unwrap()
}

/// Polls `check` every 100 ms until it returns `Some`; fails after `secs`.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A seller in the simulator with one item: returns `(unb, cookie, item_id)`.
pub async fn sim_seller(
    client: &reqwest::Client,
    base: &str,
    item_title: &str,
) -> (String, String, String) {
    let acc = sim_call(client, base, "/_sim/accounts", Some(json!({}))).await;
    let unb = acc["unb"].as_str().unwrap().to_owned();
    let item = sim_call(
        client,
        base,
        &format!("/_sim/accounts/{unb}/items"),
        Some(json!({"title": item_title, "price_fen": 990})),
    )
    .await;
    (
        unb,
        acc["cookie"].as_str().unwrap().to_owned(),
        item["item_id"].as_str().unwrap().to_owned(),
    )
}

impl TestServer {
    /// A second handle on the server's database (same data directory, secret key and
    /// database), to seed rows no HTTP route creates, such as orders observed from Goofish.
    pub fn store(&self) -> xianyu_persistence::Store {
        xianyu_api::bootstrap::open_store(&self.settings).unwrap().0
    }
}

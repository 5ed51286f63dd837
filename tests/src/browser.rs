//! A headless Chromium driven through chromedriver and fantoccini, for the dashboard tests.
//!
//! [`Browser::start`] finds chromedriver (`XIANYU_CHROMEDRIVER`, else `chromedriver` on the
//! path), starts it on a free port and opens a session with a fresh profile and the launch
//! flags that work in a sandbox as root. Without chromedriver the test is skipped with a
//! one-line reason, or fails when `CI` is set. [`run`] wraps a scenario: when it fails (an
//! error or a panic), a screenshot and the browser console are saved under
//! `target/e2e-artifacts/` and named in the failure. [`Browser::console_errors`] returns the
//! JavaScript errors and CSP violations the pages logged.

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a step waits for an element or a condition.
pub const WAIT: Duration = Duration::from_secs(15);

/// A browser session with the chromedriver process behind it (both end on drop).
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    /// The dashboard's base URL (`http://127.0.0.1:<port>`).
    pub base: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// The chromedriver to use, or `None` (with a one-line reason) when there is none; with `CI`
/// set a missing chromedriver fails the test instead.
pub fn chromedriver() -> Option<PathBuf> {
    let path = std::env::var_os("XIANYU_CHROMEDRIVER")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join("chromedriver"))
                    .find(|p| p.is_file())
            })
        });
    if path.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver not found (install chromium and chromium-driver): browser tests are mandatory in CI"
        );
        eprintln!("skipped: chromedriver not found, browser test not run");
    }
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9515)
}

/// `POST /session/{id}/se/log` (chromedriver's log endpoint): the browser console so far.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

impl Browser {
    /// A browser at 1440×900 on the dashboard at `base`; `None` when the test is skipped.
    pub async fn start(base: &str) -> Option<Self> {
        let driver_path = chromedriver()?;
        let port = free_port();
        // Its own process group: Chromium and its helpers are chromedriver's children, and the
        // whole group is killed when the browser is dropped, so none outlives a test.
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("browser profile");
        let mut caps = serde_json::Map::new();
        let mut options = json!({
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        if let Some(bin) = std::env::var_os("XIANYU_CHROMIUM") {
            options["binary"] = json!(bin.to_string_lossy());
        }
        caps.insert("goog:chromeOptions".into(), options);
        caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("no browser session from {}: {e}", driver_path.display()),
            }
        };
        Some(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            driver,
            _profile: profile,
        })
    }

    /// Opens `#<route>` of the dashboard (e.g. `/accounts`).
    pub async fn open(&self, route: &str) {
        self.client
            .goto(&format!("{}/#{route}", self.base))
            .await
            .expect("navigate");
    }

    /// The element with `data-test` `hook`, waiting for it to appear.
    pub async fn find(&self, hook: &str) -> Element {
        self.find_css(&format!("[data-test='{hook}']")).await
    }

    /// The element matching `css`, waiting for it to appear.
    pub async fn find_css(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} within {WAIT:?}: {e}"))
    }

    /// Every element matching `css` right now.
    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
    }

    /// Clicks the element with `data-test` `hook`, waiting (like a person) while it is covered
    /// for a moment (a closing dialog, a toast sliding in) or re-rendered between finding and
    /// clicking it; any other failure, or one that lasts past [`WAIT`], fails.
    pub async fn click(&self, hook: &str) {
        use fantoccini::error::{CmdError, ErrorStatus};
        let deadline = Instant::now() + WAIT;
        loop {
            let result = self.find(hook).await.click().await;
            match result {
                Ok(()) => return,
                Err(CmdError::Standard(e))
                    if Instant::now() < deadline
                        && matches!(
                            e.error,
                            ErrorStatus::ElementClickIntercepted
                                | ErrorStatus::StaleElementReference
                                | ErrorStatus::ElementNotInteractable
                        ) =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("click on {hook}: {e}"),
            }
        }
    }

    /// Flips the switch (a checkbox inside its label) with `data-test` `hook` inside `scope`,
    /// by clicking what a person clicks: the label.
    pub async fn toggle(&self, scope: &str, hook: &str) {
        self.find_css(&format!("{scope} label:has([data-test='{hook}'])"))
            .await
            .click()
            .await
            .expect("click a switch");
    }

    /// Chooses the option with `value` of the `<select>` with `data-test` `hook`.
    pub async fn select(&self, hook: &str, value: &str) {
        self.find_css(&format!(
            "select[data-test='{hook}'] option[value='{value}']"
        ))
        .await
        .click()
        .await
        .expect("choose an option");
    }

    /// Replaces the value of the input with `data-test` `hook` by `text` (typed, so the page's
    /// input handlers run).
    pub async fn fill(&self, hook: &str, text: &str) {
        let e = self.find(hook).await;
        e.clear().await.expect("clear");
        e.send_keys(text).await.expect("type");
    }

    /// Runs a script in the page (`arguments[i]` are `args`) and returns what it returns.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {script}: {e}"))
    }

    /// Waits until `js` (an expression) is truthy in the page, and returns its value.
    pub async fn until(&self, what: &str, js: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self
                .client
                .execute(&format!("return ({js});"), vec![])
                .await
                .unwrap_or(Value::Null);
            let truthy =
                !matches!(&v, Value::Null | Value::Bool(false)) && v != json!("") && v != json!(0);
            if truthy {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} ({js})"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until an element matching `css` exists.
    pub async fn until_css(&self, what: &str, css: &str) {
        let q = serde_json::to_string(css).unwrap_or_default();
        self.until(what, &format!("document.querySelector({q})"))
            .await;
    }

    /// Logs in through the login page and waits for the shell.
    pub async fn login(&self, username: &str, password: &str) {
        self.open("/login").await;
        self.fill("login-username", username).await;
        self.fill("login-password", password).await;
        self.click("login-submit").await;
        self.find("user-menu").await;
    }

    /// The console entries that are JavaScript errors or CSP violations. Network messages
    /// (`Failed to load resource`, `net::ERR_…`: expected 4xx answers, offline CDN pictures)
    /// are not counted.
    pub async fn console_errors(&self) -> Vec<String> {
        self.console()
            .await
            .into_iter()
            .filter(|(level, source, text)| {
                let csp = text.contains("Content Security Policy")
                    || text.contains("Content-Security-Policy");
                let network = source == "network"
                    || text.contains("Failed to load resource")
                    || text.contains("net::ERR_");
                csp || (level == "SEVERE" && !network)
            })
            .map(|(level, source, text)| format!("{level} {source}: {text}"))
            .collect()
    }

    /// Fails when the pages logged a JavaScript error or a CSP violation since the last call.
    pub async fn assert_clean_console(&self) {
        let errors = self.console_errors().await;
        assert!(errors.is_empty(), "the page logged errors: {errors:#?}");
    }

    /// The console entries since the last call: (level, source, message).
    async fn console(&self) -> Vec<(String, String, String)> {
        let v = self.client.issue_cmd(BrowserLog).await.unwrap_or_default();
        v.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
                        (s("level"), s("source"), s("message"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Saves a PNG of the page to `path`.
    pub async fn screenshot(&self, path: &std::path::Path) {
        if let Ok(png) = self.client.screenshot().await {
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = std::fs::write(path, png);
        }
    }

    /// Saves a screenshot and the console under `target/e2e-artifacts/<name>.{png,log}` and
    /// returns a sentence naming them.
    pub async fn save_artifacts(&self, name: &str) -> String {
        let dir = artifacts_dir();
        let png = dir.join(format!("{name}.png"));
        let log = dir.join(format!("{name}.log"));
        self.screenshot(&png).await;
        let console: Vec<String> = self
            .console()
            .await
            .into_iter()
            .map(|(l, s, t)| format!("{l} {s}: {t}"))
            .collect();
        let url = self.client.current_url().await.map(|u| u.to_string());
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(
            &log,
            format!("url: {}\n{}\n", url.unwrap_or_default(), console.join("\n")),
        );
        format!("screenshot {} and console {}", png.display(), log.display())
    }
}

/// Processes whose command line mentions `needle` (e.g. a browser's profile directory).
pub fn processes_mentioning(needle: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .collect()
}

impl Browser {
    /// The browser's profile directory (unique per session).
    pub fn profile_dir(&self) -> String {
        self._profile.path().display().to_string()
    }

    /// Ends the session (chromedriver quits Chromium), then the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole process group: chromedriver, Chromium and every helper process.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `target/e2e-artifacts/` of the workspace.
pub fn artifacts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts")
}

/// Runs `scenario` with a browser on `base`; on a failure saves the artifacts (named `name`)
/// and fails with their paths. Skipped (returns) without chromedriver.
pub async fn run<F, Fut>(name: &str, base: &str, scenario: F)
where
    F: FnOnce(std::sync::Arc<Browser>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(browser) = Browser::start(base).await else {
        return;
    };
    let browser = std::sync::Arc::new(browser);
    let outcome = std::panic::AssertUnwindSafe(scenario(browser.clone()))
        .catch_unwind()
        .await;
    let outcome = match outcome {
        Ok(()) => {
            let errors = browser.console_errors().await;
            if errors.is_empty() {
                Ok(())
            } else {
                Err(format!("the pages logged errors: {errors:#?}"))
            }
        }
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panicked".to_owned())),
    };
    if let Err(message) = outcome {
        let saved = browser.save_artifacts(name).await;
        panic!("{name}: {message}\n(saved {saved})");
    }
    if let Ok(browser) = std::sync::Arc::try_unwrap(browser) {
        browser.close().await;
    }
}

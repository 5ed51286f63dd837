//! Starting and stopping one browser: chromedriver under a shell guard in its own process
//! group, a WebDriver session with a fresh profile, and the DevTools socket to its page.
//!
//! Cleanup is guaranteed by construction: the guard (`/bin/sh`) is the leader of a new process
//! group holding chromedriver and every Chromium process it starts, and it blocks reading a
//! pipe from this process. When the session ends the pipe is closed; when this process dies
//! (even by SIGKILL) the kernel closes it. Either way the guard wakes and kills its whole
//! group. Chromium's crash handlers, which leave the group, exit with the browser (and
//! `--disable-crash-reporter` keeps them from reporting anything).

use crate::cdp::{Cdp, CdpEvent, Passthrough};
use crate::error::{CaptchaError, Result};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::process::{Child, ChildStdin};
use tokio::sync::mpsc;

/// How long chromedriver and Chromium get to come up.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// The guard: start chromedriver in the background, wait for the pipe to close, kill the group.
const GUARD: &str = r#""$0" "$@" >/dev/null 2>&1 &
read line
kill -KILL 0"#;

/// What a browser is started with.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// The chromedriver binary.
    pub chromedriver: PathBuf,
    /// The Chromium binary, when chromedriver's own choice is not wanted (`XIANYU_CHROMIUM`).
    pub chromium: Option<PathBuf>,
    /// The browser's User-Agent (never `HeadlessChrome`).
    pub user_agent: String,
    /// The page viewport in CSS pixels.
    pub viewport: (u32, u32),
    /// Names the processes (the session id): it is in the guard's command line and the
    /// profile directory's name, so an operator (or a test) can tell which session they are.
    pub tag: String,
}

/// The chromedriver to use: `XIANYU_CHROMEDRIVER` (when it names a file), else `chromedriver`
/// on `PATH`.
pub fn find_chromedriver() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("XIANYU_CHROMEDRIVER") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|p| p.join("chromedriver"))
        .find(|p| p.is_file())
}

/// A running browser: the guard process, the WebDriver client and the DevTools socket.
pub(crate) struct Browser {
    guard: Child,
    pipe: Option<ChildStdin>,
    /// The process group of the guard, chromedriver and Chromium.
    pub pgid: u32,
    pub client: fantoccini::Client,
    pub cdp: Cdp,
    pub events: mpsc::UnboundedReceiver<CdpEvent>,
    _profile: tempfile::TempDir,
}

fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| CaptchaError::Process(format!("no free port: {e}")))
}

fn spawn_guard(driver: &Path, port: u16, tag: &str) -> Result<(Child, ChildStdin, u32)> {
    let tag: String = tag.chars().filter(char::is_ascii_alphanumeric).collect();
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(format!("{GUARD}\n# xianyu-captcha-{tag}"))
        .arg(driver)
        .arg(format!("--port={port}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0);
    let mut child = tokio::process::Command::from(cmd)
        .spawn()
        .map_err(|e| CaptchaError::Process(format!("cannot start {}: {e}", driver.display())))?;
    let pipe = child
        .stdin
        .take()
        .ok_or_else(|| CaptchaError::Process("no guard pipe".into()))?;
    let pgid = child
        .id()
        .ok_or_else(|| CaptchaError::Process("guard exited".into()))?;
    Ok((child, pipe, pgid))
}

fn capabilities(opts: &LaunchOptions, profile: &Path) -> serde_json::Map<String, Value> {
    let (w, h) = opts.viewport;
    let mut args = vec![
        "--headless".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-crash-reporter".into(),
        "--disable-breakpad".into(),
        "--disable-blink-features=AutomationControlled".into(),
        "--lang=zh-CN".into(),
        // new headless keeps ~140 px of emulated browser chrome: leave room, the viewport
        // itself is set exactly through DevTools
        format!("--window-size={},{}", w.max(400), h.max(300) + 200),
        format!("--user-agent={}", opts.user_agent),
        format!("--user-data-dir={}", profile.display()),
    ];
    args.retain(|a| !a.is_empty());
    let mut options = json!({ "args": args });
    if let Some(bin) = &opts.chromium {
        options["binary"] = json!(bin.to_string_lossy());
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    caps.insert("pageLoadStrategy".into(), json!("eager"));
    caps
}

impl Browser {
    /// Starts chromedriver and Chromium with a fresh profile, opens the DevTools socket and
    /// sets the viewport. On any failure everything started so far is killed.
    pub(crate) async fn launch(opts: &LaunchOptions) -> Result<Self> {
        let profile = tempfile::Builder::new()
            .prefix(&format!("xianyu-captcha-{}-", opts.tag))
            .tempdir()
            .map_err(|e| CaptchaError::Process(format!("profile: {e}")))?;
        let port = free_port()?;
        let (guard, pipe, pgid) = spawn_guard(&opts.chromedriver, port, &opts.tag)?;
        let mut partial = Partial {
            guard: Some(guard),
            pipe: Some(pipe),
        };
        let caps = capabilities(opts, profile.path());
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + START_TIMEOUT;
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match fantoccini::ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) => {
                    // not listening yet: retry; chromedriver answered but Chromium failed: stop
                    let text = e.to_string();
                    let fatal = text.contains("session not created")
                        || text.contains("cannot find")
                        || text.contains("unknown error");
                    if fatal || Instant::now() >= deadline {
                        partial.kill().await;
                        return Err(CaptchaError::ChromiumFailed(first_line(&text)));
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        let setup = async {
            let caps = client.capabilities().cloned().unwrap_or_default();
            let debugger = caps
                .get("goog:chromeOptions")
                .and_then(|o| o.get("debuggerAddress"))
                .and_then(Value::as_str)
                .ok_or_else(|| CaptchaError::ChromiumFailed("no debuggerAddress".into()))?
                .to_owned();
            let info = client
                .issue_cmd(Passthrough {
                    cmd: "Target.getTargetInfo",
                    params: json!({}),
                })
                .await
                .map_err(|e| CaptchaError::WebDriver(e.to_string()))?;
            let target = info["targetInfo"]["targetId"]
                .as_str()
                .ok_or_else(|| CaptchaError::Cdp("no targetId".into()))?
                .to_owned();
            let (cdp, events) = Cdp::connect(&debugger, &target).await?;
            let (w, h) = opts.viewport;
            cdp.call(
                "Emulation.setDeviceMetricsOverride",
                json!({"width": w, "height": h, "deviceScaleFactor": 1, "mobile": false}),
            )
            .await?;
            cdp.call("Network.enable", json!({})).await?;
            cdp.call("Page.enable", json!({})).await?;
            Ok::<_, CaptchaError>((cdp, events))
        };
        match setup.await {
            Ok((cdp, events)) => {
                let guard = partial.guard.take();
                let pipe = partial.pipe.take();
                match (guard, pipe) {
                    (Some(guard), pipe @ Some(_)) => Ok(Self {
                        guard,
                        pipe,
                        pgid,
                        client,
                        cdp,
                        events,
                        _profile: profile,
                    }),
                    _ => Err(CaptchaError::Process("guard lost".into())),
                }
            }
            Err(e) => {
                let _ = client.close().await;
                partial.kill().await;
                Err(e)
            }
        }
    }

    /// Ends the browser: closes the WebDriver session (briefly), then lets the guard kill the
    /// process group and waits for it.
    pub(crate) async fn shutdown(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.client.clone().close()).await;
        let mut partial = Partial {
            guard: Some(self.guard),
            pipe: self.pipe.take(),
        };
        partial.kill().await;
    }
}

/// The guard of a browser being started or stopped.
struct Partial {
    guard: Option<Child>,
    pipe: Option<ChildStdin>,
}

impl Partial {
    /// Closes the pipe (the guard kills its group) and reaps the guard; kills it if it hangs.
    async fn kill(&mut self) {
        drop(self.pipe.take());
        if let Some(mut g) = self.guard.take()
            && tokio::time::timeout(Duration::from_secs(3), g.wait())
                .await
                .is_err()
        {
            let _ = g.kill().await;
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

//! One remote-control session: a browser on the verification page, streamed to at most one
//! operator at a time, relaying the operator's pointer, watching the x5 cookies. It is a single
//! task (an actor): its controls arrive on a channel, so input, frames and checks never race.

use crate::auto;
use crate::cdp::Cdp;
use crate::error::{CaptchaError, Result};
use crate::launch::{Browser, LaunchOptions};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use xianyu_domain::verification::{BrowserCookie, SessionEnd, x5_changed};

const TARGET: &str = "xianyu_captcha::session";
/// How often the cookies are read for a changed `x5sec`.
const CHECK_EVERY: Duration = Duration::from_millis(400);
/// After a release, how long the status says "checking" before it is "ready" again.
const CHECKING_FOR: Duration = Duration::from_secs(3);
/// How long the automatic attempt waits for the cookie after its drag.
const AUTO_WAIT: Duration = Duration::from_secs(5);
/// JPEG quality of streamed frames.
const JPEG_QUALITY: u8 = 60;

/// What the operator's pointer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointerAction {
    /// Button pressed or finger down.
    Down,
    /// Moved (drags while pressed).
    Move,
    /// Released.
    Up,
}

/// One pointer event from the operator: where, as fractions (0..1) of the displayed frame.
/// Touch input is relayed as the same mouse drag (the page is a desktop page).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct PointerInput {
    /// What happened.
    pub action: PointerAction,
    /// Horizontal position, 0 (left) to 1 (right).
    pub x: f64,
    /// Vertical position, 0 (top) to 1 (bottom).
    pub y: f64,
    /// Whether it came from a touch screen.
    #[serde(default)]
    pub touch: bool,
}

impl PointerInput {
    /// Whether both coordinates are finite fractions in 0..=1.
    pub fn is_valid(&self) -> bool {
        (0.0..=1.0).contains(&self.x) && (0.0..=1.0).contains(&self.y)
    }

    /// The position in viewport CSS pixels.
    pub fn scaled(&self, (w, h): (u32, u32)) -> (f64, f64) {
        (self.x * f64::from(w), self.y * f64::from(h))
    }
}

/// Where a session stands, as the operator sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// The browser starts or the page loads.
    Loading,
    /// The page is shown and takes input.
    Ready,
    /// The pointer was released: waiting for the cookie.
    Checking,
    /// Passed.
    Solved,
    /// The browser failed.
    Failed,
    /// Idle past the timeout.
    Expired,
    /// Closed by the operator.
    Closed,
}

/// A message for the operator's view (frames travel separately, latest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ViewerEvent {
    /// The page is shown; its viewport.
    Ready {
        /// Viewport size in CSS px.
        viewport: Viewport,
    },
    /// The state changed.
    Status {
        /// The new state.
        state: SessionState,
        /// Why, when there is something to say.
        message: Option<String>,
    },
}

/// A viewport size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Viewport {
    /// Width, CSS px.
    pub width: u32,
    /// Height, CSS px.
    pub height: u32,
}

/// One JPEG frame.
pub type Frame = Arc<Vec<u8>>;

/// An attached operator: events, the latest frame, and the way to send input. Dropping it
/// detaches.
pub struct Viewer {
    /// State changes.
    pub events: mpsc::Receiver<ViewerEvent>,
    /// The latest frame (a slow viewer skips frames instead of queueing them).
    pub frames: watch::Receiver<Option<Frame>>,
    pub(crate) ctl: mpsc::Sender<Ctl>,
    pub(crate) no: u64,
}

impl Viewer {
    /// Relays one pointer event; `false` when the session is gone.
    pub async fn input(&self, p: PointerInput) -> bool {
        self.ctl.send(Ctl::Pointer(p)).await.is_ok()
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let _ = self.ctl.try_send(Ctl::Detach(self.no));
    }
}

/// Controls of a session.
pub(crate) enum Ctl {
    Attach {
        no: u64,
        events: mpsc::Sender<ViewerEvent>,
        frames: watch::Sender<Option<Frame>>,
    },
    Detach(u64),
    Pointer(PointerInput),
    Close,
}

/// What a session works on.
#[derive(Clone)]
pub(crate) struct SessionSpec {
    pub url: String,
    pub cookies: Vec<(String, String)>,
    pub automatic: bool,
    pub idle_timeout: Duration,
    pub viewer_grace: Duration,
}

/// The attached operator, if any.
struct Attached {
    no: u64,
    events: mpsc::Sender<ViewerEvent>,
    frames: watch::Sender<Option<Frame>>,
}

struct Run {
    spec: SessionSpec,
    viewport: (u32, u32),
    viewer: Option<Attached>,
    state: SessionState,
    ready: bool,
    closed: bool,
    last_activity: Instant,
    orphaned_since: Option<Instant>,
    pressed: bool,
    last_pos: (f64, f64),
    released_at: Option<Instant>,
}

impl Run {
    fn say(&mut self, state: SessionState, message: Option<String>) {
        self.state = state;
        if let Some(v) = &self.viewer {
            let _ = v.events.try_send(ViewerEvent::Status { state, message });
        }
    }

    /// Handles a control that needs no browser; returns the pointer input to relay, if any.
    fn control(&mut self, c: Ctl) -> Option<PointerInput> {
        match c {
            Ctl::Attach { no, events, frames } => {
                // a second viewer replaces the first (whose channels close)
                let _ = events.try_send(ViewerEvent::Status {
                    state: self.state,
                    message: None,
                });
                if self.ready {
                    let (width, height) = self.viewport;
                    let _ = events.try_send(ViewerEvent::Ready {
                        viewport: Viewport { width, height },
                    });
                }
                self.viewer = Some(Attached { no, events, frames });
                self.orphaned_since = None;
                self.last_activity = Instant::now();
                None
            }
            Ctl::Detach(no) => {
                if self.viewer.as_ref().is_some_and(|v| v.no == no) {
                    self.viewer = None;
                    self.orphaned_since = Some(Instant::now());
                }
                None
            }
            Ctl::Close => {
                self.closed = true;
                None
            }
            Ctl::Pointer(p) => {
                self.last_activity = Instant::now();
                (self.ready && p.is_valid()).then_some(p)
            }
        }
    }

    fn deadline(&self) -> Instant {
        let idle = self.last_activity + self.spec.idle_timeout;
        match self.orphaned_since {
            Some(t) if !self.spec.automatic => idle.min(t + self.spec.viewer_grace),
            _ => idle,
        }
    }
}

/// Runs a session to its end; `pgid` learns the browser's process group once it runs.
pub(crate) async fn run(
    spec: SessionSpec,
    opts: LaunchOptions,
    mut ctl: mpsc::Receiver<Ctl>,
    pgid: Arc<AtomicU32>,
) -> (SessionEnd, Option<CaptchaError>) {
    let mut run = Run {
        viewport: opts.viewport,
        viewer: None,
        state: SessionState::Loading,
        ready: false,
        closed: false,
        last_activity: Instant::now(),
        orphaned_since: None,
        pressed: false,
        last_pos: (0.0, 0.0),
        released_at: None,
        spec,
    };
    let launched = {
        let launch = Browser::launch(&opts);
        tokio::pin!(launch);
        loop {
            tokio::select! {
                b = &mut launch => break b,
                Some(c) = ctl.recv() => { run.control(c); }
            }
        }
    };
    let mut browser = match launched {
        Ok(b) => b,
        Err(e) => {
            let msg = e.to_string();
            run.say(SessionState::Failed, Some(msg.clone()));
            return (SessionEnd::Failed(msg), Some(e));
        }
    };
    pgid.store(browser.pgid, Ordering::SeqCst);
    let end = drive(&mut run, &mut browser, &mut ctl).await;
    let final_state = match &end {
        SessionEnd::Solved(_) => SessionState::Solved,
        SessionEnd::Expired => SessionState::Expired,
        SessionEnd::Closed => SessionState::Closed,
        SessionEnd::Failed(_) => SessionState::Failed,
    };
    browser.shutdown().await;
    let message = match &end {
        SessionEnd::Failed(m) => Some(m.clone()),
        _ => None,
    };
    run.say(final_state, message);
    (end, None)
}

/// Loads the page, then serves the operator (or makes the automatic attempt) until the end.
async fn drive(run: &mut Run, b: &mut Browser, ctl: &mut mpsc::Receiver<Ctl>) -> SessionEnd {
    let cdp = b.cdp.clone();
    let spec = run.spec.clone();
    let load = load_page(&cdp, &spec);
    tokio::pin!(load);
    let loaded = loop {
        tokio::select! {
            r = &mut load => break r,
            Some(c) = ctl.recv() => { run.control(c); }
        }
    };
    if let Err(e) = loaded {
        return SessionEnd::Failed(e.to_string());
    }
    if run.closed {
        return SessionEnd::Closed;
    }
    if run.spec.automatic {
        return automatic(&cdp, &run.spec).await;
    }
    run.ready = true;
    let (width, height) = run.viewport;
    if let Some(v) = &run.viewer {
        let _ = v.events.try_send(ViewerEvent::Ready {
            viewport: Viewport { width, height },
        });
    }
    run.say(SessionState::Ready, None);
    // the viewer the screencast runs for (none: stopped)
    let mut streamed_to: Option<u64> = None;
    let mut tick = tokio::time::interval(CHECK_EVERY);
    loop {
        // stream only while someone watches; a new viewer gets a first frame at once
        let viewer = run.viewer.as_ref().map(|v| v.no);
        if viewer != streamed_to {
            let (running, wanted) = (streamed_to.is_some(), viewer.is_some());
            streamed_to = viewer;
            if let Err(e) = set_streaming(&cdp, run, running, wanted).await {
                log::warn!(target: TARGET, "screencast: {e}");
            }
        }
        if run.closed {
            return SessionEnd::Closed;
        }
        let deadline = run.deadline();
        tokio::select! {
            c = ctl.recv() => {
                let Some(c) = c else { return SessionEnd::Closed };
                let mut batch = vec![c];
                while let Ok(more) = ctl.try_recv() {
                    batch.push(more);
                }
                for p in coalesce(batch.into_iter().filter_map(|c| run.control(c)).collect()) {
                    if let Err(e) = relay(&cdp, run, p).await {
                        return SessionEnd::Failed(e.to_string());
                    }
                }
            }
            ev = b.events.recv() => {
                let Some((method, params)) = ev else {
                    return SessionEnd::Failed("the browser closed its DevTools socket".into());
                };
                if method == "Page.screencastFrame" {
                    cdp.send("Page.screencastFrameAck", json!({"sessionId": params["sessionId"]}));
                    if let (Some(frame), Some(v)) = (decode_frame(&params["data"]), &run.viewer) {
                        let _ = v.frames.send(Some(frame));
                    }
                }
            }
            _ = tick.tick() => {
                match solved_cookies(&cdp, &run.spec.cookies).await {
                    Ok(Some(cookies)) => return SessionEnd::Solved(cookies),
                    Ok(None) => {}
                    Err(e) => return SessionEnd::Failed(e.to_string()),
                }
                if run.state == SessionState::Checking
                    && run.released_at.is_some_and(|t| t.elapsed() > CHECKING_FOR)
                {
                    run.say(SessionState::Ready, Some("not_passed".into()));
                }
            }
            _ = tokio::time::sleep_until(deadline) => {
                return if run.orphaned_since.is_some_and(|t| t + run.spec.viewer_grace <= Instant::now()) {
                    SessionEnd::Closed
                } else {
                    SessionEnd::Expired
                };
            }
        }
    }
}

/// Most consecutive moves relayed from one backlog: when input arrives faster than the
/// browser takes it, a longer run of queued moves is thinned to this many.
const MAX_MOVES_PER_RUN: usize = 12;

/// Thins runs of more than [`MAX_MOVES_PER_RUN`] consecutive queued moves to evenly spaced
/// points (the last always kept): a backlog is caught up without losing the drag's shape,
/// which risk control reads (dropping all but the last would turn a drag into jumps).
pub(crate) fn coalesce(inputs: Vec<PointerInput>) -> Vec<PointerInput> {
    let mut out: Vec<PointerInput> = Vec::with_capacity(inputs.len());
    let mut run: Vec<PointerInput> = Vec::new();
    let flush = |run: &mut Vec<PointerInput>, out: &mut Vec<PointerInput>| {
        let n = run.len();
        if n <= MAX_MOVES_PER_RUN {
            out.append(run);
            return;
        }
        out.extend((1..=MAX_MOVES_PER_RUN).map(|i| run[i * n / MAX_MOVES_PER_RUN - 1]));
        run.clear();
    };
    for p in inputs {
        if p.action == PointerAction::Move {
            run.push(p);
        } else {
            flush(&mut run, &mut out);
            out.push(p);
        }
    }
    flush(&mut run, &mut out);
    out
}

async fn relay(cdp: &Cdp, run: &mut Run, p: PointerInput) -> Result<()> {
    let (x, y) = p.scaled(run.viewport);
    match p.action {
        PointerAction::Down => {
            auto::mouse(cdp, "mouseMoved", x, y, false).await?;
            auto::mouse(cdp, "mousePressed", x, y, true).await?;
            run.pressed = true;
        }
        PointerAction::Move => {
            auto::mouse(cdp, "mouseMoved", x, y, run.pressed).await?;
        }
        PointerAction::Up => {
            auto::mouse(cdp, "mouseReleased", x, y, false).await?;
            run.pressed = false;
            run.released_at = Some(Instant::now());
            run.say(SessionState::Checking, None);
        }
    }
    run.last_pos = (x, y);
    Ok(())
}

/// Starts or stops the screencast (`running` → `wanted`); a viewer that arrives gets the
/// current page at once (a static page sends no screencast frame until it changes).
async fn set_streaming(cdp: &Cdp, run: &Run, running: bool, wanted: bool) -> Result<()> {
    if !wanted {
        cdp.call("Page.stopScreencast", json!({})).await?;
        return Ok(());
    }
    let (w, h) = run.viewport;
    // a first frame at once (a static page sends no screencast frames until it changes)
    let shot = cdp
        .call(
            "Page.captureScreenshot",
            json!({"format": "jpeg", "quality": JPEG_QUALITY, "optimizeForSpeed": true}),
        )
        .await?;
    if let (Some(frame), Some(v)) = (decode_frame(&shot["data"]), &run.viewer) {
        let _ = v.frames.send(Some(frame));
    }
    if running {
        return Ok(());
    }
    cdp.call(
        "Page.startScreencast",
        json!({"format": "jpeg", "quality": JPEG_QUALITY, "maxWidth": w, "maxHeight": h, "everyNthFrame": 1}),
    )
    .await?;
    Ok(())
}

fn decode_frame(data: &Value) -> Option<Frame> {
    let b64 = data.as_str()?;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .ok()
        .map(Arc::new)
}

/// Loads the account's cookies for the page's host and opens the page.
async fn load_page(cdp: &Cdp, spec: &SessionSpec) -> Result<()> {
    let url = url::Url::parse(&spec.url)
        .map_err(|e| CaptchaError::Cdp(format!("bad verification url: {e}")))?;
    if matches!(url.scheme(), "http" | "https") && !spec.cookies.is_empty() {
        let host = url.host_str().unwrap_or_default();
        let domain = if host.ends_with(".goofish.com") {
            Some(".goofish.com")
        } else {
            None
        };
        let cookies: Vec<Value> = spec
            .cookies
            .iter()
            .map(|(name, value)| match domain {
                Some(d) => json!({"name": name, "value": value, "domain": d, "path": "/", "secure": url.scheme() == "https"}),
                None => json!({"name": name, "value": value, "url": spec.url}),
            })
            .collect();
        cdp.call("Network.setCookies", json!({"cookies": cookies}))
            .await?;
    }
    cdp.call("Page.navigate", json!({"url": spec.url})).await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let r = cdp
            .call(
                "Runtime.evaluate",
                json!({"expression": "document.readyState", "returnByValue": true}),
            )
            .await?;
        if r["result"]["value"] == "complete" || Instant::now() > deadline {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every cookie of the browser, all domains.
async fn all_cookies(cdp: &Cdp) -> Result<Vec<BrowserCookie>> {
    let r = cdp.call("Network.getAllCookies", json!({})).await?;
    Ok(r["cookies"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    Some(BrowserCookie {
                        name: c["name"].as_str()?.to_owned(),
                        value: c["value"].as_str()?.to_owned(),
                        domain: c["domain"].as_str().unwrap_or_default().to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The browser's cookies when an x5 cookie changed compared with what was loaded.
async fn solved_cookies(
    cdp: &Cdp,
    before: &[(String, String)],
) -> Result<Option<Vec<BrowserCookie>>> {
    let now = all_cookies(cdp).await?;
    if !x5_changed(before, &now) {
        return Ok(None);
    }
    // cookies set in the same response may land a moment apart
    tokio::time::sleep(Duration::from_millis(300)).await;
    all_cookies(cdp).await.map(Some)
}

async fn automatic(cdp: &Cdp, spec: &SessionSpec) -> SessionEnd {
    match auto::attempt(cdp).await {
        Ok(true) => {}
        Ok(false) => return SessionEnd::Failed("automatic attempt: no slider on the page".into()),
        Err(e) => return SessionEnd::Failed(format!("automatic attempt: {e}")),
    }
    let until = Instant::now() + AUTO_WAIT;
    while Instant::now() < until {
        match solved_cookies(cdp, &spec.cookies).await {
            Ok(Some(c)) => return SessionEnd::Solved(c),
            Ok(None) => tokio::time::sleep(CHECK_EVERY).await,
            Err(e) => return SessionEnd::Failed(e.to_string()),
        }
    }
    SessionEnd::Failed("automatic attempt: the slider was not passed".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(action: PointerAction, x: f64) -> PointerInput {
        PointerInput {
            action,
            x,
            y: 0.5,
            touch: false,
        }
    }

    #[test]
    fn a_short_backlog_is_relayed_whole_a_long_one_thinned_evenly() {
        use PointerAction::*;
        let got = coalesce(vec![
            p(Down, 0.1),
            p(Move, 0.2),
            p(Move, 0.3),
            p(Up, 0.3),
            p(Move, 0.5),
        ]);
        let xs: Vec<(PointerAction, f64)> = got.iter().map(|i| (i.action, i.x)).collect();
        assert_eq!(
            xs,
            vec![
                (Down, 0.1),
                (Move, 0.2),
                (Move, 0.3),
                (Up, 0.3),
                (Move, 0.5)
            ]
        );

        let mut long = vec![p(Down, 0.0)];
        long.extend((1..=48).map(|i| p(Move, f64::from(i) / 100.0)));
        long.push(p(Up, 0.48));
        let got = coalesce(long);
        assert_eq!(got.len(), MAX_MOVES_PER_RUN + 2);
        let moves: Vec<f64> = got
            .iter()
            .filter(|i| i.action == Move)
            .map(|i| i.x)
            .collect();
        assert_eq!(moves.len(), MAX_MOVES_PER_RUN);
        assert_eq!(moves.last().copied(), Some(0.48), "the last move is kept");
        assert!(
            moves.windows(2).all(|w| (w[1] - w[0] - 0.04).abs() < 1e-9),
            "evenly spaced: {moves:?}"
        );
        assert_eq!((got[0].action, got[got.len() - 1].action), (Down, Up));
    }

    #[test]
    fn input_is_scaled_to_the_viewport_and_checked() {
        let i = p(PointerAction::Move, 0.25);
        assert_eq!(i.scaled((800, 600)), (200.0, 300.0));
        assert!(i.is_valid());
        assert!(!p(PointerAction::Move, 1.5).is_valid());
        assert!(!p(PointerAction::Move, f64::NAN).is_valid());
    }
}

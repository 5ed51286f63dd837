//! Prints the streaming figures of one captcha session on this machine: Chromium start to first
//! frame, screencast frames/s and bytes/frame during a drag, single screenshots through
//! chromedriver's passthrough versus the DevTools socket, and the memory (PSS) of one session.
//! Needs chromedriver; run with `cargo bench -p xianyu-captcha --bench stream`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};
use xianyu_captcha::{
    CaptchaConfig, OpenSession, PointerAction, PointerInput, SessionManager, ViewerEvent,
};
use xianyu_domain::UserId;
use xianyu_domain::verification::{SessionOutcomes, SessionReport};

/// A page that repaints on every mouse move (like a slider knob following the pointer).
const PAGE: &str = r#"<!DOCTYPE html><html><body style="margin:0"><canvas id="c" width="800" height="600"></canvas><script>
const c = document.getElementById('c').getContext('2d');
for (let i = 0; i < 3000; i++) { c.fillStyle = `hsl(${i % 360},60%,${30 + i % 40}%)`; c.fillRect((i * 37) % 800, (i * 91) % 600, 12, 12); }
document.addEventListener('mousemove', e => { c.fillStyle = '#fff'; c.fillRect(e.clientX - 20, 40, 40, 34); });
</script></body></html>"#;

struct Ignore;
impl SessionOutcomes for Ignore {
    fn session_ended(&self, _: SessionReport) -> Result<(), xianyu_domain::ports::PortError> {
        Ok(())
    }
}

async fn serve() -> String {
    support::serve_page(PAGE, "/").await
}

/// Proportional set size of the processes in group `pgid`, KiB.
fn pss_kib(pgid: u32) -> u64 {
    support::group_pids(pgid)
        .into_iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|roll| {
            roll.lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .sum()
}

fn main() {
    let cfg = CaptchaConfig::from_env();
    if cfg.chromedriver.is_none() {
        println!("skipped: chromedriver not found");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let url = serve().await;
        let (pass, socket) = xianyu_captcha::diagnostics::capture_screenshot_rates(&cfg, &url, 30)
            .await
            .expect("screenshots");
        println!("captureScreenshot via chromedriver passthrough: {:.1} ms/frame ({:.1} fps), {} bytes/frame", pass.ms_per_frame, 1000.0 / pass.ms_per_frame, pass.bytes_per_frame);
        println!("captureScreenshot via DevTools socket:          {:.1} ms/frame ({:.1} fps), {} bytes/frame", socket.ms_per_frame, 1000.0 / socket.ms_per_frame, socket.bytes_per_frame);
        for round in 1..=3 {
            let m = SessionManager::new(cfg.clone(), tokio::runtime::Handle::current(), Arc::new(Ignore));
            let started = Instant::now();
            let id = m
                .open(OpenSession { owner: UserId(1), verification_id: 1, account_id: None, url: url.clone(), cookies: vec![], automatic: false })
                .expect("open");
            let mut v = m.attach(&id, UserId(1)).expect("attach");
            while !matches!(v.events.recv().await, Some(ViewerEvent::Ready { .. })) {}
            v.frames.changed().await.expect("frame");
            let first = started.elapsed();
            let _ = v.frames.borrow_and_update();
            v.input(PointerInput { action: PointerAction::Down, x: 0.05, y: 0.1, touch: false }).await;
            let (mut frames, mut bytes) = (0u32, 0usize);
            let drag = Instant::now();
            // an operator's drag: a move every 16 ms for 2 s
            for i in 0..125 {
                v.input(PointerInput { action: PointerAction::Move, x: 0.05 + f64::from(i) * 0.007, y: 0.1, touch: false }).await;
                tokio::time::sleep(Duration::from_millis(16)).await;
                if v.frames.has_changed().unwrap_or(false) {
                    frames += 1;
                    bytes += v.frames.borrow_and_update().as_ref().map_or(0, |f| f.len());
                }
            }
            let secs = drag.elapsed().as_secs_f64();
            let pss = m.process_group(&id).map_or(0, pss_kib);
            println!(
                "round {round}: start to first frame {} ms; screencast during a drag {:.1} frames/s, {} bytes/frame; session PSS {:.0} MiB",
                first.as_millis(), f64::from(frames) / secs, bytes / frames.max(1) as usize, pss as f64 / 1024.0
            );
            drop(v);
            m.shutdown(Duration::from_secs(10)).await;
        }
    });
}

//! Measurements behind the design choices, for the `stream` bench: how fast single
//! `Page.captureScreenshot` calls are through chromedriver's passthrough and through the
//! DevTools socket (the alternative to the screencast the sessions use).

use crate::cdp::Passthrough;
use crate::error::{CaptchaError, Result};
use crate::launch::{Browser, LaunchOptions};
use crate::manager::CaptchaConfig;
use serde_json::json;
use std::time::Instant;

/// Figures of one way of taking frames.
#[derive(Debug, Clone, Copy)]
pub struct CaptureFigures {
    /// Mean milliseconds per frame, taken one after another.
    pub ms_per_frame: f64,
    /// Mean JPEG bytes per frame (base64 decoded size estimate).
    pub bytes_per_frame: usize,
}

/// Takes `frames` JPEG screenshots of `url` each way: (passthrough, DevTools socket).
pub async fn capture_screenshot_rates(
    cfg: &CaptchaConfig,
    url: &str,
    frames: u32,
) -> Result<(CaptureFigures, CaptureFigures)> {
    let opts = LaunchOptions {
        chromedriver: cfg
            .chromedriver
            .clone()
            .ok_or(CaptchaError::ChromedriverNotFound)?,
        chromium: cfg.chromium.clone(),
        user_agent: cfg.user_agent.clone(),
        viewport: cfg.viewport,
        tag: "diagnostics".into(),
    };
    let b = Browser::launch(&opts).await?;
    let r = async {
        b.cdp.call("Page.navigate", json!({"url": url})).await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let params = json!({"format": "jpeg", "quality": 60, "optimizeForSpeed": true});
        let (mut bytes, started) = (0usize, Instant::now());
        for _ in 0..frames {
            let v = b
                .client
                .issue_cmd(Passthrough {
                    cmd: "Page.captureScreenshot",
                    params: params.clone(),
                })
                .await
                .map_err(|e| CaptchaError::WebDriver(e.to_string()))?;
            bytes += v["data"].as_str().map_or(0, |d| d.len() * 3 / 4);
        }
        let pass = figures(started, bytes, frames);
        let (mut bytes, started) = (0usize, Instant::now());
        for _ in 0..frames {
            let v = b.cdp.call("Page.captureScreenshot", params.clone()).await?;
            bytes += v["data"].as_str().map_or(0, |d| d.len() * 3 / 4);
        }
        Ok((pass, figures(started, bytes, frames)))
    }
    .await;
    b.shutdown().await;
    r
}

fn figures(started: Instant, bytes: usize, frames: u32) -> CaptureFigures {
    let n = frames.max(1);
    CaptureFigures {
        ms_per_frame: started.elapsed().as_secs_f64() * 1000.0 / f64::from(n),
        bytes_per_frame: bytes / n as usize,
    }
}

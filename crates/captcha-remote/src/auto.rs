//! The automatic attempt: find the slider's knob and track on the page (main document and
//! same-origin frames), then drag the knob along a human-like trajectory with trusted input
//! events. Whether it worked is decided like a human's attempt: by the x5 cookies.

use crate::cdp::Cdp;
use crate::error::{CaptchaError, Result};
use crate::trajectory::drag_trajectory;
use serde_json::{Value, json};
use std::time::Duration;

/// Finds the knob and the track (Alibaba's nc slider ids first, then common class names), with
/// frame offsets added so the coordinates are top-level viewport pixels.
const FIND_SLIDER: &str = r#"(() => {
  const knobs = ['#nc_1_n1z', '.nc_iconfont.btn_slide', '.btn_slide', '#scratch-captcha-btn'];
  const tracks = ['#nc_1_n1t', '.nc_scale', '.scratch-captcha-slider'];
  const pick = (doc, sels) => {
    for (const s of sels) {
      const e = doc.querySelector(s);
      if (e) { const r = e.getBoundingClientRect(); if (r.width > 0 && r.height > 0) return r; }
    }
    return null;
  };
  const docs = [[document, 0, 0]];
  for (const f of document.querySelectorAll('iframe')) {
    try { const r = f.getBoundingClientRect(); if (f.contentDocument) docs.push([f.contentDocument, r.left, r.top]); } catch (e) {}
  }
  for (const [d, ox, oy] of docs) {
    const k = pick(d, knobs), t = pick(d, tracks);
    if (k && t) return {kx: k.left + ox, ky: k.top + oy, kw: k.width, kh: k.height, tx: t.left + ox, tw: t.width};
  }
  return null;
})()"#;

/// Where the slider is, in viewport pixels.
#[derive(Debug, Clone, Copy)]
struct Slider {
    knob_x: f64,
    knob_y: f64,
    distance: f64,
}

async fn find_slider(cdp: &Cdp) -> Result<Option<Slider>> {
    let r = cdp
        .call(
            "Runtime.evaluate",
            json!({"expression": FIND_SLIDER, "returnByValue": true}),
        )
        .await?;
    let v = &r["result"]["value"];
    if v.is_null() {
        return Ok(None);
    }
    let f = |k: &str| v[k].as_f64().unwrap_or(0.0);
    Ok(Some(Slider {
        knob_x: f("kx") + f("kw") / 2.0,
        knob_y: f("ky") + f("kh") / 2.0,
        distance: (f("tx") + f("tw")) - (f("kx") + f("kw")),
    }))
}

/// Dispatches one trusted mouse event at viewport `(x, y)`.
pub(crate) async fn mouse(cdp: &Cdp, kind: &str, x: f64, y: f64, pressed: bool) -> Result<Value> {
    let button = if kind == "mouseMoved" && !pressed {
        "none"
    } else {
        "left"
    };
    let buttons = i32::from(pressed && kind != "mouseReleased");
    cdp.call(
        "Input.dispatchMouseEvent",
        json!({"type": kind, "x": x, "y": y, "button": button, "buttons": buttons, "clickCount": 1}),
    )
    .await
}

/// Drags the slider once. `Ok(false)` when the page shows no slider.
pub(crate) async fn attempt(cdp: &Cdp) -> Result<bool> {
    let Some(s) = find_slider(cdp).await? else {
        return Ok(false);
    };
    if s.distance <= 0.0 {
        return Err(CaptchaError::Cdp("the slider has no room to move".into()));
    }
    let steps = {
        let mut rng = rand::rng();
        drag_trajectory(s.distance, &mut rng)
    };
    // approach the knob like a hand would, then press and drag
    for i in (1..=4).rev() {
        let d = f64::from(i) * 12.0;
        mouse(cdp, "mouseMoved", s.knob_x - d, s.knob_y + d / 3.0, false).await?;
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    mouse(cdp, "mouseMoved", s.knob_x, s.knob_y, false).await?;
    tokio::time::sleep(Duration::from_millis(120)).await;
    mouse(cdp, "mousePressed", s.knob_x, s.knob_y, true).await?;
    let started = tokio::time::Instant::now();
    for p in &steps {
        let at = started + Duration::from_millis(p.t_ms);
        tokio::time::sleep_until(at).await;
        mouse(cdp, "mouseMoved", s.knob_x + p.x, s.knob_y + p.y, true).await?;
    }
    let last = steps.last().copied();
    let (x, y) = last.map_or((s.knob_x, s.knob_y), |p| (s.knob_x + p.x, s.knob_y + p.y));
    tokio::time::sleep(Duration::from_millis(80)).await;
    mouse(cdp, "mouseReleased", x, y, false).await?;
    Ok(true)
}

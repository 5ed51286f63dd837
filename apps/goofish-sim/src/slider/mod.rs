//! The slider captcha of spec §2.6: the punish page a risk response points at, and the verify
//! endpoint its script posts the drag trajectory to.
//!
//! Flow: an mtop call of an account in `risk_required` state answers `FAIL_SYS_USER_VALIDATE`
//! with `data.url = <base>/h5/<api>/1.0/_____tmd_____/punish?x5secdata=<48 alnum>&x5step=2&…`;
//! the sim remembers `x5secdata → unb` for [`X5SECDATA_TTL_MS`] of sim clock. The page
//! ([`punish_page`]) draws the slider described by [`SLIDER`]; dragging the knob to the end
//! posts `{"x5secdata", "trajectory": [[x, y, t_ms], …]}` to [`VERIFY_PATH`]. When the
//! trajectory passes [`check_trajectory`] the sim mints a fresh `x5sec` value, makes it the
//! account's risk-clearing value and sets it as a cookie; presenting that cookie to mtop clears
//! the risk state exactly as the control API's `clear_with_x5sec` value does.
//!
//! Page geometry (CSS px, viewport coordinates; `body` has no margin and nothing scrolls):
//!
//! | element | left | top | width | height |
//! |---|---|---|---|---|
//! | container `#nocaptcha` (fixed) | 20 | 60 | 300 | 34 |
//! | track `#nc_1_n1t` (fills the container) | 20 | 60 | 300 | 34 |
//! | knob `#nc_1_n1z` at rest | 20 | 60 | 40 | 34 |
//! | status line `#nc_status` | 20 | 106 | – | – |
//!
//! So the knob's centre starts at (40, 77) and must be dragged 260 px to (300, 77); a release
//! within 4 px of the end counts. The same numbers are on the page as `data-*` attributes of
//! `#nocaptcha` and in `<meta name="nc-geometry">`.

mod trajectory;

pub use trajectory::{TrajectoryRefusal, check_trajectory};

use crate::journal::{JournalEntry, JournalKind};
use crate::mtop::{pair, parse_pairs, request_cookies};
use crate::state::{Inner, SimState, rand_alnum, rand_hex};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// Path of the verify endpoint (same origin as the punish page), `POST` JSON.
pub const VERIFY_PATH: &str = "/_____tmd_____/verify";
/// How long an issued `x5secdata` stays valid, in ms of sim clock.
pub const X5SECDATA_TTL_MS: i64 = 300_000;
/// How close to the end of the track (px) a release counts as "reached the end".
pub const END_TOLERANCE_PX: f64 = 4.0;

/// Geometry of the slider page in CSS px (see the module docs for the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SliderGeometry {
    /// Left edge of `#nocaptcha` and of the track.
    pub left: u32,
    /// Top edge of `#nocaptcha` and of the track.
    pub top: u32,
    /// Track `#nc_1_n1t` width.
    pub track_width: u32,
    /// Track height.
    pub track_height: u32,
    /// Knob `#nc_1_n1z` width.
    pub knob_width: u32,
    /// Knob height.
    pub knob_height: u32,
}

/// The slider page's geometry: container at (20, 60), 300×34 track, 40×34 knob.
pub const SLIDER: SliderGeometry = SliderGeometry {
    left: 20,
    top: 60,
    track_width: 300,
    track_height: 34,
    knob_width: 40,
    knob_height: 34,
};

impl SliderGeometry {
    /// How far the knob travels from rest to the end (track width − knob width).
    pub fn slide_distance(&self) -> f64 {
        f64::from(self.track_width - self.knob_width)
    }

    /// Viewport position of the knob's centre at rest.
    pub fn knob_start_centre(&self) -> (f64, f64) {
        (
            f64::from(self.left) + f64::from(self.knob_width) / 2.0,
            f64::from(self.top) + f64::from(self.knob_height) / 2.0,
        )
    }

    /// Viewport position of the knob's centre at the end of the track.
    pub fn knob_end_centre(&self) -> (f64, f64) {
        let (x, y) = self.knob_start_centre();
        (x + self.slide_distance(), y)
    }

    /// Top edge of the `#nc_status` line.
    pub fn status_top(&self) -> u32 {
        self.top + self.track_height + 12
    }
}

/// An issued `x5secdata` challenge.
#[derive(Debug, Clone)]
pub(crate) struct X5Challenge {
    /// Account the risk response was for.
    pub unb: String,
    /// Sim-clock ms after which the challenge is stale.
    pub expires_at: i64,
}

impl SimState {
    /// Issues a fresh `x5secdata` for `unb` (dropping stale ones) and returns it.
    pub(crate) fn issue_x5secdata(&self, inner: &mut Inner, unb: &str) -> String {
        let now = self.now_ms();
        inner.x5secdata.retain(|_, c| c.expires_at > now);
        let token = rand_alnum(48);
        inner.x5secdata.insert(
            token.clone(),
            X5Challenge {
                unb: unb.to_string(),
                expires_at: now + X5SECDATA_TTL_MS,
            },
        );
        token
    }

    /// The account a live `x5secdata` belongs to; `Err(reason)` when unknown or expired.
    fn x5secdata_account(&self, inner: &Inner, x5secdata: &str) -> Result<String, &'static str> {
        match inner.x5secdata.get(x5secdata) {
            None => Err("unknown_x5secdata"),
            Some(c) if c.expires_at <= self.now_ms() => Err("expired_x5secdata"),
            Some(c) if !inner.accounts.contains_key(&c.unb) => Err("unknown_account"),
            Some(c) => Ok(c.unb.clone()),
        }
    }
}

fn journal(
    state: &SimState,
    req: &HttpRequest,
    unb: Option<String>,
    data: Option<String>,
    outcome: String,
) {
    let jar = request_cookies(req);
    let mut e = JournalEntry::new(JournalKind::Http);
    e.unb = unb;
    e.method = Some(req.method().to_string());
    e.path = Some(req.path().to_string());
    e.query = Some(parse_pairs(req.query_string().as_bytes()));
    e.cookie_names = Some(jar.names().map(str::to_string).collect());
    e.data = data;
    e.outcome = Some(outcome);
    let mut inner = state.lock();
    state.journal_push(&mut inner, e);
}

/// The slider page template (placeholders `{{name}}` filled by [`render_page`]).
const PAGE: &str = include_str!("page.html");

/// Page shown for an unknown or expired `x5secdata` (spec §2.6 item 3).
const STALE_PAGE: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>验证码拦截</title></head><body><p id=\"nc_error\">抱歉，页面访问出现了问题</p></body></html>";

/// Fills the page template with the geometry and the script/style nonce.
fn render_page(nonce: &str) -> String {
    let g = SLIDER;
    let (sx, cy) = g.knob_start_centre();
    let (ex, _) = g.knob_end_centre();
    [
        ("nonce", nonce.to_string()),
        ("left", g.left.to_string()),
        ("top", g.top.to_string()),
        ("tw", g.track_width.to_string()),
        ("th", g.track_height.to_string()),
        ("kw", g.knob_width.to_string()),
        ("kh", g.knob_height.to_string()),
        ("sx", sx.to_string()),
        ("ex", ex.to_string()),
        ("cy", cy.to_string()),
        ("tol", END_TOLERANCE_PX.to_string()),
        ("status_top", g.status_top().to_string()),
        ("verify", VERIFY_PATH.to_string()),
    ]
    .iter()
    .fold(PAGE.to_string(), |page, (k, v)| {
        page.replace(&format!("{{{{{k}}}}}"), v)
    })
}

/// `GET /h5/{api}/{v}/_____tmd_____/punish?x5secdata=…`: the slider page, or the "stale
/// link" page when the `x5secdata` is unknown or expired.
pub(crate) async fn punish_page(req: HttpRequest, state: web::Data<Arc<SimState>>) -> HttpResponse {
    let query = parse_pairs(req.query_string().as_bytes());
    let x5 = pair(&query, "x5secdata").unwrap_or_default().to_string();
    let found = state.x5secdata_account(&state.lock(), &x5);
    let nonce = rand_hex(24);
    let (unb, outcome, body) = match found {
        Ok(unb) => (Some(unb), "slider_page".to_string(), render_page(&nonce)),
        Err(reason) => (
            None,
            format!("slider_page_stale:{reason}"),
            STALE_PAGE.to_string(),
        ),
    };
    journal(&state, &req, unb, None, outcome);
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .append_header(("X-Content-Type-Options", "nosniff"))
        .append_header(("Cache-Control", "no-store"))
        .append_header(("Referrer-Policy", "no-referrer"))
        .append_header((
            "Content-Security-Policy",
            format!(
                "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'"
            ),
        ))
        .body(body)
}

/// Body of `POST /_____tmd_____/verify`.
#[derive(Debug, Deserialize)]
struct VerifyBody {
    x5secdata: String,
    trajectory: Vec<[f64; 3]>,
}

/// `POST /_____tmd_____/verify`: checks the trajectory; on success sets `x5sec` / `x5step`.
pub(crate) async fn verify(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<SimState>>,
) -> HttpResponse {
    let raw = String::from_utf8_lossy(&body).into_owned();
    let refuse = |state: &SimState, unb: Option<String>, reason: &str| {
        log::info!(target: "goofish_sim", "slider refused: {reason}");
        journal(
            state,
            &req,
            unb,
            Some(raw.clone()),
            format!("slider_refused:{reason}"),
        );
        let mut resp = if reason == "invalid_body" {
            HttpResponse::BadRequest()
        } else {
            HttpResponse::Ok()
        };
        resp.append_header(("Cache-Control", "no-store"))
            .json(json!({"success": false, "reason": reason}))
    };
    let Ok(parsed) = serde_json::from_slice::<VerifyBody>(&body) else {
        return refuse(&state, None, "invalid_body");
    };
    let mut inner = state.lock();
    let unb = match state.x5secdata_account(&inner, &parsed.x5secdata) {
        Ok(u) => u,
        Err(reason) => {
            drop(inner);
            return refuse(&state, None, reason);
        }
    };
    if let Err(r) = check_trajectory(&parsed.trajectory) {
        drop(inner);
        return refuse(&state, Some(unb), r.code());
    }
    let x5sec = rand_hex(64);
    inner.x5secdata.remove(&parsed.x5secdata);
    if let Some(acc) = inner.accounts.get_mut(&unb) {
        acc.x5sec_clear = x5sec.clone();
    }
    drop(inner);
    log::info!(target: "goofish_sim", "slider solved for account {unb}");
    journal(
        &state,
        &req,
        Some(unb),
        Some(raw.clone()),
        "slider_verified".into(),
    );
    HttpResponse::Ok()
        .append_header(("Set-Cookie", format!("x5sec={x5sec}; Path=/; HttpOnly")))
        .append_header(("Set-Cookie", "x5step=2; Path=/"))
        .append_header(("Cache-Control", "no-store"))
        .json(json!({"success": true}))
}

//! `xianyu-captcha`: remote captcha solving. When Goofish's risk control wants a slider, a
//! [`SessionManager`] starts Chromium through chromedriver (Debian's `chromium` and
//! `chromium-driver`) with a fresh profile and the account's cookies, opens the verification
//! page, streams JPEG frames of it to one operator (DevTools screencast, only while someone
//! watches), relays their mouse or touch drag as trusted input, and decides success by a new or
//! changed `x5*` cookie, never by looking at the page. The browser's cookies (all domains) go
//! to the [`SessionOutcomes`](xianyu_domain::verification::SessionOutcomes) port. An optional
//! automatic attempt drags the knob along a human-like trajectory.
//!
//! No Chromium or chromedriver process outlives its session: each browser runs in a process
//! group under a guard that kills the group when the session ends or this process dies.
//!
//! It depends on `xianyu-domain` only among internal crates, and it is the only crate that
//! names fantoccini.

mod auto;
mod cdp;
pub mod diagnostics;
mod error;
mod launch;
mod manager;
mod session;
pub mod trajectory;

pub use error::{CaptchaError, Result};
pub use launch::find_chromedriver;
pub use manager::{Availability, CaptchaConfig, DEFAULT_USER_AGENT, OpenSession, SessionManager};
pub use session::{
    Frame, PointerAction, PointerInput, SessionState, Viewer, ViewerEvent, Viewport,
};

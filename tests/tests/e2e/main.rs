//! End-to-end tests across crates in one binary: a real server (on SQLite and PostgreSQL)
//! through its HTTP API, with its account runner against the Goofish simulator where a test
//! needs it, and the dashboard in a headless Chromium (`browser/`). Each module was a test
//! binary of its own.

mod accounts;
mod auth;
mod autoreply;
mod autoreply_levels;
mod bad_input;
mod browser;
mod captcha;
mod catalog;
mod delivery;
mod delivery_cases;
// Shared with the delivery bench (benches/delivery.rs), so it stays outside e2e/.
#[path = "../delivery_support/mod.rs"]
mod delivery_support;
mod image_replies;
mod keywords_xlsx;
mod live;
mod logs;
mod metrics;
mod orders_api;
mod qr_login;
mod replies;
mod secrets;
mod stats;
mod system;

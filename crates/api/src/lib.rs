//! `xianyu-api`: the HTTP face of Xianyu Auto Reply — actix-web routes, auth, error mapping,
//! OpenAPI (utoipa) with Swagger UI, health, the static dashboard, and the server bootstrap
//! (settings, key files, first admin) shared by the `xianyu` binary and the tests.
//!
//! It wires the other crates together and may depend on all of them; with the Goofish simulator
//! (test and demo infrastructure) it is the only crate that names actix. Handlers stay thin:
//! validation lives in `xianyu-domain`, storage in `xianyu-persistence`, the live use cases
//! (replies, delivery, sending) in `xianyu-runner`.

pub mod auth;
pub mod bootstrap;
pub mod error;
pub mod inbox;
pub mod metrics;
mod middleware;
pub mod openapi;
pub mod qr_logins;
mod ratelimit;
mod routes;
pub mod runner_host;
pub mod server;
mod session_cache;
pub mod settings;
mod state;
mod system;
pub mod user_events;

pub use error::{ApiError, ErrorCode};
pub use server::{RunningServer, spawn};
pub use settings::Settings;

//! The runner's integration tests against the in-process simulator, in one binary: the happy
//! path, message, mtop and socket faults, the supervisor lifecycle and image upload. The soak
//! (`tests/soak/`) stays a binary of its own; both use the helpers in `tests/common/`.

mod catch_up;
#[path = "../common/mod.rs"]
mod common;
mod happy_path;
mod message_faults;
mod mtop_faults;
mod supervisor;
mod upload;
mod ws_faults;

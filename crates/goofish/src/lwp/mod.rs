//! LWP over WebSocket: client frame builders (§3.3–§3.5, §3.9–§3.10) and frame parsing (§3.2, §3.6).
//!
//! All builders return compact JSON text frames with keys in the reference order.

mod build;
mod frames;
pub mod history;
mod send;

pub use build::{ack, ack_diff, create_conversation, heartbeat, reg, send_message};
pub use frames::{
    ClientFrame, PushElement, SendAnswer, ServerFrame, created_conversation_cid, send_answer,
    send_rejection,
};
pub use send::{SendContent, decode_custom_data, send_custom_data};

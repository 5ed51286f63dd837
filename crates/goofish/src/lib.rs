//! `goofish-protocol`: the Goofish (Xianyu) seller-side wire protocol, as pure functions.
//!
//! It covers the cookie jar, device id and mid/uuid generators, mtop request building, signing
//! and response classification, LWP (WebSocket) frame building and parsing, push payload
//! decoding (base64 + msgpack → JSON), classification of decoded payloads into typed events and
//! the request shapes and answer parsing of QR-code login (`qr`).
//! It performs no IO (no sockets, no HTTP client, no async runtime) and depends on no internal
//! crate of the workspace; the account runner and the Goofish simulator both build on it.
//!
//! ```
//! use goofish_protocol::{events, lwp::ServerFrame, mtop, payload};
//!
//! // Sign an mtop call (spec §2.2, vector 2).
//! let sign = mtop::sign("3c4a7e0f1b2d4e6f8a9b0c1d2e3f4a5b", "1700000000000", r#"{"itemId":"900052644277"}"#);
//! assert_eq!(sign, "5feab1d2ae7711ff780fbc7ec5f9ab63");
//!
//! // Decode a push and classify every element.
//! let frame = ServerFrame::parse(r#"{"lwp":"/s/sync","headers":{"mid":"84a4001c 0","sid":"ab"},
//!   "body":{"syncPushPackage":{"data":[{"bizType":40,"objectType":40006,"streamId":"40",
//!   "data":"gQGRhAGzNDgwMDAwMDAwMDFAZ29vZmlzaAIBAwEEtTIyMDAwMDAwMDAwMDFAZ29vZmlzaA=="}]}}}"#)?;
//! let _ack = goofish_protocol::lwp::ack(&frame, "1231700000000000 0");
//! for element in frame.push_payloads() {
//!     let decoded = payload::decode_payload(&element.data)?;
//!     let event = events::classify(&decoded, "2219000000000");
//!     assert!(matches!(event, events::Event::Typing { .. }));
//! }
//! # Ok::<(), goofish_protocol::ProtocolError>(())
//! ```

pub mod constants;
pub mod cookies;
mod error;
pub mod events;
pub mod ids;
mod json;
pub mod lwp;
pub mod mtop;
pub mod payload;
pub mod qr;

pub use error::ProtocolError;

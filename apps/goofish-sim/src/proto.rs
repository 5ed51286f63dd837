//! Thin adapter over `goofish-protocol`: every protocol helper the simulator uses goes
//! through here, so the rest of the crate does not depend on exact signatures.

use serde_json::Value;

pub use goofish_protocol::constants::IM_APP_KEY;
pub use goofish_protocol::cookies::CookieJar;

/// `md5(token&t&34839810&data)` in lowercase hex (spec §2.2).
pub fn sign(token: &str, t: &str, data: &str) -> String {
    goofish_protocol::mtop::sign(token, t, data)
}

/// base64(msgpack) of a JSON value, decimal-string map keys written as msgpack ints.
pub fn encode_msgpack(value: &Value) -> String {
    goofish_protocol::payload::encode_payload(value)
}

/// base64(JSON) of a value.
pub fn encode_json(value: &Value) -> String {
    goofish_protocol::payload::encode_json_payload(value)
}

/// Raw msgpack bytes of a value (for the malformed-payload helpers).
pub fn msgpack_bytes(value: &Value) -> Vec<u8> {
    goofish_protocol::payload::encode_msgpack(value)
}

/// A client frame, reduced to what the simulator needs.
#[derive(Debug, Clone)]
pub enum ClientFrame {
    /// A request with an `lwp` path.
    Request {
        /// The lwp path.
        lwp: String,
        /// `headers.mid` (may be empty).
        mid: String,
        /// All headers.
        headers: serde_json::Map<String, Value>,
        /// The body, `Null` when absent.
        body: Value,
    },
    /// An ack / response from the client (no `lwp`).
    Ack {
        /// `headers.mid`.
        mid: String,
    },
}

/// Parses one client text frame.
pub fn parse_client_frame(text: &str) -> Result<ClientFrame, String> {
    use goofish_protocol::lwp::ClientFrame as P;
    match P::parse(text) {
        Ok(P::Request {
            lwp,
            mid,
            headers,
            body,
        }) => Ok(ClientFrame::Request {
            lwp,
            mid,
            headers,
            body: body.unwrap_or(Value::Null),
        }),
        Ok(P::Ack { mid, .. }) => Ok(ClientFrame::Ack { mid }),
        Err(e) => Err(e.to_string()),
    }
}

/// Decoded `custom.data` of a send frame.
#[derive(Debug, Clone, PartialEq)]
pub enum SendContent {
    /// contentType 1.
    Text(String),
    /// contentType 2.
    Image {
        /// CDN url.
        url: String,
        /// Width in pixels.
        width: i64,
        /// Height in pixels.
        height: i64,
    },
}

/// Decodes `custom.data` (base64 JSON) into text or image.
pub fn decode_custom_data(b64: &str) -> Result<SendContent, String> {
    use goofish_protocol::lwp::SendContent as P;
    match goofish_protocol::lwp::decode_custom_data(b64) {
        Ok(P::Text(t)) => Ok(SendContent::Text(t)),
        Ok(P::Image { url, width, height }) => Ok(SendContent::Image {
            url,
            width: i64::from(width),
            height: i64::from(height),
        }),
        Err(e) => Err(e.to_string()),
    }
}

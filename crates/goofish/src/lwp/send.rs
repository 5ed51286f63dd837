//! The `custom.data` payload of send frames (§3.9).

use crate::constants::{DEFAULT_IMAGE_HEIGHT, DEFAULT_IMAGE_WIDTH};
use crate::error::ProtocolError;
use crate::json::q;
use base64::Engine;
use serde::Serialize;
use serde_json::Value;

/// What to send to a buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SendContent {
    /// A text message (contentType 1).
    Text(String),
    /// An image already on the Goofish/Alicdn CDN (contentType 2).
    Image {
        /// CDN URL.
        url: String,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
}

/// base64 of the \[HEAD\]-style JSON (Python `json.dumps(ensure_ascii=False)` spacing).
pub fn send_custom_data(content: &SendContent) -> String {
    let json = match content {
        SendContent::Text(text) => {
            format!(r#"{{"contentType": 1, "text": {{"text": {}}}}}"#, q(text))
        }
        SendContent::Image { url, width, height } => format!(
            r#"{{"contentType": 2, "image": {{"pics": [{{"height": {height}, "type": 0, "url": {}, "width": {width}}}]}}}}"#,
            q(url)
        ),
    };
    base64::engine::general_purpose::STANDARD.encode(json.as_bytes())
}

fn dim(v: Option<&Value>, default: u32) -> u32 {
    v.and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    })
    .and_then(|n| u32::try_from(n).ok())
    .unwrap_or(default)
}

/// Parses `custom.data` (any JSON spacing/escaping) back into a [`SendContent`].
pub fn decode_custom_data(b64: &str) -> Result<SendContent, ProtocolError> {
    let bytes = crate::payload::base64_lenient(b64)?;
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ProtocolError::InvalidCustomData(format!("not JSON: {e}")))?;
    match v.get("contentType").and_then(Value::as_i64) {
        Some(1) => v
            .pointer("/text/text")
            .and_then(Value::as_str)
            .map(|t| SendContent::Text(t.to_owned()))
            .ok_or_else(|| ProtocolError::InvalidCustomData("missing text.text".into())),
        Some(2) => {
            let pic = v
                .pointer("/image/pics/0")
                .ok_or_else(|| ProtocolError::InvalidCustomData("missing image.pics[0]".into()))?;
            let url = pic
                .get("url")
                .and_then(Value::as_str)
                .ok_or_else(|| ProtocolError::InvalidCustomData("missing image url".into()))?;
            Ok(SendContent::Image {
                url: url.to_owned(),
                width: dim(pic.get("width"), DEFAULT_IMAGE_WIDTH),
                height: dim(pic.get("height"), DEFAULT_IMAGE_HEIGHT),
            })
        }
        other => Err(ProtocolError::InvalidCustomData(format!(
            "unsupported contentType {other:?}"
        ))),
    }
}

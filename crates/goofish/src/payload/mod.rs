//! Push payload decoding (`data[i].data`, §3.7) and encoding (for the simulator and tests).

mod decode;
mod encode;

pub use decode::{MAX_DEPTH, decode_msgpack};
pub use encode::encode_msgpack;

use crate::error::ProtocolError;
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

/// Standard alphabet, padding optional, trailing bits tolerated (like Python's decoder).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Base64-decodes after dropping every character outside `[A-Za-z0-9+/]` (this also drops
/// non-ASCII text and `=`, so missing or broken padding is repaired).
pub fn base64_lenient(s: &str) -> Result<Vec<u8>, ProtocolError> {
    let cleaned: Vec<u8> = s
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        .collect();
    LENIENT
        .decode(&cleaned)
        .map_err(|e| ProtocolError::InvalidBase64(e.to_string()))
}

/// Decodes one push payload following §3.7: the plain-JSON path first (base64 → strict UTF-8 →
/// JSON object), then the msgpack path (lenient base64, one value from the start, integer keys
/// as decimal strings, `bin` as UTF-8 with invalid bytes dropped). The top level must be a map.
pub fn decode_payload(data: &str) -> Result<Value, ProtocolError> {
    if let Ok(bytes) = LENIENT.decode(data.trim().as_bytes())
        && let Ok(text) = std::str::from_utf8(&bytes)
        && let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(text)
    {
        return Ok(v);
    }
    let bytes = base64_lenient(data)?;
    match decode_msgpack(&bytes)? {
        v @ Value::Object(_) => Ok(v),
        _ => Err(ProtocolError::NotAMap),
    }
}

/// base64(msgpack) of `value`, the way the real server encodes chat pushes.
pub fn encode_payload(value: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(encode_msgpack(value))
}

/// base64(compact JSON) of `value`, the way `/s/vulcan` hints are encoded.
pub fn encode_json_payload(value: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(value.to_string().as_bytes())
}

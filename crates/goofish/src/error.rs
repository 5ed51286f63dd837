//! The single error type of this crate.

use thiserror::Error;

/// Everything that can go wrong while parsing or decoding Goofish protocol data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    /// The text is not valid JSON.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// The JSON is valid but does not have the shape of an LWP frame.
    #[error("invalid frame: {0}")]
    InvalidFrame(String),
    /// The base64 text could not be decoded, even after repair.
    #[error("invalid base64: {0}")]
    InvalidBase64(String),
    /// A msgpack format byte the reference decoder does not support (ext, fixext, 0xc1).
    #[error("Unknown format byte: {0:02x}")]
    UnknownFormatByte(u8),
    /// The msgpack data ended in the middle of a value.
    #[error("Unexpected end of data")]
    UnexpectedEnd,
    /// A msgpack string was not valid UTF-8.
    #[error("invalid UTF-8 in msgpack string")]
    InvalidUtf8,
    /// A msgpack map key was an array or a map.
    #[error("unsupported msgpack map key")]
    InvalidKey,
    /// The decoded payload is not a map (the reference drops such messages).
    #[error("decoded payload is not a map")]
    NotAMap,
    /// The payload nests deeper than the decoder allows.
    #[error("payload nests deeper than {0} levels")]
    TooDeep(usize),
    /// `custom.data` of a send frame is not a text or image message.
    #[error("invalid custom data: {0}")]
    InvalidCustomData(String),
}

impl ProtocolError {
    /// Stable snake_case code of the variant, for logs and API envelopes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidJson(_) => "invalid_json",
            Self::InvalidFrame(_) => "invalid_frame",
            Self::InvalidBase64(_) => "invalid_base64",
            Self::UnknownFormatByte(_) => "unknown_format_byte",
            Self::UnexpectedEnd => "unexpected_end",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::InvalidKey => "invalid_key",
            Self::NotAMap => "payload_not_map",
            Self::TooDeep(_) => "payload_too_deep",
            Self::InvalidCustomData(_) => "invalid_custom_data",
        }
    }
}

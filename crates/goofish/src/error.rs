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
    /// The passport login page has no `window.viewData = {…}` (QR login, spec §5 step 2).
    #[error("login page has no window.viewData object")]
    ViewDataMissing,
    /// `window.viewData` of the login page is not valid JSON.
    #[error("window.viewData is not valid JSON: {0}")]
    ViewDataInvalid(String),
    /// `window.viewData` has no `loginFormData` object.
    #[error("window.viewData has no loginFormData object")]
    LoginFormDataMissing,
    /// A `generate.do` / `query.do` answer is not JSON or lacks a required field.
    #[error("invalid QR login answer: {0}")]
    QrResponseInvalid(String),
    /// `generate.do` answered `content.success` other than `true`.
    #[error("QR code generation failed: {0}")]
    QrGenerateFailed(String),
    /// The QR login was confirmed but its `Set-Cookie`s carry no `unb`.
    #[error("QR login confirmed without a unb cookie")]
    QrLoginWithoutUnb,
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
            Self::ViewDataMissing => "qr_view_data_missing",
            Self::ViewDataInvalid(_) => "qr_view_data_invalid",
            Self::LoginFormDataMissing => "qr_login_form_missing",
            Self::QrResponseInvalid(_) => "qr_response_invalid",
            Self::QrGenerateFailed(_) => "qr_generate_failed",
            Self::QrLoginWithoutUnb => "qr_login_without_unb",
        }
    }
}

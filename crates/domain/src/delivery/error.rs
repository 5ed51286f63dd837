//! Why a card or a delivery rule was rejected.

use crate::replies::TemplateError;
use thiserror::Error;

/// A card or delivery rule that breaks a rule. Each variant has a stable machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeliveryError {
    /// The card name is blank or longer than 64 characters.
    #[error("card name must be 1-64 characters")]
    InvalidCardName,
    /// A text card's text is blank or longer than 4000 characters.
    #[error("card text must be 1-4000 characters")]
    InvalidCardText,
    /// The delay is above 3600 seconds.
    #[error("delay_secs must be between 0 and 3600")]
    InvalidDelay,
    /// The fetch URL is not an absolute `http://` or `https://` URL.
    #[error("url must be an absolute http:// or https:// URL without spaces")]
    InvalidUrl,
    /// The fetch timeout is outside 1–60 seconds.
    #[error("timeout_secs must be between 1 and 60")]
    InvalidTimeout,
    /// The fetch retry count is above 5.
    #[error("retries must be between 0 and 5")]
    InvalidRetries,
    /// A header name is not a token or a header value contains a line break.
    #[error("invalid header {name:?}")]
    InvalidHeader {
        /// The offending header's name.
        name: String,
    },
    /// A GET fetch has a body template.
    #[error("a GET request cannot have a body")]
    BodyWithGet,
    /// A fetch body template uses `{content}`, which does not exist before the fetch.
    #[error("{{content}} is not available in a request body")]
    ContentInBody,
    /// A message template lacks `{content}`, so the delivered content would be lost.
    #[error("the message template must contain {{content}}")]
    MessageWithoutContent,
    /// The JSON path is not of the form `data.codes[0]` or `$.data.code`.
    #[error("invalid json path {path:?}")]
    InvalidJsonPath {
        /// The path as written.
        path: String,
    },
    /// An image card without an image reference.
    #[error("an image card needs an image")]
    InvalidImageRef,
    /// A template (message or body) has an unknown placeholder or an unbalanced brace.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// `units_per_order` is outside 1–100.
    #[error("units_per_order must be between 1 and 100")]
    InvalidUnits,
    /// A rule's item id or keyword is blank or longer than 200 characters.
    #[error("item id or keyword must be 1-200 characters")]
    InvalidItemMatch,
    /// A rule's spec has a blank name or value.
    #[error("spec name and value must not be blank")]
    InvalidSpec,
    /// A rule points to a card of another user.
    #[error("card not found")]
    CardNotFound,
}

impl DeliveryError {
    /// The stable snake_case code of this error, as used in API error envelopes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidCardName => "invalid_card_name",
            Self::InvalidCardText => "invalid_card_text",
            Self::InvalidDelay => "invalid_delay",
            Self::InvalidUrl => "invalid_url",
            Self::InvalidTimeout => "invalid_timeout",
            Self::InvalidRetries => "invalid_retries",
            Self::InvalidHeader { .. } => "invalid_header",
            Self::BodyWithGet => "body_with_get",
            Self::ContentInBody => "content_in_body",
            Self::MessageWithoutContent => "message_without_content",
            Self::InvalidJsonPath { .. } => "invalid_json_path",
            Self::InvalidImageRef => "invalid_image_ref",
            Self::Template(e) => e.code(),
            Self::InvalidUnits => "invalid_units_per_order",
            Self::InvalidItemMatch => "invalid_item_match",
            Self::InvalidSpec => "invalid_spec",
            Self::CardNotFound => "card_not_found",
        }
    }
}

//! Cards (卡券): what is delivered, and their validation.

use super::json_path::parse_json_path;
use super::{DeliveryError, DeliveryTemplate, DeliveryVar};
use crate::ids::UserId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CardId(pub i64);

impl fmt::Display for CardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The longest card delay, in seconds.
pub const MAX_DELAY_SECS: u32 = 3600;
/// The longest card name, in characters.
pub const MAX_CARD_NAME_CHARS: usize = 64;
/// The longest text card text, in characters.
pub const MAX_CARD_TEXT_CHARS: usize = 4000;

/// The HTTP method of a fetch card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`, without a body.
    Get,
    /// `POST`, with the rendered body template.
    Post,
}

/// How a fetch card asks a remote service for the content of one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpFetchSpec {
    /// Absolute `http://` or `https://` URL.
    pub url: String,
    /// The request method.
    pub method: HttpMethod,
    /// Extra request headers, in order.
    pub headers: Vec<(String, String)>,
    /// The request body (POST only); the order variables but not `{content}` are available.
    pub body_template: Option<DeliveryTemplate>,
    /// Per-attempt timeout, 1–60 seconds.
    pub timeout_secs: u32,
    /// Retries after a timeout, a network error or a 5xx answer, 0–5.
    pub retries: u32,
    /// Where the content is in a JSON answer (`data.codes[0]`, `$.data.code`); `None` uses the
    /// whole answer body.
    pub json_path: Option<String>,
}

impl HttpFetchSpec {
    /// Whether attempt number `attempt` (1-based) that ended with `status` (`None` for a
    /// timeout or a network error) should be retried.
    pub fn should_retry(&self, status: Option<u16>, attempt: u32) -> bool {
        attempt <= self.retries && status.is_none_or(|s| (500..600).contains(&s))
    }

    fn validate(&self) -> Result<(), DeliveryError> {
        let url = self.url.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or(DeliveryError::InvalidUrl)?;
        if rest.is_empty()
            || rest.starts_with('/')
            || url.len() > 2000
            || url.chars().any(char::is_whitespace)
        {
            return Err(DeliveryError::InvalidUrl);
        }
        if !(1..=60).contains(&self.timeout_secs) {
            return Err(DeliveryError::InvalidTimeout);
        }
        if self.retries > 5 {
            return Err(DeliveryError::InvalidRetries);
        }
        for (name, value) in &self.headers {
            let token = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
            if !token || value.contains(['\r', '\n']) {
                return Err(DeliveryError::InvalidHeader { name: name.clone() });
            }
        }
        if let Some(body) = &self.body_template {
            if self.method == HttpMethod::Get {
                return Err(DeliveryError::BodyWithGet);
            }
            if body.uses(DeliveryVar::Content) {
                return Err(DeliveryError::ContentInBody);
            }
        }
        if let Some(path) = &self.json_path
            && parse_json_path(path).is_none()
        {
            return Err(DeliveryError::InvalidJsonPath { path: path.clone() });
        }
        Ok(())
    }
}

/// What kind of content a card delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CardKind {
    /// The same text for every unit.
    Text {
        /// The text.
        text: String,
    },
    /// A stock list kept by storage: one line is consumed per unit.
    Stock {
        /// Warn the seller when at most this many lines remain (0 = only when empty).
        low_stock_threshold: u32,
    },
    /// Content fetched from a remote service per unit.
    HttpFetch(HttpFetchSpec),
    /// An image, sent as a picture message.
    Image {
        /// The stored image's reference (upload URL or storage key).
        image_ref: String,
    },
}

/// A card (卡券) of a user: what a delivery rule sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// The card's id.
    pub id: CardId,
    /// The owning user; rules only use cards of the same user.
    pub user_id: UserId,
    /// A name for the dashboard, 1–64 characters.
    pub name: String,
    /// What is delivered.
    pub kind: CardKind,
    /// Wraps each unit's content; must contain `{content}`.
    pub message_template: Option<DeliveryTemplate>,
    /// Seconds to wait before delivering, 0–3600.
    pub delay_secs: u32,
}

impl Card {
    /// Checks the card's fields; the error's [`DeliveryError::code`] is stable.
    pub fn validate(&self) -> Result<(), DeliveryError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_CARD_NAME_CHARS {
            return Err(DeliveryError::InvalidCardName);
        }
        if self.delay_secs > MAX_DELAY_SECS {
            return Err(DeliveryError::InvalidDelay);
        }
        if let Some(t) = &self.message_template
            && !t.uses(DeliveryVar::Content)
        {
            return Err(DeliveryError::MessageWithoutContent);
        }
        match &self.kind {
            CardKind::Text { text } => {
                if text.trim().is_empty() || text.chars().count() > MAX_CARD_TEXT_CHARS {
                    return Err(DeliveryError::InvalidCardText);
                }
            }
            CardKind::Stock { .. } => {}
            CardKind::HttpFetch(spec) => spec.validate()?,
            CardKind::Image { image_ref } => {
                if image_ref.trim().is_empty() {
                    return Err(DeliveryError::InvalidImageRef);
                }
            }
        }
        Ok(())
    }

    /// Whether a stock card with `remaining` lines left should warn the seller (never for other
    /// kinds).
    pub fn is_low_stock(&self, remaining: usize) -> bool {
        match self.kind {
            CardKind::Stock {
                low_stock_threshold,
            } => remaining <= low_stock_threshold as usize,
            _ => false,
        }
    }
}

/// The usable lines of a stock list: trimmed, blank lines dropped, in order.
pub fn stock_lines(stock: &str) -> Vec<&str> {
    stock
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

//! Request and response bodies of the card (卡券) and stock routes. Header values of HTTP-fetch
//! cards are secrets: responses show them as `***`, and a `***` sent back keeps the stored
//! value.

use crate::ApiError;
use crate::error::ErrorCode;
use crate::routes::common::from_ms;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use xianyu_domain::UserId;
use xianyu_domain::delivery::{
    Card, CardId, CardKind, DeliveryError, DeliveryTemplate, HttpFetchSpec, HttpMethod,
};
use xianyu_persistence::{CardRecord, StockCounts, StockLine, card_kind_name};

/// What responses show instead of a header value.
pub const MASK: &str = "***";

/// Deserializes a present field, `null` included, as `Some(..)`: absent keeps, `null` clears.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Converts a JSON integer to `u32`; out of range becomes `u32::MAX` (the domain rejects it).
pub fn to_u32(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The HTTP method of a fetch card.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethodDto {
    /// Without a body.
    #[default]
    Get,
    /// With the rendered `body_template`.
    Post,
}

/// One request header of a fetch card.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderDto {
    /// Header name (an HTTP token).
    pub name: String,
    /// Header value; always `***` in responses. Send `***` to keep the stored value.
    pub value: String,
}

fn default_timeout() -> u32 {
    10
}

/// What a card delivers, by `type`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CardBodyDto {
    /// The same text for every unit (1–4000 characters).
    Text {
        /// The text.
        text: String,
    },
    /// One stock line per unit (`POST /cards/{id}/stock` adds lines).
    Stock {
        /// Warn when at most this many lines remain (0 = only when empty).
        #[serde(default)]
        low_stock_threshold: u32,
    },
    /// Content fetched from a remote service per unit.
    HttpFetch {
        /// Absolute `http://` or `https://` URL.
        url: String,
        /// `GET` (default) or `POST`.
        #[serde(default)]
        method: HttpMethodDto,
        /// Extra request headers, in order.
        #[serde(default)]
        headers: Vec<HeaderDto>,
        /// POST body template: `{order_id}` `{item_id}` `{buyer_id}` `{spec_name}`
        /// `{spec_value}` `{quantity}` `{amount}`.
        #[serde(default)]
        body_template: Option<String>,
        /// Per-attempt timeout, 1–60 seconds (default 10).
        #[serde(default = "default_timeout")]
        timeout_secs: u32,
        /// Retries after a timeout, a network error or a 5xx answer, 0–5 (default 0).
        #[serde(default)]
        retries: u32,
        /// Where the content is in a JSON answer (`data.codes[0]`, `$.data.code`); absent:
        /// the whole answer body.
        #[serde(default)]
        json_path: Option<String>,
    },
    /// An image, sent as a picture message.
    Image {
        /// The stored image's reference (upload URL or storage key).
        image_ref: String,
    },
}

impl CardBodyDto {
    /// The domain kind. A header value of `***` takes the stored value of the header with
    /// the same name (case-insensitive) in `previous`; without one it is `invalid_header`.
    pub fn into_kind(self, previous: Option<&CardKind>) -> Result<CardKind, ApiError> {
        Ok(match self {
            Self::Text { text } => CardKind::Text { text },
            Self::Stock {
                low_stock_threshold,
            } => CardKind::Stock {
                low_stock_threshold,
            },
            Self::Image { image_ref } => CardKind::Image { image_ref },
            Self::HttpFetch {
                url,
                method,
                headers,
                body_template,
                timeout_secs,
                retries,
                json_path,
            } => {
                let stored: &[(String, String)] = match previous {
                    Some(CardKind::HttpFetch(spec)) => &spec.headers,
                    _ => &[],
                };
                let headers = headers
                    .into_iter()
                    .map(|h| keep_masked(h, stored))
                    .collect::<Result<Vec<_>, _>>()?;
                let body_template = body_template
                    .map(|t| DeliveryTemplate::parse(&t))
                    .transpose()
                    .map_err(|e| ApiError::from(DeliveryError::from(e)))?;
                CardKind::HttpFetch(HttpFetchSpec {
                    url,
                    method: match method {
                        HttpMethodDto::Get => HttpMethod::Get,
                        HttpMethodDto::Post => HttpMethod::Post,
                    },
                    headers,
                    body_template,
                    timeout_secs,
                    retries,
                    json_path,
                })
            }
        })
    }

    /// The API view of a kind, with every header value masked.
    pub fn masked(kind: &CardKind) -> Self {
        match kind {
            CardKind::Text { text } => Self::Text { text: text.clone() },
            CardKind::Stock {
                low_stock_threshold,
            } => Self::Stock {
                low_stock_threshold: *low_stock_threshold,
            },
            CardKind::Image { image_ref } => Self::Image {
                image_ref: image_ref.clone(),
            },
            CardKind::HttpFetch(spec) => Self::HttpFetch {
                url: spec.url.clone(),
                method: match spec.method {
                    HttpMethod::Get => HttpMethodDto::Get,
                    HttpMethod::Post => HttpMethodDto::Post,
                },
                headers: spec
                    .headers
                    .iter()
                    .map(|(name, _)| HeaderDto {
                        name: name.clone(),
                        value: MASK.to_owned(),
                    })
                    .collect(),
                body_template: spec.body_template.as_ref().map(|t| t.as_str().to_owned()),
                timeout_secs: spec.timeout_secs,
                retries: spec.retries,
                json_path: spec.json_path.clone(),
            },
        }
    }
}

fn keep_masked(h: HeaderDto, stored: &[(String, String)]) -> Result<(String, String), ApiError> {
    if h.value != MASK {
        return Ok((h.name, h.value));
    }
    match stored.iter().find(|(n, _)| n.eq_ignore_ascii_case(&h.name)) {
        Some((_, value)) => Ok((h.name, value.clone())),
        None => Err(ApiError::new(
            ErrorCode::InvalidHeader,
            format!(
                "header {:?} has no stored value to keep: send its value",
                h.name
            ),
        )),
    }
}

fn parse_template(t: Option<String>) -> Result<Option<DeliveryTemplate>, ApiError> {
    t.filter(|t| !t.trim().is_empty())
        .map(|t| DeliveryTemplate::parse(&t))
        .transpose()
        .map_err(|e| ApiError::from(DeliveryError::from(e)))
}

/// `POST /api/v1/cards` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCardRequest {
    /// 1–64 characters.
    pub name: String,
    /// What the card delivers.
    pub body: CardBodyDto,
    /// Wraps each unit's content; must contain `{content}`. Other placeholders: `{order_id}`
    /// `{item_id}` `{buyer_id}` `{spec_name}` `{spec_value}` `{quantity}` `{amount}`.
    pub message_template: Option<String>,
    /// Seconds to wait before delivering, 0–3600 (default 0).
    pub delay_secs: Option<i64>,
}

impl CreateCardRequest {
    /// The validated domain card of `user`.
    pub fn into_card(self, user: UserId) -> Result<Card, ApiError> {
        let card = Card {
            id: CardId(0),
            user_id: user,
            name: self.name,
            kind: self.body.into_kind(None)?,
            message_template: parse_template(self.message_template)?,
            delay_secs: self.delay_secs.map_or(0, to_u32),
        };
        card.validate().map_err(ApiError::from)?;
        Ok(card)
    }
}

/// `PATCH /api/v1/cards/{id}` body: absent fields are kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCardRequest {
    /// 1–64 characters.
    pub name: Option<String>,
    /// The whole new body; header values of `***` keep the stored ones. Changing a stock
    /// card to another kind keeps its stock lines.
    pub body: Option<CardBodyDto>,
    /// The message template; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub message_template: Option<Option<String>>,
    /// 0–3600.
    pub delay_secs: Option<i64>,
}

impl UpdateCardRequest {
    /// Applies the changes to the stored card and validates the result.
    pub fn apply(self, mut card: Card) -> Result<Card, ApiError> {
        if let Some(name) = self.name {
            card.name = name;
        }
        if let Some(body) = self.body {
            card.kind = body.into_kind(Some(&card.kind))?;
        }
        if let Some(t) = self.message_template {
            card.message_template = parse_template(t)?;
        }
        if let Some(d) = self.delay_secs {
            card.delay_secs = to_u32(d);
        }
        card.validate().map_err(ApiError::from)?;
        Ok(card)
    }
}

/// Stock line counts.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct StockCountsView {
    /// Every line.
    pub total: u64,
    /// Lines not delivered yet.
    pub available: u64,
    /// Lines taken by deliveries.
    pub consumed: u64,
}

impl From<StockCounts> for StockCountsView {
    fn from(c: StockCounts) -> Self {
        Self {
            total: c.total,
            available: c.available,
            consumed: c.consumed,
        }
    }
}

/// A card. Header values are never returned; stock lines are read with
/// `GET /cards/{id}/stock?lines=true`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardView {
    /// Card id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `text`, `stock`, `http_fetch` or `image`.
    pub kind: String,
    /// What the card delivers (header values shown as `***`).
    pub body: CardBodyDto,
    /// The message template, if any.
    pub message_template: Option<String>,
    /// Seconds to wait before delivering.
    pub delay_secs: u32,
    /// Line counts, for stock cards.
    pub stock: Option<StockCountsView>,
    /// Creation time.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

impl CardView {
    /// The view of a stored card with its stock counts (shown for stock cards only).
    pub fn new(r: &CardRecord, counts: Option<StockCounts>) -> Self {
        let stock = matches!(r.card.kind, CardKind::Stock { .. })
            .then(|| counts.unwrap_or_default().into());
        Self {
            id: r.card.id.0,
            name: r.card.name.clone(),
            kind: card_kind_name(&r.card.kind).to_owned(),
            body: CardBodyDto::masked(&r.card.kind),
            message_template: r
                .card
                .message_template
                .as_ref()
                .map(|t| t.as_str().to_owned()),
            delay_secs: r.card.delay_secs,
            stock,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
        }
    }
}

/// `POST /api/v1/cards/{id}/stock` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppendStockRequest {
    /// One line per unit; lines are trimmed and blank lines dropped (at most 10,000 lines).
    pub lines: String,
}

/// What `POST /api/v1/cards/{id}/stock` added.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppendStockResult {
    /// Lines added.
    pub added: u64,
    /// Lines available now.
    pub available: u64,
}

/// `GET /api/v1/cards/{id}/stock` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StockQuery {
    /// List the lines too (default false: counts only).
    pub lines: Option<bool>,
    /// With `lines`, include consumed lines (default false).
    pub consumed: Option<bool>,
    /// Page size of the lines, 1–500 (default 100).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page of lines.
    pub cursor: Option<String>,
}

/// One stock line.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockLineView {
    /// Line id.
    pub id: i64,
    /// The content delivered for one unit.
    pub line: String,
    /// Whether a delivery took it.
    pub consumed: bool,
    /// When it was added.
    pub created_at: Option<DateTime<Utc>>,
}

impl From<&StockLine> for StockLineView {
    fn from(l: &StockLine) -> Self {
        Self {
            id: l.id,
            line: l.line.clone(),
            consumed: l.consumed,
            created_at: from_ms(l.created_at),
        }
    }
}

/// A card's stock: counts, and a page of lines when asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockView {
    /// Line counts.
    #[serde(flatten)]
    pub counts: StockCountsView,
    /// The lines (only with `?lines=true`).
    pub lines: Option<Vec<StockLineView>>,
    /// Cursor of the next page of lines; `null` on the last page.
    pub next_cursor: Option<String>,
}

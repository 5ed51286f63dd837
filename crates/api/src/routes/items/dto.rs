//! Request and response bodies of the item routes.

use crate::ApiError;
use crate::error::ErrorCode;
use crate::routes::common::{PageQuery, from_ms};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xianyu_persistence::{ItemPatch, ItemRecord, MAX_ITEM_DESCRIPTION_CHARS};

/// An item of a seller account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    /// The Xianyu item id.
    pub item_id: String,
    /// The account.
    pub account_id: i64,
    /// The title.
    pub title: String,
    /// The price in fen, when known.
    pub price_fen: Option<i64>,
    /// The local description (keyword delivery rules look at it).
    pub description: String,
    /// `itemStatus` as synced.
    pub status: String,
    /// The main picture.
    pub pic_url: Option<String>,
    /// The item has specs (规格).
    pub multi_spec: bool,
    /// Deliver `units_per_order × quantity` instead of `units_per_order`.
    pub multi_quantity_delivery: bool,
    /// How it was learned: `sync`, `detail`, `chat` or `order`.
    pub source: String,
    /// When the item list last included it.
    pub synced_at: Option<DateTime<Utc>>,
    /// The raw item detail, when fetched (single-item answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
    /// Creation time.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

impl ItemView {
    /// The view of a stored item; `with_detail` adds the raw detail JSON.
    pub fn new(r: &ItemRecord, with_detail: bool) -> Self {
        Self {
            item_id: r.item_id.clone(),
            account_id: r.account_id,
            title: r.title.clone(),
            price_fen: r.price_fen,
            description: r.description.clone(),
            status: r.status.clone(),
            pic_url: r.pic_url.clone(),
            multi_spec: r.multi_spec,
            multi_quantity_delivery: r.multi_quantity_delivery,
            source: r.source.clone(),
            synced_at: r.synced_at.and_then(from_ms),
            detail: r
                .detail
                .as_deref()
                .filter(|_| with_detail)
                .and_then(|d| serde_json::from_str(d).ok()),
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
        }
    }
}

/// `GET /api/v1/accounts/{id}/items` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// Text in the title or description (ASCII case-insensitive).
    pub q: Option<String>,
    /// Only items with (true) or without (false) specs.
    pub multi_spec: Option<bool>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ItemQuery {
    /// The pagination part.
    pub fn page(&self) -> PageQuery {
        PageQuery {
            limit: self.limit,
            cursor: self.cursor.clone(),
        }
    }
}

/// `PATCH /api/v1/accounts/{id}/items/{item_id}` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateItemRequest {
    /// The local description, ≤ 10,000 characters.
    pub description: Option<String>,
    /// The item has specs.
    pub multi_spec: Option<bool>,
    /// Deliver `units_per_order × quantity`.
    pub multi_quantity_delivery: Option<bool>,
}

impl UpdateItemRequest {
    /// The validated patch (`description_too_long` above 10,000 characters).
    pub fn into_patch(self) -> Result<ItemPatch, ApiError> {
        if let Some(d) = &self.description
            && d.chars().count() > MAX_ITEM_DESCRIPTION_CHARS
        {
            return Err(ApiError::new(
                ErrorCode::DescriptionTooLong,
                "description must be at most 10000 characters",
            ));
        }
        Ok(ItemPatch {
            description: self.description,
            multi_spec: self.multi_spec,
            multi_quantity_delivery: self.multi_quantity_delivery,
        })
    }
}

/// The result of `POST /api/v1/accounts/{id}/items/sync`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncResult {
    /// Items written (created or updated).
    pub synced: usize,
}

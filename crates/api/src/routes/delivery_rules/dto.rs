use crate::ApiError;
use crate::error::ErrorCode;
use crate::routes::cards::dto::{present, to_u32};
use crate::routes::common::from_ms;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xianyu_domain::UserId;
use xianyu_domain::delivery::{CardId, DeliveryRule, DeliveryRuleId, ItemMatch};
use xianyu_persistence::{MAX_RULE_REMARK_CHARS, RuleRecord};

/// How a delivery rule picks items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// `match_value` is an item id.
    ItemId,
    /// `match_value` is a keyword of the title or local description (case- and
    /// width-folded).
    Keyword,
}

/// An item spec (规格), e.g. `{"name": "颜色", "value": "红色"}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecDto {
    /// The spec name.
    pub name: String,
    /// The spec value.
    pub value: String,
}

/// A delivery rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleView {
    /// Rule id.
    pub id: i64,
    /// `item_id` or `keyword`.
    pub match_kind: MatchKind,
    /// The item id or the keyword.
    pub match_value: String,
    /// Only orders of this spec; `null` matches any spec.
    pub spec: Option<SpecDto>,
    /// The card delivered.
    pub card_id: i64,
    /// Units delivered per order (per piece with multi-quantity delivery).
    pub units_per_order: u32,
    /// Disabled rules never match.
    pub enabled: bool,
    /// The seller's note.
    pub remark: String,
    /// Creation time.
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<&RuleRecord> for RuleView {
    fn from(r: &RuleRecord) -> Self {
        let (match_kind, match_value) = match &r.rule.item_match {
            ItemMatch::ItemId(v) => (MatchKind::ItemId, v.clone()),
            ItemMatch::Keyword(v) => (MatchKind::Keyword, v.clone()),
        };
        Self {
            id: r.rule.id.0,
            match_kind,
            match_value,
            spec: r.rule.spec.as_ref().map(|(name, value)| SpecDto {
                name: name.clone(),
                value: value.clone(),
            }),
            card_id: r.rule.card_id.0,
            units_per_order: r.rule.units_per_order,
            enabled: r.rule.enabled,
            remark: r.remark.clone(),
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
        }
    }
}

fn item_match(kind: MatchKind, value: String) -> ItemMatch {
    match kind {
        MatchKind::ItemId => ItemMatch::ItemId(value),
        MatchKind::Keyword => ItemMatch::Keyword(value),
    }
}

fn check_remark(remark: &str) -> Result<(), ApiError> {
    if remark.trim().chars().count() > MAX_RULE_REMARK_CHARS {
        return Err(ApiError::new(
            ErrorCode::RemarkTooLong,
            "remark must be at most 200 characters",
        ));
    }
    Ok(())
}

/// `POST /api/v1/delivery-rules` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRuleRequest {
    /// `item_id` or `keyword`.
    pub match_kind: MatchKind,
    /// The item id or keyword, 1–200 characters.
    pub match_value: String,
    /// Only orders of this spec (both name and value, or no spec).
    pub spec: Option<SpecDto>,
    /// One of the caller's cards.
    pub card_id: i64,
    /// 1–100 (default 1).
    pub units_per_order: Option<i64>,
    /// Default true.
    pub enabled: Option<bool>,
    /// A note, ≤ 200 characters.
    pub remark: Option<String>,
}

impl CreateRuleRequest {
    /// The validated domain rule of `user` and its remark.
    pub fn into_rule(self, user: UserId) -> Result<(DeliveryRule, String), ApiError> {
        let remark = self.remark.unwrap_or_default();
        check_remark(&remark)?;
        let rule = DeliveryRule {
            id: DeliveryRuleId(0),
            user_id: user,
            item_match: item_match(self.match_kind, self.match_value),
            spec: self.spec.map(|s| (s.name, s.value)),
            card_id: CardId(self.card_id),
            units_per_order: self.units_per_order.map_or(1, to_u32),
            enabled: self.enabled.unwrap_or(true),
        };
        rule.validate().map_err(ApiError::from)?;
        Ok((rule, remark))
    }
}

/// `PATCH /api/v1/delivery-rules/{id}` body: absent fields are kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRuleRequest {
    /// `item_id` or `keyword`.
    pub match_kind: Option<MatchKind>,
    /// The item id or keyword.
    pub match_value: Option<String>,
    /// The spec; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<SpecDto>)]
    pub spec: Option<Option<SpecDto>>,
    /// One of the caller's cards.
    pub card_id: Option<i64>,
    /// 1–100.
    pub units_per_order: Option<i64>,
    /// Enable or disable.
    pub enabled: Option<bool>,
    /// A note, ≤ 200 characters.
    pub remark: Option<String>,
}

impl UpdateRuleRequest {
    /// Applies the changes to the stored rule and validates the result.
    pub fn apply(self, stored: RuleRecord) -> Result<(DeliveryRule, String), ApiError> {
        let mut rule = stored.rule;
        let (kind, value) = match rule.item_match {
            ItemMatch::ItemId(v) => (MatchKind::ItemId, v),
            ItemMatch::Keyword(v) => (MatchKind::Keyword, v),
        };
        rule.item_match = item_match(
            self.match_kind.unwrap_or(kind),
            self.match_value.unwrap_or(value),
        );
        if let Some(spec) = self.spec {
            rule.spec = spec.map(|s| (s.name, s.value));
        }
        if let Some(card) = self.card_id {
            rule.card_id = CardId(card);
        }
        if let Some(u) = self.units_per_order {
            rule.units_per_order = to_u32(u);
        }
        if let Some(e) = self.enabled {
            rule.enabled = e;
        }
        let remark = self.remark.unwrap_or(stored.remark);
        check_remark(&remark)?;
        rule.validate().map_err(ApiError::from)?;
        Ok((rule, remark))
    }
}

/// `POST /api/v1/accounts/{id}/delivery/preview` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryPreviewRequest {
    /// The item ordered.
    pub item_id: String,
    /// The ordered spec, if the item has specs.
    pub spec: Option<SpecDto>,
    /// Ordered quantity (default 1).
    pub quantity: Option<u32>,
}

/// The card a preview would deliver.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewCard {
    /// Card id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `text`, `stock`, `http_fetch` or `image`.
    pub kind: String,
}

/// What is known about the previewed item.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewItem {
    /// Whether the item is stored for the account (keyword rules need its title or
    /// description).
    pub known: bool,
    /// The stored title (empty when unknown).
    pub title: String,
}

/// Which rule and card an order of this item and spec would get, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPreviewResponse {
    /// The chosen rule, or `null`.
    pub rule: Option<RuleView>,
    /// The card it delivers, or `null`.
    pub card: Option<PreviewCard>,
    /// Units that would be delivered (0 without a rule).
    pub units: u32,
    /// `null` when a rule was chosen, else `no_rule` or `ambiguous`.
    pub reason: Option<String>,
    /// The ids of the matching rules (the chosen one, or the ambiguous ones).
    pub candidates: Vec<i64>,
    /// The item as stored.
    pub item: PreviewItem,
}

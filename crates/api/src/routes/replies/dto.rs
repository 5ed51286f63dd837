//! Request and response bodies of the automatic-reply routes.

use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xianyu_domain::replies::{
    DefaultReply, ItemReply, KeywordRule, MatchMode, ReplyBody, ReplySettings,
};

use crate::ApiError;

/// What a rule answers: `text` (a template; empty means silent), `image` or `silent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// A text template with variables such as `{buyer_name}`.
    Text,
    /// An uploaded image.
    Image,
    /// Match, but stay silent.
    Silent,
}

/// A rule's answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyDto {
    /// text, image or silent.
    #[serde(rename = "type")]
    pub kind: ReplyKind,
    /// The template, for `text`. Placeholders: {buyer_name} {buyer_id} {message} {item_id}
    /// {item_title} {item_price} {account_remark} {date} {time} (and the aliases
    /// {send_user_name} {send_user_id} {send_message}); `{{` and `}}` are literal braces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The image reference, for `image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_ref: Option<String>,
}

impl ReplyDto {
    /// Validates into the domain reply (unknown placeholders are rejected here, on save).
    pub fn into_body(self) -> Result<ReplyBody, ApiError> {
        let body = match self.kind {
            ReplyKind::Text => {
                ReplyBody::text(self.text.as_deref().unwrap_or("")).map_err(ApiError::from)?
            }
            ReplyKind::Image => ReplyBody::Image {
                image_ref: self.image_ref.ok_or_else(|| {
                    ApiError::new(ErrorCode::InvalidReply, "image replies need image_ref")
                })?,
            },
            ReplyKind::Silent => ReplyBody::Silent,
        };
        body.validate().map_err(ApiError::from)?;
        Ok(body)
    }

    /// The API view of a domain reply.
    pub fn from_body(body: &ReplyBody) -> Self {
        match body {
            ReplyBody::Text(t) => Self {
                kind: ReplyKind::Text,
                text: Some(t.as_str().to_owned()),
                image_ref: None,
            },
            ReplyBody::Image { image_ref } => Self {
                kind: ReplyKind::Image,
                text: None,
                image_ref: Some(image_ref.clone()),
            },
            ReplyBody::Silent => Self {
                kind: ReplyKind::Silent,
                text: None,
                image_ref: None,
            },
        }
    }
}

/// How keywords match: `contains` (default; case-insensitive, full-/half-width folded),
/// `exact` or `regex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum MatchModeDto {
    /// Substring.
    #[default]
    Contains,
    /// Whole message.
    Exact,
    /// Regular expression (validated on save, size-bounded, linear-time).
    Regex,
}

impl From<MatchModeDto> for MatchMode {
    fn from(m: MatchModeDto) -> Self {
        match m {
            MatchModeDto::Contains => MatchMode::Contains,
            MatchModeDto::Exact => MatchMode::Exact,
            MatchModeDto::Regex => MatchMode::Regex,
        }
    }
}

impl From<MatchMode> for MatchModeDto {
    fn from(m: MatchMode) -> Self {
        match m {
            MatchMode::Contains => MatchModeDto::Contains,
            MatchMode::Exact => MatchModeDto::Exact,
            MatchMode::Regex => MatchModeDto::Regex,
        }
    }
}

/// A keyword rule: several keywords sharing one reply.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeywordRuleDto {
    /// Rule id (ignored on create).
    #[serde(default)]
    pub id: i64,
    /// 1–200 keywords (or patterns), each 1–100 characters.
    pub keywords: Vec<String>,
    /// Match mode.
    #[serde(default)]
    pub mode: MatchModeDto,
    /// Bind the rule to one item (item keywords come before general keywords).
    #[serde(default)]
    pub item_id: Option<String>,
    /// The answer.
    pub reply: ReplyDto,
    /// Higher wins among several matches.
    #[serde(default)]
    pub priority: i32,
}

impl KeywordRuleDto {
    /// Validates into the domain rule.
    pub fn into_rule(self) -> Result<KeywordRule, ApiError> {
        let rule = KeywordRule {
            id: self.id,
            keywords: self.keywords,
            mode: self.mode.into(),
            item_id: self.item_id.filter(|i| !i.trim().is_empty()),
            reply: self.reply.into_body()?,
            priority: self.priority,
        };
        rule.normalized().map_err(ApiError::from)
    }

    /// The API view of a rule.
    pub fn from_rule(r: &KeywordRule) -> Self {
        Self {
            id: r.id,
            keywords: r.keywords.clone(),
            mode: r.mode.into(),
            item_id: r.item_id.clone(),
            reply: ReplyDto::from_body(&r.reply),
            priority: r.priority,
        }
    }
}

/// A fixed answer for anything asked about one item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemReplyDto {
    /// Rule id (ignored on create).
    #[serde(default)]
    pub id: i64,
    /// The item.
    pub item_id: String,
    /// The answer.
    pub reply: ReplyDto,
}

impl ItemReplyDto {
    /// Validates into the domain rule.
    pub fn into_rule(self) -> Result<ItemReply, ApiError> {
        let rule = ItemReply {
            id: self.id,
            item_id: self.item_id.trim().to_owned(),
            reply: self.reply.into_body()?,
        };
        rule.validate().map_err(ApiError::from)?;
        Ok(rule)
    }

    /// The API view.
    pub fn from_rule(r: &ItemReply) -> Self {
        Self {
            id: r.id,
            item_id: r.item_id.clone(),
            reply: ReplyDto::from_body(&r.reply),
        }
    }
}

/// A default reply: for one item, or for the whole account when `item_id` is absent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultReplyDto {
    /// Rule id (ignored on create).
    #[serde(default)]
    pub id: i64,
    /// The item, or absent for the account-level default.
    #[serde(default)]
    pub item_id: Option<String>,
    /// The answer.
    pub reply: ReplyDto,
    /// Answer only once per conversation (remembered across restarts).
    #[serde(default)]
    pub once_per_conversation: bool,
}

impl DefaultReplyDto {
    /// Validates into the domain rule.
    pub fn into_rule(self) -> Result<DefaultReply, ApiError> {
        let rule = DefaultReply {
            id: self.id,
            item_id: self
                .item_id
                .map(|i| i.trim().to_owned())
                .filter(|i| !i.is_empty()),
            reply: self.reply.into_body()?,
            once_per_conversation: self.once_per_conversation,
        };
        rule.validate().map_err(ApiError::from)?;
        Ok(rule)
    }

    /// The API view.
    pub fn from_rule(r: &DefaultReply) -> Self {
        Self {
            id: r.id,
            item_id: r.item_id.clone(),
            reply: ReplyDto::from_body(&r.reply),
            once_per_conversation: r.once_per_conversation,
        }
    }
}

/// Quiet hours in the account's local time, `HH:MM`; may wrap midnight (22:00–08:00).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursDto {
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM`.
    pub end: String,
}

/// Per-account reply settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplySettingsDto {
    /// Buyer ids that never get automatic replies.
    #[serde(default)]
    pub blacklist: Vec<String>,
    /// No automatic replies in this window.
    #[serde(default)]
    pub quiet_hours: Option<QuietHoursDto>,
    /// Minimum seconds between two automatic replies to the same buyer.
    #[serde(default)]
    pub min_interval_secs: Option<u32>,
}

impl ReplySettingsDto {
    /// Validates into the domain settings.
    pub fn into_settings(self) -> Result<ReplySettings, ApiError> {
        let time = |s: &str| {
            chrono::NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidQuietHours,
                    format!("quiet hours must be HH:MM, got {s:?}"),
                )
            })
        };
        let quiet_hours = match self.quiet_hours {
            Some(q) => Some((time(&q.start)?, time(&q.end)?)),
            None => None,
        };
        let settings = ReplySettings {
            blacklist: self
                .blacklist
                .into_iter()
                .map(|b| b.trim().to_owned())
                .filter(|b| !b.is_empty())
                .collect(),
            quiet_hours,
            min_interval_secs: self.min_interval_secs,
        };
        settings.validate().map_err(ApiError::from)?;
        Ok(settings)
    }

    /// The API view.
    pub fn from_settings(s: &ReplySettings) -> Self {
        let mut blacklist: Vec<String> = s.blacklist.iter().cloned().collect();
        blacklist.sort();
        Self {
            blacklist,
            quiet_hours: s.quiet_hours.map(|(a, b)| QuietHoursDto {
                start: a.format("%H:%M").to_string(),
                end: b.format("%H:%M").to_string(),
            }),
            min_interval_secs: s.min_interval_secs,
        }
    }
}

/// Several keyword rules at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeywordRulesBulk {
    /// The rules to create (all or nothing).
    pub rules: Vec<KeywordRuleDto>,
}

/// A list of rule ids.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleIds {
    /// Rule ids; for the priority order, the first gets the highest priority.
    pub ids: Vec<i64>,
}

/// `POST …/replies/preview` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// The buyer's message.
    pub message: String,
    /// The conversation's item.
    #[serde(default)]
    pub item_id: Option<String>,
    /// The buyer's name (default `买家`).
    #[serde(default)]
    pub buyer_name: Option<String>,
    /// The buyer's id (for the blacklist; default `0`).
    #[serde(default)]
    pub buyer_id: Option<String>,
}

/// Which rule would fire, why the ones before it did not, and the rendered reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewResponse {
    /// The rendered reply: `{"text": "…"}` or `{"image": {"image_ref": "…"}}`; null when
    /// nothing would be sent.
    #[schema(value_type = Object)]
    pub reply: serde_json::Value,
    /// The rule that fired (level, rule id, keyword), if any.
    #[schema(value_type = Object)]
    pub fired: serde_json::Value,
    /// Every level considered, in order: `level`, `outcome`, `reason` (an English sentence),
    /// `code` (the reason as a stable code) and `args` (the values it names).
    #[schema(value_type = Vec<Object>)]
    pub steps: serde_json::Value,
    /// The same as one readable text.
    pub explanation: String,
}

//! The reply rules a seller configures per account, and their validation for saving.

use super::error::ReplyError;
use super::matcher::fold;
use super::template::{Template, TemplateError};
use chrono::NaiveTime;
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Largest compiled program of one regex keyword (bytes of the regex crate's NFA).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Largest lazy-DFA cache of one regex keyword (bytes).
pub const REGEX_DFA_SIZE_LIMIT: usize = 2 << 20;
/// Deepest nesting of groups/repetitions allowed in a regex keyword.
pub const REGEX_NEST_LIMIT: u32 = 32;

/// How a keyword is compared with the buyer's message.
///
/// All modes work on the *folded* message (see [`fold`]): lowercase, full-width ASCII turned
/// half-width, trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// The folded message contains the folded keyword (the default).
    #[default]
    Contains,
    /// The folded message equals the folded keyword.
    Exact,
    /// The keyword is a regular expression searched in the folded message, case-insensitively.
    ///
    /// Patterns are compiled by the `regex` crate, which guarantees matching time linear in the
    /// message length (no backtracking, so `(a+)+$` is harmless); the compiled size is bounded by
    /// [`REGEX_SIZE_LIMIT`] and [`REGEX_DFA_SIZE_LIMIT`], so a hostile pattern such as
    /// `a{100000}{100000}` is rejected when the rule is saved. Write half-width characters in
    /// patterns: the message is folded before matching, the pattern is not.
    Regex,
}

impl MatchMode {
    /// The mode's snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contains => "contains",
            Self::Exact => "exact",
            Self::Regex => "regex",
        }
    }
}

/// What a rule answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyBody {
    /// A text reply, rendered with the message's template variables.
    Text(Template),
    /// An image reply (a reference to an uploaded image, resolved by the sender).
    Image {
        /// The stored image's reference (path or URL).
        image_ref: String,
    },
    /// Match, but stay silent (the reference system's "empty reply").
    Silent,
}

impl ReplyBody {
    /// Parses a text reply; an empty or blank text means [`ReplyBody::Silent`].
    pub fn text(source: &str) -> Result<Self, TemplateError> {
        let template = Template::parse(source)?;
        Ok(if template.is_blank() {
            Self::Silent
        } else {
            Self::Text(template)
        })
    }

    /// Checks an image reply has an image reference.
    pub fn validate(&self) -> Result<(), ReplyError> {
        match self {
            Self::Image { image_ref } if image_ref.trim().is_empty() => {
                Err(ReplyError::EmptyImageRef)
            }
            _ => Ok(()),
        }
    }
}

/// A keyword rule: several keywords sharing one reply, optionally bound to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordRule {
    /// The rule's id (stable; the lowest id wins the last tie).
    pub id: i64,
    /// The keywords (or patterns in regex mode), trimmed.
    pub keywords: Vec<String>,
    /// How the keywords are matched.
    #[serde(default)]
    pub mode: MatchMode,
    /// The item the rule is bound to (`None` = a general keyword).
    pub item_id: Option<String>,
    /// The answer.
    pub reply: ReplyBody,
    /// Higher wins among several matching rules of the same level.
    #[serde(default)]
    pub priority: i32,
}

impl KeywordRule {
    /// The most keywords one rule may hold.
    pub const MAX_KEYWORDS: usize = 200;
    /// The longest keyword in characters.
    pub const MAX_KEYWORD_CHARS: usize = 100;

    /// Trims every keyword, drops empty ones and duplicates (keeping the first), then validates.
    pub fn normalized(mut self) -> Result<Self, ReplyError> {
        let mut seen = HashSet::new();
        self.keywords = std::mem::take(&mut self.keywords)
            .into_iter()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty() && seen.insert(k.clone()))
            .collect();
        self.item_id = self.item_id.map(|i| i.trim().to_owned());
        self.validate()?;
        Ok(self)
    }

    /// Validates the rule for saving: 1–200 trimmed keywords of 1–100 characters, regexes that
    /// compile within the size limits, a non-empty item id if bound, a valid reply.
    pub fn validate(&self) -> Result<(), ReplyError> {
        self.validate_shape()?;
        if self.mode == MatchMode::Regex {
            for keyword in &self.keywords {
                compile_regex(keyword)?;
            }
        }
        Ok(())
    }

    /// Everything [`KeywordRule::validate`] checks except compiling regexes.
    pub(crate) fn validate_shape(&self) -> Result<(), ReplyError> {
        if self.keywords.is_empty() {
            return Err(ReplyError::NoKeywords);
        }
        if self.keywords.len() > Self::MAX_KEYWORDS {
            return Err(ReplyError::TooManyKeywords {
                max: Self::MAX_KEYWORDS,
            });
        }
        for keyword in &self.keywords {
            validate_keyword(keyword)?;
        }
        validate_item_id(self.item_id.as_deref())?;
        self.reply.validate()
    }
}

fn validate_keyword(keyword: &str) -> Result<(), ReplyError> {
    if keyword.trim().is_empty() || fold(keyword).is_empty() {
        return Err(ReplyError::EmptyKeyword);
    }
    if keyword.trim() != keyword {
        return Err(ReplyError::KeywordNotTrimmed {
            keyword: keyword.to_owned(),
        });
    }
    if keyword.chars().count() > KeywordRule::MAX_KEYWORD_CHARS {
        return Err(ReplyError::KeywordTooLong {
            max: KeywordRule::MAX_KEYWORD_CHARS,
        });
    }
    Ok(())
}

fn validate_item_id(item_id: Option<&str>) -> Result<(), ReplyError> {
    match item_id {
        Some(id) if id.trim().is_empty() => Err(ReplyError::EmptyItemId),
        _ => Ok(()),
    }
}

/// Compiles a regex keyword the way the engine does: case-insensitive, size- and nest-bounded.
pub fn compile_regex(pattern: &str) -> Result<Regex, ReplyError> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
        .map_err(|e| regex_error(pattern, e))
}

pub(crate) fn regex_error(pattern: &str, e: regex::Error) -> ReplyError {
    match e {
        regex::Error::CompiledTooBig(_) => ReplyError::RegexTooLarge {
            keyword: pattern.to_owned(),
        },
        other => ReplyError::InvalidRegex {
            keyword: pattern.to_owned(),
            message: other.to_string(),
        },
    }
}

/// A fixed answer to anything a buyer writes about one item ("item-specific reply").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemReply {
    /// The rule's id.
    pub id: i64,
    /// The item it answers for.
    pub item_id: String,
    /// The answer.
    pub reply: ReplyBody,
}

impl ItemReply {
    /// Validates the reply for saving: a non-empty item id and a valid reply.
    pub fn validate(&self) -> Result<(), ReplyError> {
        validate_item_id(Some(&self.item_id))?;
        self.reply.validate()
    }
}

/// The answer when nothing else answered: per item, or for the whole account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultReply {
    /// The rule's id (what `once_used` and `remember_once` refer to).
    pub id: i64,
    /// The item it answers for; `None` = the account-level default.
    pub item_id: Option<String>,
    /// The answer.
    pub reply: ReplyBody,
    /// Answer only the first time in a conversation.
    #[serde(default)]
    pub once_per_conversation: bool,
}

impl DefaultReply {
    /// Validates the reply for saving: a non-empty item id if given and a valid reply.
    pub fn validate(&self) -> Result<(), ReplyError> {
        validate_item_id(self.item_id.as_deref())?;
        self.reply.validate()
    }
}

/// Per-account settings that suppress or filter automatic replies.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReplySettings {
    /// Buyer ids that never get an automatic reply.
    #[serde(default)]
    pub blacklist: HashSet<String>,
    /// Local `[start, end)` window without automatic replies; may wrap midnight (22:00–08:00).
    #[serde(default)]
    pub quiet_hours: Option<(NaiveTime, NaiveTime)>,
    /// Least seconds between two automatic replies to the same buyer (`None` or 0 = no limit).
    #[serde(default)]
    pub min_interval_secs: Option<u32>,
}

impl ReplySettings {
    /// Validates the settings for saving: quiet hours must not start and end at the same time.
    pub fn validate(&self) -> Result<(), ReplyError> {
        match self.quiet_hours {
            Some((start, end)) if start == end => Err(ReplyError::InvalidQuietHours),
            _ => Ok(()),
        }
    }

    /// Whether `t` (local time) falls in the quiet hours; an empty window is never quiet.
    pub fn is_quiet(&self, t: NaiveTime) -> bool {
        match self.quiet_hours {
            Some((start, end)) if start < end => start <= t && t < end,
            Some((start, end)) if start > end => t >= start || t < end,
            _ => false,
        }
    }
}

//! The error of the reply rules: why a rule cannot be saved or a rule set cannot be built.

use super::template::TemplateError;
use thiserror::Error;

/// A reply rule that breaks a rule of the engine. Each variant has a stable machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplyError {
    /// A keyword rule has no keyword.
    #[error("a keyword rule needs at least one keyword")]
    NoKeywords,
    /// A keyword rule has more keywords than allowed.
    #[error("a keyword rule may hold at most {max} keywords")]
    TooManyKeywords {
        /// The limit.
        max: usize,
    },
    /// A keyword is empty (or only whitespace).
    #[error("keywords must not be empty")]
    EmptyKeyword,
    /// A keyword has leading or trailing whitespace (use `KeywordRule::normalized`).
    #[error("keyword {keyword:?} has leading or trailing whitespace")]
    KeywordNotTrimmed {
        /// The keyword as given.
        keyword: String,
    },
    /// A keyword is longer than allowed.
    #[error("keywords must be at most {max} characters")]
    KeywordTooLong {
        /// The limit in characters.
        max: usize,
    },
    /// A regex keyword does not compile.
    #[error("invalid regular expression {keyword:?}: {message}")]
    InvalidRegex {
        /// The pattern.
        keyword: String,
        /// The regex crate's explanation.
        message: String,
    },
    /// A regex keyword compiles to a program larger than the engine allows.
    #[error("regular expression {keyword:?} is too large")]
    RegexTooLarge {
        /// The pattern.
        keyword: String,
    },
    /// An item id given on a rule is empty.
    #[error("item id must not be empty")]
    EmptyItemId,
    /// An image reply has no image reference.
    #[error("an image reply needs an image")]
    EmptyImageRef,
    /// A reply template is invalid.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Two item-specific replies for the same item.
    #[error("item {item_id} has more than one item-specific reply")]
    DuplicateItemReply {
        /// The item id.
        item_id: String,
    },
    /// Two default replies at the same level (the same item, or two account defaults).
    #[error("more than one default reply for {}", item_id.as_deref().unwrap_or("the account"))]
    DuplicateDefaultReply {
        /// The item id, or `None` for the account level.
        item_id: Option<String>,
    },
    /// Quiet hours that start and end at the same time.
    #[error("quiet hours must start and end at different times")]
    InvalidQuietHours,
    /// The keywords of an account are too many for one automaton.
    #[error("too many keywords for one account")]
    RuleSetTooLarge,
    /// The error of one stored rule, found while building a rule set.
    #[error("rule {rule_id}: {error}")]
    InRule {
        /// The id of the offending rule.
        rule_id: i64,
        /// What is wrong with it.
        error: Box<ReplyError>,
    },
}

impl ReplyError {
    /// The stable snake_case code of this error, as used in API error envelopes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoKeywords => "no_keywords",
            Self::TooManyKeywords { .. } => "too_many_keywords",
            Self::EmptyKeyword => "empty_keyword",
            Self::KeywordNotTrimmed { .. } => "keyword_not_trimmed",
            Self::KeywordTooLong { .. } => "keyword_too_long",
            Self::InvalidRegex { .. } => "invalid_regex",
            Self::RegexTooLarge { .. } => "regex_too_large",
            Self::EmptyItemId => "empty_item_id",
            Self::EmptyImageRef => "empty_image_ref",
            Self::Template(e) => e.code(),
            Self::DuplicateItemReply { .. } => "duplicate_item_reply",
            Self::DuplicateDefaultReply { .. } => "duplicate_default_reply",
            Self::InvalidQuietHours => "invalid_quiet_hours",
            Self::RuleSetTooLarge => "rule_set_too_large",
            Self::InRule { error, .. } => error.code(),
        }
    }

    pub(crate) fn in_rule(rule_id: i64) -> impl FnOnce(ReplyError) -> ReplyError {
        move |error| ReplyError::InRule {
            rule_id,
            error: Box::new(error),
        }
    }
}

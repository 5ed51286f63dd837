//! Reply templates: `{placeholder}` substitution, validated when a rule is saved.
//!
//! A template is parsed once (when a rule is saved or loaded) into literal and placeholder
//! segments, so an unknown placeholder or a stray brace is an error at save time, never a
//! surprise when a buyer writes. A literal brace is written `{{` or `}}`.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Why a template text was rejected. Each variant has a stable machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TemplateError {
    /// `{name}` where `name` is not a known placeholder (or alias).
    #[error("unknown placeholder {{{name}}}; write {{{{ and }}}} for literal braces")]
    UnknownPlaceholder {
        /// The text between the braces.
        name: String,
    },
    /// A `{` without its `}` or a `}` without its `{` (0-based character position).
    #[error("unbalanced brace at character {position}; write {{{{ and }}}} for literal braces")]
    UnbalancedBrace {
        /// 0-based character index of the offending brace.
        position: usize,
    },
}

impl TemplateError {
    /// The stable snake_case code of this error, as used in API error envelopes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownPlaceholder { .. } => "unknown_placeholder",
            Self::UnbalancedBrace { .. } => "unbalanced_brace",
        }
    }
}

/// A value a template can insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placeholder {
    /// `{buyer_name}` (alias `{send_user_name}`): the buyer's display name.
    BuyerName,
    /// `{buyer_id}` (alias `{send_user_id}`): the buyer's Xianyu user id.
    BuyerId,
    /// `{message}` (alias `{send_message}`): the buyer's message as written.
    Message,
    /// `{item_id}`: the conversation's item id (empty without an item).
    ItemId,
    /// `{item_title}`: the item's title (empty when unknown).
    ItemTitle,
    /// `{item_price}`: the item's price for display, e.g. `¥19.90` (empty when unknown).
    ItemPrice,
    /// `{account_remark}`: the seller's remark on the account.
    AccountRemark,
    /// `{date}`: today's local date, `YYYY-MM-DD`.
    Date,
    /// `{time}`: the local time, `HH:MM`.
    Time,
}

/// Placeholder names accepted in templates: canonical names first, then the reference aliases.
const NAMES: [(&str, Placeholder); 12] = [
    ("buyer_name", Placeholder::BuyerName),
    ("buyer_id", Placeholder::BuyerId),
    ("message", Placeholder::Message),
    ("item_id", Placeholder::ItemId),
    ("item_title", Placeholder::ItemTitle),
    ("item_price", Placeholder::ItemPrice),
    ("account_remark", Placeholder::AccountRemark),
    ("date", Placeholder::Date),
    ("time", Placeholder::Time),
    ("send_user_name", Placeholder::BuyerName),
    ("send_user_id", Placeholder::BuyerId),
    ("send_message", Placeholder::Message),
];

impl Placeholder {
    /// Looks up a placeholder by name; the reference system's names are accepted as aliases.
    pub fn from_name(name: &str) -> Option<Self> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }

    /// The canonical name, without braces.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("", |(n, _)| *n)
    }

    /// Every accepted name (canonical names, then aliases), for documentation and the UI.
    pub fn accepted_names() -> impl Iterator<Item = &'static str> {
        NAMES.iter().map(|(n, _)| *n)
    }
}

/// The values substituted into a template. Missing values are empty strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TemplateVars<'a> {
    /// The buyer's display name.
    pub buyer_name: &'a str,
    /// The buyer's Xianyu user id.
    pub buyer_id: &'a str,
    /// The buyer's message as written.
    pub message: &'a str,
    /// The conversation's item id.
    pub item_id: &'a str,
    /// The item's title.
    pub item_title: &'a str,
    /// The item's display price, e.g. `¥19.90` (see [`format_price_fen`]).
    pub item_price: &'a str,
    /// The seller's remark on the account.
    pub account_remark: &'a str,
    /// The caller's local date, `YYYY-MM-DD`.
    pub date: &'a str,
    /// The caller's local time, `HH:MM`.
    pub time: &'a str,
}

impl TemplateVars<'_> {
    fn get(&self, p: Placeholder) -> &str {
        match p {
            Placeholder::BuyerName => self.buyer_name,
            Placeholder::BuyerId => self.buyer_id,
            Placeholder::Message => self.message,
            Placeholder::ItemId => self.item_id,
            Placeholder::ItemTitle => self.item_title,
            Placeholder::ItemPrice => self.item_price,
            Placeholder::AccountRemark => self.account_remark,
            Placeholder::Date => self.date,
            Placeholder::Time => self.time,
        }
    }
}

/// Formats a price in fen for display: `1990` → `¥19.90`, `-50` → `-¥0.50`.
pub fn format_price_fen(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}¥{}.{:02}", abs / 100, abs % 100)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment<V> {
    /// Text copied as is.
    Literal(String),
    /// A placeholder.
    Var(V),
}

/// Splits template text into literals and placeholders, looked up by name with `lookup`:
/// `{{`/`}}` are literal braces; an unknown name or an unbalanced brace is an error. Shared
/// by reply and delivery templates, which differ only in their placeholder sets.
pub(crate) fn parse_segments<V>(
    source: &str,
    lookup: impl Fn(&str) -> Option<V>,
) -> Result<Vec<Segment<V>>, TemplateError> {
    let chars: Vec<char> = source.chars().collect();
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' | '}' if chars.get(i + 1) == Some(&c) => {
                literal.push(c);
                i += 2;
            }
            '{' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&n| n == '}' || n == '{')
                    .map(|off| i + 1 + off)
                    .filter(|&j| chars[j] == '}')
                    .ok_or(TemplateError::UnbalancedBrace { position: i })?;
                let name: String = chars[i + 1..close].iter().collect();
                let var = lookup(&name).ok_or(TemplateError::UnknownPlaceholder { name })?;
                if !literal.is_empty() {
                    segments.push(Segment::Literal(std::mem::take(&mut literal)));
                }
                segments.push(Segment::Var(var));
                i = close + 1;
            }
            '}' => return Err(TemplateError::UnbalancedBrace { position: i }),
            _ => {
                literal.push(c);
                i += 1;
            }
        }
    }
    if !literal.is_empty() {
        segments.push(Segment::Literal(literal));
    }
    Ok(segments)
}

/// A parsed reply template. Serializes as its source text; deserializing validates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Template {
    source: String,
    #[serde(skip)]
    segments: Vec<Segment<Placeholder>>,
}

impl Template {
    /// Parses a template, rejecting unknown placeholders and unbalanced braces.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        Ok(Self {
            source: source.to_owned(),
            segments: parse_segments(source, Placeholder::from_name)?,
        })
    }

    /// The template text as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the template renders to nothing but whitespace whatever the values are.
    pub fn is_blank(&self) -> bool {
        self.segments.iter().all(|s| match s {
            Segment::Literal(l) => l.trim().is_empty(),
            Segment::Var(_) => false,
        })
    }

    /// The placeholders used, in order of appearance (canonical, aliases resolved).
    pub fn placeholders(&self) -> impl Iterator<Item = Placeholder> + '_ {
        self.segments.iter().filter_map(|s| match s {
            Segment::Var(p) => Some(*p),
            Segment::Literal(_) => None,
        })
    }

    /// Substitutes the values into the template.
    pub fn render(&self, vars: &TemplateVars<'_>) -> String {
        let mut out = String::with_capacity(self.source.len() + 32);
        for segment in &self.segments {
            match segment {
                Segment::Literal(l) => out.push_str(l),
                Segment::Var(p) => out.push_str(vars.get(*p)),
            }
        }
        out
    }
}

impl TryFrom<String> for Template {
    type Error = TemplateError;
    fn try_from(source: String) -> Result<Self, TemplateError> {
        Self::parse(&source)
    }
}

impl From<Template> for String {
    fn from(t: Template) -> String {
        t.source
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

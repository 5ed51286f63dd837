//! Delivery templates: `{placeholder}` substitution for card messages and HTTP bodies.
//!
//! The same grammar as reply templates ([`crate::replies::Template`]): `{name}` inserts a value,
//! `{{` and `}}` are literal braces, an unknown name or a stray brace is rejected when the card
//! is saved (with the reply templates' [`TemplateError`] codes).

use crate::replies::template::{Segment, parse_segments};
use crate::replies::{TemplateError, format_price_fen};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::OrderFacts;

/// A value a delivery template can insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryVar {
    /// `{content}`: the delivered content (message templates only).
    Content,
    /// `{order_id}`: the Xianyu order id.
    OrderId,
    /// `{item_id}`: the item id.
    ItemId,
    /// `{buyer_id}`: the buyer's Xianyu user id.
    BuyerId,
    /// `{spec_name}`: the ordered spec's name (empty without a spec).
    SpecName,
    /// `{spec_value}`: the ordered spec's value (empty without a spec).
    SpecValue,
    /// `{quantity}`: the ordered quantity.
    Quantity,
    /// `{amount}`: the paid amount, e.g. `¥19.90`.
    Amount,
}

const NAMES: [(&str, DeliveryVar); 8] = [
    ("content", DeliveryVar::Content),
    ("order_id", DeliveryVar::OrderId),
    ("item_id", DeliveryVar::ItemId),
    ("buyer_id", DeliveryVar::BuyerId),
    ("spec_name", DeliveryVar::SpecName),
    ("spec_value", DeliveryVar::SpecValue),
    ("quantity", DeliveryVar::Quantity),
    ("amount", DeliveryVar::Amount),
];

impl DeliveryVar {
    /// Looks up a placeholder by name.
    pub fn from_name(name: &str) -> Option<Self> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// The name, without braces.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("", |(n, _)| *n)
    }

    /// Every accepted name, for documentation and the UI.
    pub fn accepted_names() -> impl Iterator<Item = &'static str> {
        NAMES.iter().map(|(n, _)| *n)
    }

    fn value(self, content: &str, facts: &OrderFacts) -> String {
        let spec = facts.spec.as_ref();
        match self {
            Self::Content => content.to_owned(),
            Self::OrderId => facts.order_id.clone(),
            Self::ItemId => facts.item_id.clone(),
            Self::BuyerId => facts.buyer_id.clone(),
            Self::SpecName => spec.map(|(n, _)| n.clone()).unwrap_or_default(),
            Self::SpecValue => spec.map(|(_, v)| v.clone()).unwrap_or_default(),
            Self::Quantity => facts.quantity.to_string(),
            Self::Amount => format_price_fen(facts.amount_fen),
        }
    }
}

/// A parsed delivery template. Serializes as its source text; deserializing validates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeliveryTemplate {
    source: String,
    #[serde(skip)]
    segments: Vec<Segment<DeliveryVar>>,
}

impl DeliveryTemplate {
    /// Parses a template, rejecting unknown placeholders and unbalanced braces.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        Ok(Self {
            source: source.to_owned(),
            segments: parse_segments(source, DeliveryVar::from_name)?,
        })
    }

    /// The template text as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the template uses `var`.
    pub fn uses(&self, var: DeliveryVar) -> bool {
        self.segments.contains(&Segment::Var(var))
    }

    /// Substitutes the content and the order's values into the template.
    pub fn render(&self, content: &str, facts: &OrderFacts) -> String {
        let mut out = String::with_capacity(self.source.len() + content.len() + 32);
        for segment in &self.segments {
            match segment {
                Segment::Literal(l) => out.push_str(l),
                Segment::Var(v) => out.push_str(&v.value(content, facts)),
            }
        }
        out
    }
}

impl TryFrom<String> for DeliveryTemplate {
    type Error = TemplateError;
    fn try_from(source: String) -> Result<Self, TemplateError> {
        Self::parse(&source)
    }
}

impl From<DeliveryTemplate> for String {
    fn from(t: DeliveryTemplate) -> String {
        t.source
    }
}

impl fmt::Display for DeliveryTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

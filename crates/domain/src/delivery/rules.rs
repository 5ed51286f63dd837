//! Delivery rules: which card an order gets, chosen among the seller's own rules.

use super::{Card, CardId, DeliveryError};
use crate::ids::UserId;
use crate::replies::fold;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// The id of a delivery rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeliveryRuleId(pub i64);

impl fmt::Display for DeliveryRuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The most units one rule delivers per ordered piece.
pub const MAX_UNITS_PER_ORDER: u32 = 100;
/// The longest item id or keyword, in characters.
pub const MAX_ITEM_MATCH_CHARS: usize = 200;

/// Which items a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum ItemMatch {
    /// Exactly this item id.
    ItemId(String),
    /// Items whose title or description contains this keyword (case- and width-folded).
    Keyword(String),
}

/// A rule of a user: orders of matching items (and spec) get units of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRule {
    /// The rule's id.
    pub id: DeliveryRuleId,
    /// The owning user; only this user's orders can match.
    pub user_id: UserId,
    /// The items the rule applies to.
    pub item_match: ItemMatch,
    /// Only orders of this spec `(name, value)`; `None` matches any spec.
    pub spec: Option<(String, String)>,
    /// The card delivered.
    pub card_id: CardId,
    /// Units delivered per order (per piece with multi-quantity delivery), 1–100.
    pub units_per_order: u32,
    /// Disabled rules never match.
    pub enabled: bool,
}

impl DeliveryRule {
    /// Checks the rule's own fields; the error's [`DeliveryError::code`] is stable.
    pub fn validate(&self) -> Result<(), DeliveryError> {
        if !(1..=MAX_UNITS_PER_ORDER).contains(&self.units_per_order) {
            return Err(DeliveryError::InvalidUnits);
        }
        let (ItemMatch::ItemId(m) | ItemMatch::Keyword(m)) = &self.item_match;
        if fold(m).is_empty() || m.chars().count() > MAX_ITEM_MATCH_CHARS {
            return Err(DeliveryError::InvalidItemMatch);
        }
        if let Some((name, value)) = &self.spec
            && (name.trim().is_empty() || value.trim().is_empty())
        {
            return Err(DeliveryError::InvalidSpec);
        }
        Ok(())
    }

    /// Checks that `card` is the rule's card and belongs to the rule's user.
    pub fn check_card(&self, card: &Card) -> Result<(), DeliveryError> {
        if card.id == self.card_id && card.user_id == self.user_id {
            Ok(())
        } else {
            Err(DeliveryError::CardNotFound)
        }
    }

    fn matches_item(&self, facts: &OrderFacts) -> bool {
        match &self.item_match {
            ItemMatch::ItemId(id) => !id.trim().is_empty() && id.trim() == facts.item_id.trim(),
            ItemMatch::Keyword(kw) => {
                let kw = fold(kw);
                !kw.is_empty()
                    && (fold(&facts.item_title).contains(&kw)
                        || fold(&facts.item_description).contains(&kw))
            }
        }
    }

    fn matches_spec(&self, facts: &OrderFacts) -> bool {
        match (&self.spec, &facts.spec) {
            (None, _) => true,
            (Some((rn, rv)), Some((n, v))) => fold(rn) == fold(n) && fold(rv) == fold(v),
            (Some(_), None) => false,
        }
    }
}

/// What is known about a paid order when choosing its delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFacts {
    /// The user owning the seller account that received the order.
    pub user_id: UserId,
    /// The item id.
    pub item_id: String,
    /// The item's title.
    pub item_title: String,
    /// The item's description.
    pub item_description: String,
    /// The ordered spec `(name, value)`, if the item has specs.
    pub spec: Option<(String, String)>,
    /// Ordered quantity.
    pub quantity: u32,
    /// Paid amount in fen.
    pub amount_fen: i64,
    /// The Xianyu order id.
    pub order_id: String,
    /// The buyer's Xianyu user id.
    pub buyer_id: String,
}

/// Why an order gets no delivery; recorded on the order.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NoDelivery {
    /// No enabled rule of the user matches the item and spec.
    #[error("no delivery rule matches this item")]
    NoRule,
    /// Several rules match equally; the seller must make them unambiguous.
    #[error("several delivery rules match this item: {rule_ids:?}")]
    #[serde(rename = "ambiguous_rules")]
    Ambiguous {
        /// The matching rules, by ascending id.
        rule_ids: Vec<DeliveryRuleId>,
    },
}

impl NoDelivery {
    /// The stable snake_case code of this reason.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoRule => "no_rule",
            Self::Ambiguous { .. } => "ambiguous_rules",
        }
    }
}

/// Chooses the one rule that delivers this order.
///
/// Only enabled rules of `facts.user_id` are considered: another user's rules never match, even
/// with an identical keyword. A rule matches when its item id equals the order's item, or its
/// keyword is in the folded title or description, and its spec (if any) equals the order's spec.
/// If a spec-specific rule matches, spec-less rules are set aside (the more specific rule wins);
/// among what remains exactly one rule must match, else [`NoDelivery`] says why.
pub fn select_rule<'a>(
    rules: &'a [DeliveryRule],
    facts: &OrderFacts,
) -> Result<&'a DeliveryRule, NoDelivery> {
    let matching: Vec<&DeliveryRule> = rules
        .iter()
        .filter(|r| r.user_id == facts.user_id && r.enabled)
        .filter(|r| r.matches_item(facts) && r.matches_spec(facts))
        .collect();
    debug_assert!(matching.iter().all(|r| r.user_id == facts.user_id));
    let specific: Vec<&DeliveryRule> = matching
        .iter()
        .copied()
        .filter(|r| r.spec.is_some())
        .collect();
    let candidates = if specific.is_empty() {
        matching
    } else {
        specific
    };
    match candidates.as_slice() {
        [] => Err(NoDelivery::NoRule),
        [one] => Ok(one),
        many => {
            let mut rule_ids: Vec<DeliveryRuleId> = many.iter().map(|r| r.id).collect();
            rule_ids.sort_unstable();
            Err(NoDelivery::Ambiguous { rule_ids })
        }
    }
}

/// Units to deliver: `units_per_order`, times the quantity when the item is flagged for
/// multi-quantity delivery (a quantity of 0 counts as 1).
pub fn units(rule: &DeliveryRule, facts: &OrderFacts, multi_quantity: bool) -> u32 {
    if multi_quantity {
        rule.units_per_order.saturating_mul(facts.quantity.max(1))
    } else {
        rule.units_per_order
    }
}

//! The catalog of automatic delivery: the items of each account (synced from Goofish or edited
//! locally), the cards (卡券) of each user with their stock lines, and the user's delivery
//! rules. Every query on these rows is scoped by the acting user; another user's row answers
//! [`StoreError::NotFound`] exactly like a missing one.

mod cards;
mod items;
mod rules;

pub use cards::{CardRecord, StockCounts, StockLine, card_kind_name};
pub use items::{ItemDetailUpdate, ItemFilter, ItemPatch, ItemRecord};
pub use rules::RuleRecord;

use crate::{Store, StoreError};
use xianyu_domain::UserId;
use xianyu_domain::delivery::{Card, DeliveryRule};

/// The longest local item description, in characters.
pub const MAX_ITEM_DESCRIPTION_CHARS: usize = 10_000;
/// The most stock lines one append call accepts.
pub const MAX_STOCK_LINES_PER_CALL: usize = 10_000;
/// The longest delivery-rule remark, in characters.
pub const MAX_RULE_REMARK_CHARS: usize = 200;

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Store {
    /// The user's enabled delivery rules (by id) and the cards they refer to, decrypted, as
    /// domain types: what choosing and performing a delivery for this user needs.
    pub fn user_rules_and_cards(
        &self,
        user: UserId,
    ) -> Result<(Vec<DeliveryRule>, Vec<Card>), StoreError> {
        let rules: Vec<DeliveryRule> = self
            .rules_of_user(user, true)?
            .into_iter()
            .map(|r| r.rule)
            .collect();
        let mut ids: Vec<i64> = rules.iter().map(|r| r.card_id.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let cards = self
            .cards_by_ids(user, &ids)?
            .into_iter()
            .map(|c| c.card)
            .collect();
        Ok((rules, cards))
    }
}

#[cfg(test)]
mod tests;

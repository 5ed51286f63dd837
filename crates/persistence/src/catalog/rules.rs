//! Delivery rules of a user: the domain [`DeliveryRule`] with its item match stored as
//! `match_kind` (`item_id` | `keyword`) and `match_value`, and a free remark.

use super::now_ms;
use crate::connection::with_backend;
use crate::schema::delivery_rules;
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::UserId;
use xianyu_domain::delivery::{CardId, DeliveryRule, DeliveryRuleId, ItemMatch};

/// A stored delivery rule with its remark and timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRecord {
    /// The rule.
    pub rule: DeliveryRule,
    /// The seller's note (≤ 200 characters).
    pub remark: String,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
}

type RuleRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    i32,
    bool,
    String,
    i64,
    i64,
);

const RULE_COLUMNS: (
    delivery_rules::id,
    delivery_rules::user_id,
    delivery_rules::match_kind,
    delivery_rules::match_value,
    delivery_rules::spec_name,
    delivery_rules::spec_value,
    delivery_rules::card_id,
    delivery_rules::units_per_order,
    delivery_rules::enabled,
    delivery_rules::remark,
    delivery_rules::created_at,
    delivery_rules::updated_at,
) = (
    delivery_rules::id,
    delivery_rules::user_id,
    delivery_rules::match_kind,
    delivery_rules::match_value,
    delivery_rules::spec_name,
    delivery_rules::spec_value,
    delivery_rules::card_id,
    delivery_rules::units_per_order,
    delivery_rules::enabled,
    delivery_rules::remark,
    delivery_rules::created_at,
    delivery_rules::updated_at,
);

fn split_match(m: &ItemMatch) -> (&'static str, &str) {
    match m {
        ItemMatch::ItemId(v) => ("item_id", v.trim()),
        ItemMatch::Keyword(v) => ("keyword", v.trim()),
    }
}

fn record(row: RuleRow) -> Result<RuleRecord, StoreError> {
    let (id, user_id, kind, value, spec_name, spec_value, card_id, units, enabled, remark, c, u) =
        row;
    let item_match = match kind.as_str() {
        "item_id" => ItemMatch::ItemId(value),
        "keyword" => ItemMatch::Keyword(value),
        other => {
            return Err(StoreError::Database(format!(
                "stored delivery rule {id} has an unknown match kind {other:?}"
            )));
        }
    };
    Ok(RuleRecord {
        rule: DeliveryRule {
            id: DeliveryRuleId(id),
            user_id: UserId(user_id),
            item_match,
            spec: spec_name.zip(spec_value),
            card_id: CardId(card_id),
            units_per_order: u32::try_from(units).unwrap_or(0),
            enabled,
        },
        remark,
        created_at: c,
        updated_at: u,
    })
}

impl Store {
    /// Creates a delivery rule of `user` (the rule's `id` and `user_id` are ignored); the
    /// caller has validated it with [`DeliveryRule::validate`]. [`StoreError::NotFound`] when
    /// the card is not one of the user's.
    pub fn create_delivery_rule(
        &self,
        user: UserId,
        rule: &DeliveryRule,
        remark: &str,
    ) -> Result<RuleRecord, StoreError> {
        self.check_card_owner(user, rule.card_id)?;
        let (kind, value) = split_match(&rule.item_match);
        let spec = rule.spec.as_ref();
        let t = now_ms();
        let values = (
            delivery_rules::user_id.eq(user.0),
            delivery_rules::match_kind.eq(kind),
            delivery_rules::match_value.eq(value),
            delivery_rules::spec_name.eq(spec.map(|(n, _)| n.trim())),
            delivery_rules::spec_value.eq(spec.map(|(_, v)| v.trim())),
            delivery_rules::card_id.eq(rule.card_id.0),
            delivery_rules::units_per_order.eq(i32::try_from(rule.units_per_order).unwrap_or(1)),
            delivery_rules::enabled.eq(rule.enabled),
            delivery_rules::remark.eq(remark.trim()),
            delivery_rules::created_at.eq(t),
            delivery_rules::updated_at.eq(t),
        );
        let mut conn = self.conn()?;
        let id: i64 = with_backend!(&mut *conn, |c| diesel::insert_into(delivery_rules::table)
            .values(values)
            .returning(delivery_rules::id)
            .get_result(c))?;
        drop(conn);
        self.get_delivery_rule(user, DeliveryRuleId(id))
    }

    /// Lists up to `limit` delivery rules of `user` with ids greater than `after`, oldest
    /// first.
    pub fn list_delivery_rules(
        &self,
        user: UserId,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<RuleRecord>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<RuleRow> = delivery_rules::table
            .filter(delivery_rules::user_id.eq(user.0))
            .filter(delivery_rules::id.gt(after.unwrap_or(0)))
            .order(delivery_rules::id.asc())
            .limit(limit)
            .select(RULE_COLUMNS)
            .load(&mut *conn)?;
        rows.into_iter().map(record).collect()
    }

    /// Every rule of `user` (only the enabled ones when `enabled_only`), by id.
    pub(crate) fn rules_of_user(
        &self,
        user: UserId,
        enabled_only: bool,
    ) -> Result<Vec<RuleRecord>, StoreError> {
        let mut conn = self.conn()?;
        let mut query = delivery_rules::table
            .filter(delivery_rules::user_id.eq(user.0))
            .order(delivery_rules::id.asc())
            .select(RULE_COLUMNS)
            .into_boxed();
        if enabled_only {
            query = query.filter(delivery_rules::enabled.eq(true));
        }
        let rows: Vec<RuleRow> = query.load(&mut *conn)?;
        rows.into_iter().map(record).collect()
    }

    /// One delivery rule of `user`; another user's rule is [`StoreError::NotFound`].
    pub fn get_delivery_rule(
        &self,
        user: UserId,
        id: DeliveryRuleId,
    ) -> Result<RuleRecord, StoreError> {
        let mut conn = self.conn()?;
        let row: RuleRow = delivery_rules::table
            .filter(delivery_rules::id.eq(id.0))
            .filter(delivery_rules::user_id.eq(user.0))
            .select(RULE_COLUMNS)
            .first(&mut *conn)?;
        record(row)
    }

    /// Replaces a delivery rule of `user` (matched by `rule.id`); the caller has validated
    /// it. [`StoreError::NotFound`] when the rule or its card is not the user's.
    pub fn update_delivery_rule(
        &self,
        user: UserId,
        rule: &DeliveryRule,
        remark: &str,
    ) -> Result<RuleRecord, StoreError> {
        self.check_card_owner(user, rule.card_id)?;
        let (kind, value) = split_match(&rule.item_match);
        let spec = rule.spec.as_ref();
        let mut conn = self.conn()?;
        let n = diesel::update(
            delivery_rules::table
                .filter(delivery_rules::id.eq(rule.id.0))
                .filter(delivery_rules::user_id.eq(user.0)),
        )
        .set((
            delivery_rules::match_kind.eq(kind),
            delivery_rules::match_value.eq(value),
            delivery_rules::spec_name.eq(spec.map(|(n, _)| n.trim())),
            delivery_rules::spec_value.eq(spec.map(|(_, v)| v.trim())),
            delivery_rules::card_id.eq(rule.card_id.0),
            delivery_rules::units_per_order.eq(i32::try_from(rule.units_per_order).unwrap_or(1)),
            delivery_rules::enabled.eq(rule.enabled),
            delivery_rules::remark.eq(remark.trim()),
            delivery_rules::updated_at.eq(now_ms()),
        ))
        .execute(&mut *conn)?;
        drop(conn);
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.get_delivery_rule(user, rule.id)
    }

    /// Deletes a delivery rule of `user`.
    pub fn delete_delivery_rule(&self, user: UserId, id: DeliveryRuleId) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let n = diesel::delete(
            delivery_rules::table
                .filter(delivery_rules::id.eq(id.0))
                .filter(delivery_rules::user_id.eq(user.0)),
        )
        .execute(&mut *conn)?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}

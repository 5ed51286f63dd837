//! Cards (卡券) of a user, stored as the sealed JSON of the domain [`CardKind`] (fetch cards
//! carry API keys in their headers), and the stock lines of stock cards.

use super::now_ms;
use crate::connection::{with_backend, write_tx};
use crate::schema::{card_stock, cards, delivery_rules};
use crate::{Store, StoreError};
use diesel::prelude::*;
use std::collections::HashMap;
use xianyu_domain::UserId;
use xianyu_domain::delivery::{Card, CardId, CardKind, DeliveryTemplate, stock_lines};

/// A stored card with its timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRecord {
    /// The card, decrypted.
    pub card: Card,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
}

/// How many stock lines a card has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StockCounts {
    /// Every line, consumed or not.
    pub total: u64,
    /// Lines not consumed yet.
    pub available: u64,
    /// Lines taken by a delivery.
    pub consumed: u64,
}

/// One stock line.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StockLine {
    /// The line's id.
    pub id: i64,
    /// The content delivered for one unit.
    pub line: String,
    /// Whether a delivery took it.
    pub consumed: bool,
    /// When it was added (ms).
    pub created_at: i64,
}

type CardRow = (i64, i64, String, Vec<u8>, Option<String>, i32, i64, i64);

const CARD_COLUMNS: (
    cards::id,
    cards::user_id,
    cards::name,
    cards::body_enc,
    cards::message_template,
    cards::delay_secs,
    cards::created_at,
    cards::updated_at,
) = (
    cards::id,
    cards::user_id,
    cards::name,
    cards::body_enc,
    cards::message_template,
    cards::delay_secs,
    cards::created_at,
    cards::updated_at,
);

/// The `kind` name of a card kind as stored and shown: `text`, `stock`, `http_fetch`, `image`.
pub fn card_kind_name(kind: &CardKind) -> &'static str {
    match kind {
        CardKind::Text { .. } => "text",
        CardKind::Stock { .. } => "stock",
        CardKind::HttpFetch(_) => "http_fetch",
        CardKind::Image { .. } => "image",
    }
}

fn unreadable(id: i64, what: &str) -> StoreError {
    StoreError::Database(format!("stored card {id} has an unreadable {what}"))
}

const STOCK_CHUNK: usize = 500;

impl Store {
    fn seal_kind(&self, kind: &CardKind) -> Result<Vec<u8>, StoreError> {
        let json = serde_json::to_vec(kind)
            .map_err(|e| StoreError::Database(format!("cannot encode card: {e}")))?;
        Ok(self.secrets.seal(&json))
    }

    fn card_record(&self, row: CardRow) -> Result<CardRecord, StoreError> {
        let (id, user_id, name, sealed, template, delay, created_at, updated_at) = row;
        let kind: CardKind = serde_json::from_slice(&self.secrets.open(&sealed)?)
            .map_err(|_| unreadable(id, "body"))?;
        let message_template = template
            .map(|t| DeliveryTemplate::parse(&t).map_err(|_| unreadable(id, "message template")))
            .transpose()?;
        Ok(CardRecord {
            card: Card {
                id: CardId(id),
                user_id: UserId(user_id),
                name,
                kind,
                message_template,
                delay_secs: u32::try_from(delay).unwrap_or(0),
            },
            created_at,
            updated_at,
        })
    }

    /// Creates a card of `user` (the card's `id` and `user_id` are ignored); the caller has
    /// validated it with [`Card::validate`].
    pub fn create_card(&self, user: UserId, card: &Card) -> Result<CardRecord, StoreError> {
        let t = now_ms();
        let sealed = self.seal_kind(&card.kind)?;
        let values = (
            cards::user_id.eq(user.0),
            cards::name.eq(card.name.trim()),
            cards::kind.eq(card_kind_name(&card.kind)),
            cards::body_enc.eq(&sealed),
            cards::message_template.eq(card.message_template.as_ref().map(|t| t.as_str())),
            cards::delay_secs.eq(i32::try_from(card.delay_secs).unwrap_or(i32::MAX)),
            cards::created_at.eq(t),
            cards::updated_at.eq(t),
        );
        let mut conn = self.conn()?;
        let id: i64 = with_backend!(&mut *conn, |c| diesel::insert_into(cards::table)
            .values(values)
            .returning(cards::id)
            .get_result(c))?;
        drop(conn);
        self.get_card(user, CardId(id))
    }

    /// Lists up to `limit` cards of `user` with ids greater than `after`, oldest first.
    pub fn list_cards(
        &self,
        user: UserId,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<CardRecord>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<CardRow> = cards::table
            .filter(cards::user_id.eq(user.0))
            .filter(cards::id.gt(after.unwrap_or(0)))
            .order(cards::id.asc())
            .limit(limit)
            .select(CARD_COLUMNS)
            .load(&mut *conn)?;
        drop(conn);
        rows.into_iter().map(|r| self.card_record(r)).collect()
    }

    /// One card of `user`, decrypted; another user's card is [`StoreError::NotFound`].
    pub fn get_card(&self, user: UserId, id: CardId) -> Result<CardRecord, StoreError> {
        let mut conn = self.conn()?;
        let row: CardRow = cards::table
            .filter(cards::id.eq(id.0))
            .filter(cards::user_id.eq(user.0))
            .select(CARD_COLUMNS)
            .first(&mut *conn)?;
        drop(conn);
        self.card_record(row)
    }

    /// The cards of `user` among `ids` (others are left out), by id.
    pub(crate) fn cards_by_ids(
        &self,
        user: UserId,
        ids: &[i64],
    ) -> Result<Vec<CardRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn()?;
        let rows: Vec<CardRow> = cards::table
            .filter(cards::user_id.eq(user.0))
            .filter(cards::id.eq_any(ids))
            .order(cards::id.asc())
            .select(CARD_COLUMNS)
            .load(&mut *conn)?;
        drop(conn);
        rows.into_iter().map(|r| self.card_record(r)).collect()
    }

    /// Replaces a card of `user` (matched by `card.id`); the caller has validated it. Stock
    /// lines are kept even when the kind changes away from stock.
    pub fn update_card(&self, user: UserId, card: &Card) -> Result<CardRecord, StoreError> {
        let sealed = self.seal_kind(&card.kind)?;
        let mut conn = self.conn()?;
        let n = diesel::update(
            cards::table
                .filter(cards::id.eq(card.id.0))
                .filter(cards::user_id.eq(user.0)),
        )
        .set((
            cards::name.eq(card.name.trim()),
            cards::kind.eq(card_kind_name(&card.kind)),
            cards::body_enc.eq(&sealed),
            cards::message_template.eq(card.message_template.as_ref().map(|t| t.as_str())),
            cards::delay_secs.eq(i32::try_from(card.delay_secs).unwrap_or(i32::MAX)),
            cards::updated_at.eq(now_ms()),
        ))
        .execute(&mut *conn)?;
        drop(conn);
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.get_card(user, card.id)
    }

    /// Deletes a card of `user` with its stock lines (and the rules that use it).
    pub fn delete_card(&self, user: UserId, id: CardId) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let n = diesel::delete(
            cards::table
                .filter(cards::id.eq(id.0))
                .filter(cards::user_id.eq(user.0)),
        )
        .execute(&mut *conn)?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// The ids of the delivery rules of `user` that deliver card `id`.
    pub fn rules_using_card(&self, user: UserId, id: CardId) -> Result<Vec<i64>, StoreError> {
        let mut conn = self.conn()?;
        Ok(delivery_rules::table
            .filter(delivery_rules::user_id.eq(user.0))
            .filter(delivery_rules::card_id.eq(id.0))
            .order(delivery_rules::id.asc())
            .select(delivery_rules::id)
            .load(&mut *conn)?)
    }

    /// [`StoreError::NotFound`] unless card `id` belongs to `user`.
    pub(crate) fn check_card_owner(&self, user: UserId, id: CardId) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        cards::table
            .filter(cards::id.eq(id.0))
            .filter(cards::user_id.eq(user.0))
            .select(cards::id)
            .first::<i64>(&mut *conn)?;
        Ok(())
    }

    /// Adds the usable lines of `lines_text` (one per line, trimmed, blanks dropped — see
    /// [`stock_lines`]) to a card of `user`, all or nothing; returns how many were added. The
    /// caller bounds the number of lines per call.
    pub fn append_stock(
        &self,
        user: UserId,
        card: CardId,
        lines_text: &str,
    ) -> Result<u64, StoreError> {
        self.check_card_owner(user, card)?;
        let lines = stock_lines(lines_text);
        let t = now_ms();
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, StoreError, |c| {
            for chunk in lines.chunks(STOCK_CHUNK) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|l| {
                        (
                            card_stock::card_id.eq(card.0),
                            card_stock::line.eq(*l),
                            card_stock::consumed.eq(false),
                            card_stock::created_at.eq(t),
                        )
                    })
                    .collect();
                diesel::insert_into(card_stock::table)
                    .values(&rows)
                    .execute(c)?;
            }
            Ok(())
        })?;
        Ok(lines.len() as u64)
    }

    /// The stock line counts of a card of `user`.
    pub fn stock_counts(&self, user: UserId, card: CardId) -> Result<StockCounts, StoreError> {
        self.check_card_owner(user, card)?;
        Ok(self
            .stock_counts_of(&[card.0])?
            .remove(&card.0)
            .unwrap_or_default())
    }

    /// Stock counts per card id (cards without lines are absent). Not user-scoped: callers
    /// pass ids of cards they already read for the user.
    pub(crate) fn stock_counts_of(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, StockCounts>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut conn = self.conn()?;
        let rows: Vec<(i64, bool, i64)> = card_stock::table
            .filter(card_stock::card_id.eq_any(ids))
            .group_by((card_stock::card_id, card_stock::consumed))
            .select((
                card_stock::card_id,
                card_stock::consumed,
                diesel::dsl::count_star(),
            ))
            .load(&mut *conn)?;
        let mut out: HashMap<i64, StockCounts> = HashMap::new();
        for (id, consumed, n) in rows {
            let n = u64::try_from(n).unwrap_or(0);
            let c = out.entry(id).or_default();
            c.total += n;
            if consumed {
                c.consumed += n;
            } else {
                c.available += n;
            }
        }
        Ok(out)
    }

    /// Stock counts of the cards of `user` among `ids` (stock-less cards answer zeros).
    pub fn stock_counts_for(
        &self,
        user: UserId,
        ids: &[i64],
    ) -> Result<HashMap<i64, StockCounts>, StoreError> {
        let owned: Vec<i64> = {
            let mut conn = self.conn()?;
            cards::table
                .filter(cards::user_id.eq(user.0))
                .filter(cards::id.eq_any(ids))
                .select(cards::id)
                .load(&mut *conn)?
        };
        self.stock_counts_of(&owned)
    }

    /// Up to `limit` stock lines of a card of `user` with ids greater than `after`, oldest
    /// first; consumed lines only when `include_consumed`.
    pub fn list_stock(
        &self,
        user: UserId,
        card: CardId,
        include_consumed: bool,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<StockLine>, StoreError> {
        self.check_card_owner(user, card)?;
        let mut conn = self.conn()?;
        let mut query = card_stock::table
            .filter(card_stock::card_id.eq(card.0))
            .filter(card_stock::id.gt(after.unwrap_or(0)))
            .order(card_stock::id.asc())
            .limit(limit)
            .select((
                card_stock::id,
                card_stock::line,
                card_stock::consumed,
                card_stock::created_at,
            ))
            .into_boxed();
        if !include_consumed {
            query = query.filter(card_stock::consumed.eq(false));
        }
        Ok(query.load(&mut *conn)?)
    }

    /// Deletes an unconsumed stock line of a card of `user`. `Ok(false)` when the line exists
    /// but was consumed (it stays: it records what was delivered); [`StoreError::NotFound`]
    /// when the card or the line is not the user's.
    pub fn delete_stock_line(
        &self,
        user: UserId,
        card: CardId,
        line_id: i64,
    ) -> Result<bool, StoreError> {
        self.check_card_owner(user, card)?;
        let mut conn = self.conn()?;
        let line = card_stock::table
            .filter(card_stock::id.eq(line_id))
            .filter(card_stock::card_id.eq(card.0));
        let n = diesel::delete(line.filter(card_stock::consumed.eq(false))).execute(&mut *conn)?;
        if n > 0 {
            return Ok(true);
        }
        let exists: Option<i64> = line.select(card_stock::id).first(&mut *conn).optional()?;
        match exists {
            Some(_) => Ok(false),
            None => Err(StoreError::NotFound),
        }
    }
}

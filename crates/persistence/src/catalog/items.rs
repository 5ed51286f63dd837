//! Items of a seller account: rows synced from the seller's item list, learned from chats and
//! orders, or filled by the item-detail call; the seller edits the local description (used by
//! keyword delivery rules) and the delivery flags.

use super::now_ms;
use crate::connection::write_tx;
use crate::schema::items;
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::delivery::{ItemFacts, ItemSnapshot};
use xianyu_domain::{AccountId, UserId};

diesel::define_sql_function!(
    /// SQL `lower(text)`, on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// A stored item.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ItemRecord {
    /// Row id (the list cursor).
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// The Xianyu item id.
    pub item_id: String,
    /// The title.
    pub title: String,
    /// The price in fen, when known.
    pub price_fen: Option<i64>,
    /// The local description (keyword rules look at it).
    pub description: String,
    /// `itemStatus` as synced.
    pub status: String,
    /// The main picture.
    pub pic_url: Option<String>,
    /// The item has specs (规格).
    pub multi_spec: bool,
    /// Deliver `units_per_order × quantity`.
    pub multi_quantity_delivery: bool,
    /// How the row was learned: `sync`, `detail`, `chat`, `order`.
    pub source: String,
    /// The raw item-detail JSON, when fetched.
    pub detail: Option<String>,
    /// When the item list last included it (ms).
    pub synced_at: Option<i64>,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
}

/// Filters of the item list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFilter {
    /// Text contained in the title or the description (ASCII case-insensitive).
    pub q: Option<String>,
    /// Only items with (or without) specs.
    pub multi_spec: Option<bool>,
}

/// The seller's changes to an item; `None` keeps a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemPatch {
    /// The local description (the caller bounds it to 10,000 characters).
    pub description: Option<String>,
    /// The item has specs.
    pub multi_spec: Option<bool>,
    /// Deliver `units_per_order × quantity`.
    pub multi_quantity_delivery: Option<bool>,
}

/// What the item-detail call said about an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemDetailUpdate {
    /// The title (an empty one keeps the stored title).
    pub title: String,
    /// The listing's description (fills the local one only when that is empty).
    pub description: String,
    /// The price in fen, when it parsed (`None` keeps the stored price).
    pub price_fen: Option<i64>,
    /// Whether the listing has specs (sets the flag; never clears it).
    pub multi_spec: bool,
    /// The raw detail JSON.
    pub raw_json: String,
}

type ItemColumns = (
    items::id,
    items::account_id,
    items::item_id,
    items::title,
    items::price_fen,
    items::description,
    items::status,
    items::pic_url,
    items::multi_spec,
    items::multi_quantity_delivery,
    items::source,
    items::detail,
    items::synced_at,
    items::created_at,
    items::updated_at,
);

const ITEM_COLUMNS: ItemColumns = (
    items::id,
    items::account_id,
    items::item_id,
    items::title,
    items::price_fen,
    items::description,
    items::status,
    items::pic_url,
    items::multi_spec,
    items::multi_quantity_delivery,
    items::source,
    items::detail,
    items::synced_at,
    items::created_at,
    items::updated_at,
);

/// `%text%` for LIKE, with `\` escaping the wildcards, lower-cased.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    /// Inserts or updates the synced items of an account of `user` (title, price, status,
    /// picture, `synced_at`, source `sync`), never touching the local description or the
    /// flags; returns how many items were written.
    pub fn upsert_synced_items(
        &self,
        user: UserId,
        account: AccountId,
        snapshots: &[ItemSnapshot],
    ) -> Result<usize, StoreError> {
        self.get_account(user, account)?;
        let t = now_ms();
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, StoreError, |c| {
            for s in snapshots {
                diesel::insert_into(items::table)
                    .values((
                        items::account_id.eq(account.0),
                        items::item_id.eq(&s.item_id),
                        items::title.eq(&s.title),
                        items::price_fen.eq(s.price_fen),
                        items::status.eq(&s.status),
                        items::pic_url.eq(s.pic_url.as_deref()),
                        items::source.eq("sync"),
                        items::synced_at.eq(t),
                        items::created_at.eq(t),
                        items::updated_at.eq(t),
                    ))
                    .on_conflict((items::account_id, items::item_id))
                    .do_update()
                    .set((
                        items::title.eq(&s.title),
                        items::price_fen.eq(s.price_fen),
                        items::status.eq(&s.status),
                        items::pic_url.eq(s.pic_url.as_deref()),
                        items::source.eq("sync"),
                        items::synced_at.eq(t),
                        items::updated_at.eq(t),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })?;
        Ok(snapshots.len())
    }

    /// Stores what the item-detail call said about an item of an account of `user` (creating
    /// the item, source `detail`, when unknown): the raw detail, the title and price, the
    /// `multi_spec` flag when set, and the description only where the local one is empty.
    pub fn save_item_detail(
        &self,
        user: UserId,
        account: AccountId,
        item_id: &str,
        detail: &ItemDetailUpdate,
    ) -> Result<ItemRecord, StoreError> {
        self.get_account(user, account)?;
        let t = now_ms();
        let mut conn = self.conn()?;
        write_tx!(&mut *conn, StoreError, |c| {
            diesel::insert_into(items::table)
                .values((
                    items::account_id.eq(account.0),
                    items::item_id.eq(item_id),
                    items::source.eq("detail"),
                    items::created_at.eq(t),
                    items::updated_at.eq(t),
                ))
                .on_conflict((items::account_id, items::item_id))
                .do_nothing()
                .execute(c)?;
            let row = items::table
                .filter(items::account_id.eq(account.0))
                .filter(items::item_id.eq(item_id));
            diesel::update(row)
                .set((items::detail.eq(&detail.raw_json), items::updated_at.eq(t)))
                .execute(c)?;
            if !detail.title.trim().is_empty() {
                diesel::update(row)
                    .set(items::title.eq(detail.title.trim()))
                    .execute(c)?;
            }
            if let Some(p) = detail.price_fen {
                diesel::update(row).set(items::price_fen.eq(p)).execute(c)?;
            }
            if detail.multi_spec {
                diesel::update(row)
                    .set(items::multi_spec.eq(true))
                    .execute(c)?;
            }
            if !detail.description.trim().is_empty() {
                diesel::update(row.filter(items::description.eq("")))
                    .set(items::description.eq(detail.description.trim()))
                    .execute(c)?;
            }
            Ok(())
        })?;
        drop(conn);
        self.get_item(user, account, item_id)
    }

    /// Up to `limit` items of an account of `user` with row ids greater than `after`, oldest
    /// first, filtered.
    pub fn list_items(
        &self,
        user: UserId,
        account: AccountId,
        filter: &ItemFilter,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ItemRecord>, StoreError> {
        self.get_account(user, account)?;
        let mut query = items::table
            .filter(items::account_id.eq(account.0))
            .filter(items::id.gt(after.unwrap_or(0)))
            .order(items::id.asc())
            .limit(limit)
            .select(ITEM_COLUMNS)
            .into_boxed();
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = like_pattern(q);
            query = query.filter(
                lower(items::title)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(items::description).like(pattern).escape('\\')),
            );
        }
        if let Some(m) = filter.multi_spec {
            query = query.filter(items::multi_spec.eq(m));
        }
        let mut conn = self.conn()?;
        Ok(query.load(&mut *conn)?)
    }

    /// One item of an account of `user`, by Xianyu item id.
    pub fn get_item(
        &self,
        user: UserId,
        account: AccountId,
        item_id: &str,
    ) -> Result<ItemRecord, StoreError> {
        self.get_account(user, account)?;
        let mut conn = self.conn()?;
        Ok(items::table
            .filter(items::account_id.eq(account.0))
            .filter(items::item_id.eq(item_id))
            .select(ITEM_COLUMNS)
            .first(&mut *conn)?)
    }

    /// Applies the seller's changes to an item of an account of `user`.
    pub fn update_item(
        &self,
        user: UserId,
        account: AccountId,
        item_id: &str,
        patch: &ItemPatch,
    ) -> Result<ItemRecord, StoreError> {
        let current = self.get_item(user, account, item_id)?;
        let mut conn = self.conn()?;
        diesel::update(items::table.find(current.id))
            .set((
                items::description.eq(patch.description.as_deref().unwrap_or(&current.description)),
                items::multi_spec.eq(patch.multi_spec.unwrap_or(current.multi_spec)),
                items::multi_quantity_delivery.eq(patch
                    .multi_quantity_delivery
                    .unwrap_or(current.multi_quantity_delivery)),
                items::updated_at.eq(now_ms()),
            ))
            .execute(&mut *conn)?;
        drop(conn);
        self.get_item(user, account, item_id)
    }

    /// Deletes an item of an account of `user` (a later sync or chat brings it back).
    pub fn delete_item(
        &self,
        user: UserId,
        account: AccountId,
        item_id: &str,
    ) -> Result<(), StoreError> {
        self.get_account(user, account)?;
        let mut conn = self.conn()?;
        let n = diesel::delete(
            items::table
                .filter(items::account_id.eq(account.0))
                .filter(items::item_id.eq(item_id)),
        )
        .execute(&mut *conn)?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// What delivery needs to know about an item of `account`: title, local description and
    /// the multi-quantity flag; `None` when the item is unknown. Not scoped by user: it serves
    /// the runner's delivery port, which only ever passes the order's own account.
    pub fn item_facts(
        &self,
        account: AccountId,
        item_id: &str,
    ) -> Result<Option<ItemFacts>, StoreError> {
        let mut conn = self.conn()?;
        let row: Option<(String, String, bool, Option<i64>)> = items::table
            .filter(items::account_id.eq(account.0))
            .filter(items::item_id.eq(item_id))
            .select((
                items::title,
                items::description,
                items::multi_quantity_delivery,
                items::price_fen,
            ))
            .first(&mut *conn)
            .optional()?;
        Ok(row.map(
            |(title, description, multi_quantity_delivery, price_fen)| ItemFacts {
                title,
                description,
                multi_quantity_delivery,
                price_fen,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("A_b%"), "%a\\_b\\%%");
        assert_eq!(like_pattern("会员"), "%会员%");
    }
}

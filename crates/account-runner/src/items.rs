//! The seller's items through mtop: the paged item list (spec §2.4.3) and the on-demand item
//! detail (§2.4.2). Storage is the caller's business.

use crate::error::{Result, RunnerError};
use crate::sender::AccountSender;
use goofish_protocol::mtop;
use serde_json::Value;
use std::time::Duration;
use xianyu_domain::delivery::ItemSnapshot;

/// Items per page, as the reference asks.
const PAGE_SIZE: u32 = 20;
/// Pause between pages (§2.4.3), so a sync looks like a person paging.
const PAGE_DELAY: Duration = Duration::from_secs(1);
/// Safety stop: 100 pages of 20 items.
const MAX_PAGES: u32 = 100;

/// What the item-detail API says about one item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDetail {
    /// The title.
    pub title: String,
    /// The seller's description.
    pub description: String,
    /// The price in fen, when it parsed.
    pub price_fen: Option<i64>,
    /// Whether the item has specs (SKUs).
    pub multi_spec: bool,
    /// `data` of the answer, as received.
    pub raw: Value,
}

impl AccountSender {
    /// Reads every page of the account's on-sale items.
    pub async fn fetch_items(&self) -> Result<Vec<ItemSnapshot>> {
        let unb = self.unb();
        let mut out: Vec<ItemSnapshot> = Vec::new();
        for page in 1..=MAX_PAGES {
            if page > 1 {
                tokio::time::sleep(PAGE_DELAY).await;
            }
            let data = self.mtop(&mtop::item_list(&unb, page, PAGE_SIZE)).await?;
            let parsed = mtop::parse_item_list(&data);
            let full = parsed.is_full(PAGE_SIZE);
            let before = out.len();
            for card in parsed.items {
                if out.iter().any(|i| i.item_id == card.item_id) {
                    continue;
                }
                out.push(ItemSnapshot {
                    item_id: card.item_id,
                    title: card.title,
                    price_fen: card.price_fen,
                    status: card.status,
                    pic_url: card.pic_url,
                });
            }
            // a full page of items already seen means the server repeats itself: stop
            if !full || out.len() == before {
                break;
            }
        }
        log::info!(target: "xianyu_runner::items", account = self.account.0; "{} items listed", out.len());
        Ok(out)
    }

    /// Reads one item's detail.
    pub async fn fetch_item_detail(&self, item_id: &str) -> Result<ItemDetail> {
        let data = self.mtop(&mtop::item_detail(item_id)).await?;
        let info = mtop::parse_item_detail(&data).ok_or_else(|| RunnerError::Mtop {
            code: "NO_ITEM_DETAIL".into(),
            message: "item detail answered without data.itemDO".into(),
        })?;
        Ok(ItemDetail {
            title: info.title,
            description: info.description,
            price_fen: info.price_fen,
            multi_spec: info.multi_spec,
            raw: data,
        })
    }
}

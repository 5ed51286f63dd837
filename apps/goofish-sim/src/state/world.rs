//! Operations on the world model used by the control API and by tests in-process.

use super::model::{
    Account, BargainState, Conversation, HistoryEntry, Item, Order, OrderStatus, SessionState, Sku,
};
use super::{Inner, SimState, rand_alnum, rand_hex};
use crate::error::ControlError;
use crate::push::{self, CardKind, CardOrder, ChatMsg};
use crate::state::session::ChatMeta;
use serde::Deserialize;
use serde_json::{Value, json};

/// How many messages an account's history keeps (the oldest quarter goes when full).
const HISTORY_LIMIT: usize = 4000;

/// Body of `POST /_sim/accounts`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewAccount {
    /// User id (digits); generated when absent.
    pub unb: Option<String>,
    /// Nick.
    pub nick: Option<String>,
    /// Create the cookie without `_m_h5_tk` (F2).
    #[serde(default)]
    pub without_m_h5_tk: bool,
}

/// Body of `POST /_sim/accounts/{unb}/items`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewItem {
    /// Title.
    pub title: String,
    /// Price in fen.
    pub price_fen: i64,
    /// Description.
    pub description: Option<String>,
    /// SKUs.
    #[serde(default)]
    pub skus: Vec<Sku>,
}

/// Image of a buyer message.
#[derive(Debug, Clone, Deserialize)]
pub struct ImageSpec {
    /// URL.
    pub url: String,
    /// Width.
    #[serde(default = "default_w")]
    pub width: i64,
    /// Height.
    #[serde(default = "default_h")]
    pub height: i64,
}

fn default_w() -> i64 {
    800
}

fn default_h() -> i64 {
    600
}

/// Body of `POST /_sim/accounts/{unb}/buyer-messages`.
#[derive(Debug, Clone, Deserialize)]
pub struct BuyerMessage {
    /// Buyer id; generated when absent.
    pub buyer_id: Option<String>,
    /// Buyer nick (default `测试买家`).
    pub buyer_name: Option<String>,
    /// Item id.
    pub item_id: String,
    /// Text.
    pub text: Option<String>,
    /// Image instead of text.
    pub image: Option<ImageSpec>,
}

/// Body of `POST /_sim/accounts/{unb}/orders`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewOrder {
    /// Item id.
    pub item_id: String,
    /// Buyer id; generated when absent.
    pub buyer_id: Option<String>,
    /// SKU `{name, value}`.
    pub sku: Option<Value>,
    /// Quantity (default 1).
    pub quantity: Option<i64>,
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl SimState {
    /// Creates an account; returns `(unb, cookie string)`.
    pub fn create_account(&self, req: NewAccount) -> Result<(String, String), ControlError> {
        let mut inner = self.lock();
        let unb = match req.unb {
            Some(u) if digits(&u) => u,
            Some(u) => {
                return Err(ControlError::bad_request(
                    "invalid_unb",
                    format!("unb must be digits, got {u:?}"),
                ));
            }
            None => loop {
                inner.next_unb += 1;
                let u = inner.next_unb.to_string();
                if !inner.accounts.contains_key(&u) {
                    break u;
                }
            },
        };
        if inner.accounts.contains_key(&unb) {
            return Err(ControlError::conflict(
                "account_exists",
                format!("account {unb} exists"),
            ));
        }
        let without = req.without_m_h5_tk || inner.create_without_m_h5_tk;
        let acc = self.new_account(&mut inner, &unb, req.nick, without);
        Ok((unb, acc))
    }

    /// Builds and inserts a fresh account; returns its cookie string.
    pub(crate) fn new_account(
        &self,
        inner: &mut Inner,
        unb: &str,
        nick: Option<String>,
        without_tk: bool,
    ) -> String {
        let now = self.now_ms();
        let mut acc = Account {
            unb: unb.to_string(),
            nick: nick.unwrap_or_else(|| format!("seller{}", &unb[unb.len().saturating_sub(4)..])),
            cookie2: rand_hex(32),
            t: rand_hex(32),
            sgcookie: format!("E100{}", rand_alnum(60)),
            cna: rand_alnum(24),
            m_h5_tk: None,
            m_h5_tk_enc: String::new(),
            session: SessionState::Ok,
            captcha_all: false,
            x5sec_clear: "ok".into(),
            items: Vec::new(),
            conversations: Vec::new(),
            sent: Vec::new(),
            faults: inner.template_faults.clone(),
            connection_attempts: 0,
            last_reg_at: None,
            backlog: Vec::new(),
            history: Vec::new(),
            push_seq: (now % 1_000_000) as u64,
            mtop_calls: Default::default(),
        };
        if !without_tk {
            self.rotate_m_h5_tk(&mut acc);
        }
        let cookie = acc.cookie_string();
        inner.accounts.insert(unb.to_string(), acc);
        cookie
    }

    /// State summary of an account.
    pub fn account_summary(&self, unb: &str) -> Option<Value> {
        let inner = self.lock();
        let acc = inner.accounts.get(unb)?;
        let live = inner
            .sessions
            .values()
            .filter(|s| !s.closed && s.registered && s.unb.as_deref() == Some(unb))
            .count();
        let tokens: Vec<Value> = inner
            .tokens
            .iter()
            .filter(|(_, t)| t.unb == unb)
            .map(|(k, t)| json!({"token": k, "did": t.did, "issued_at": t.issued_at, "expires_at": t.expires_at, "superseded": t.superseded}))
            .collect();
        Some(json!({
            "unb": acc.unb,
            "nick": acc.nick,
            "session_state": acc.session,
            "live_ws_sessions": live,
            "registered_tokens": tokens,
            "m_h5_tk_prefix": acc.m_h5_tk.as_ref().map(|(t, _)| t[..8].to_string()),
            "m_h5_tk": acc.m_h5_tk.as_ref().map(|(t, e)| format!("{t}_{e}")),
            "m_h5_tk_expires_at": acc.m_h5_tk.as_ref().map(|(_, e)| *e),
            "connection_attempts": acc.connection_attempts,
            "last_reg_at": acc.last_reg_at,
            "items": acc.items.len(),
            "conversations": acc.conversations,
            "mtop_calls": acc.mtop_calls,
            "faults": acc.faults,
            "cookie": acc.cookie_string(),
        }))
    }

    /// Adds an item; returns its 12-digit id.
    pub fn add_item(&self, unb: &str, req: NewItem) -> Result<String, ControlError> {
        if req.title.is_empty() || req.price_fen < 0 {
            return Err(ControlError::bad_request(
                "invalid_item",
                "title must be non-empty and price_fen >= 0",
            ));
        }
        let mut inner = self.lock();
        inner.next_item += 1;
        let id = inner.next_item.to_string();
        let acc = account_mut(&mut inner, unb)?;
        acc.items.push(Item {
            id: id.clone(),
            title: req.title,
            price_fen: req.price_fen,
            description: req.description.unwrap_or_default(),
            skus: req.skus,
        });
        Ok(id)
    }

    /// Finds or creates the conversation of (buyer, item); returns the cid.
    pub(crate) fn conversation_for(
        inner: &mut Inner,
        unb: &str,
        buyer: &str,
        buyer_name: Option<&str>,
        item: &str,
    ) -> Option<String> {
        let next = inner.next_cid + 1;
        let acc = inner.accounts.get_mut(unb)?;
        if let Some(c) = acc
            .conversations
            .iter_mut()
            .find(|c| c.buyer_id == buyer && c.item_id == item)
        {
            if let Some(n) = buyer_name {
                c.buyer_name = n.to_string();
            }
            return Some(c.cid.clone());
        }
        let cid = next.to_string();
        acc.conversations.push(Conversation {
            cid: cid.clone(),
            buyer_id: buyer.to_string(),
            buyer_name: buyer_name.unwrap_or("测试买家").to_string(),
            item_id: item.to_string(),
        });
        inner.next_cid = next;
        Some(cid)
    }

    fn next_buyer(inner: &mut Inner) -> String {
        inner.next_buyer += 1;
        inner.next_buyer.to_string()
    }

    /// Pushes a buyer message; returns `(cid, server message id)`.
    pub fn buyer_message(
        &self,
        unb: &str,
        req: BuyerMessage,
    ) -> Result<(String, String), ControlError> {
        let mut inner = self.lock();
        account_mut(&mut inner, unb)?;
        let buyer = match req.buyer_id {
            Some(b) if digits(&b) => b,
            Some(b) => {
                return Err(ControlError::bad_request(
                    "invalid_buyer_id",
                    format!("buyer_id must be digits, got {b:?}"),
                ));
            }
            None => Self::next_buyer(&mut inner),
        };
        let cid = Self::conversation_for(
            &mut inner,
            unb,
            &buyer,
            req.buyer_name.as_deref(),
            &req.item_id,
        )
        .ok_or_else(|| ControlError::not_found("account_not_found", unb))?;
        let name = inner
            .accounts
            .get(unb)
            .and_then(|a| a.conversation(&cid))
            .map(|c| c.buyer_name.clone())
            .unwrap_or_default();
        let pnm = Self::next_pnm(&mut inner);
        let now = self.now_ms();
        let mut msg = ChatMsg::text(
            &buyer,
            &cid,
            &pnm,
            now,
            req.text.as_deref().unwrap_or("在吗"),
            &name,
        );
        msg.item_id = req.item_id.clone();
        if let Some(img) = &req.image {
            if req.text.is_some() {
                return Err(ControlError::bad_request(
                    "invalid_message",
                    "give text or image, not both",
                ));
            }
            msg = msg.into_image(&img.url, img.width, img.height);
        }
        self.push_chat(&mut inner, unb, &msg);
        Ok((cid, pnm))
    }

    /// Keeps a chat message in the account's history (what the listing calls return).
    pub(crate) fn remember(inner: &mut Inner, unb: &str, msg: &ChatMsg) {
        if let Some(acc) = inner.accounts.get_mut(unb) {
            if acc.history.len() >= HISTORY_LIMIT {
                acc.history.drain(..HISTORY_LIMIT / 4);
            }
            // strictly increasing per account, so a time cursor never splits equal times
            let at = acc.history.last().map_or(msg.at, |h| msg.at.max(h.at + 1));
            acc.history.push(HistoryEntry {
                cid: msg.cid.clone(),
                at,
                payload: msg.to_map(),
            });
        }
    }

    /// Keeps one chat message (objectType 40000) in the history and pushes it to the account's
    /// live sessions. With none live, the IM does not push it later (spec §3.11): a client
    /// finds it through the listing calls.
    pub(crate) fn push_chat(&self, inner: &mut Inner, unb: &str, msg: &ChatMsg) -> usize {
        Self::remember(inner, unb, msg);
        let data = self.encode(&msg.to_map(), None);
        let meta = ChatMeta {
            pnm: msg.pnm.clone(),
            cid: msg.cid.clone(),
        };
        self.push_elements(
            inner,
            unb,
            "/s/sync",
            vec![push::element(40, 40000, data)],
            Some(meta),
        )
    }

    /// Creates an order and pushes the `[我已拍下，待付款]` card; returns `(order_id, cid)`.
    pub fn create_order(&self, unb: &str, req: NewOrder) -> Result<(String, String), ControlError> {
        let mut inner = self.lock();
        let acc = account_mut(&mut inner, unb)?;
        let item = acc.item(&req.item_id).cloned().ok_or_else(|| {
            ControlError::not_found("item_not_found", format!("item {} not found", req.item_id))
        })?;
        let quantity = req.quantity.unwrap_or(1);
        if quantity < 1 {
            return Err(ControlError::bad_request(
                "invalid_quantity",
                "quantity must be >= 1",
            ));
        }
        let buyer = match req.buyer_id {
            Some(b) if digits(&b) => b,
            Some(b) => {
                return Err(ControlError::bad_request(
                    "invalid_buyer_id",
                    format!("buyer_id must be digits, got {b:?}"),
                ));
            }
            None => Self::next_buyer(&mut inner),
        };
        let unit = req
            .sku
            .as_ref()
            .and_then(|s| {
                item.skus.iter().find(|k| {
                    Some(k.name.as_str()) == s.get("name").and_then(Value::as_str)
                        && Some(k.value.as_str()) == s.get("value").and_then(Value::as_str)
                })
            })
            .map(|k| k.price_fen)
            .unwrap_or(item.price_fen);
        let cid = Self::conversation_for(&mut inner, unb, &buyer, None, &item.id)
            .ok_or_else(|| ControlError::not_found("account_not_found", unb))?;
        inner.next_order += 1;
        let order_id = inner.next_order.to_string();
        let order = Order {
            order_id: order_id.clone(),
            unb: unb.to_string(),
            item_id: item.id.clone(),
            buyer_id: buyer,
            cid: cid.clone(),
            status: OrderStatus::WaitingPayment,
            bargain: BargainState::None,
            shipped: false,
            consign_calls: 0,
            free_shipping_calls: 0,
            free_shipping_data: Vec::new(),
            quantity,
            sku: req.sku,
            amount_fen: unit * quantity,
            created_at: self.now_ms(),
        };
        inner.orders.insert(order_id.clone(), order);
        self.push_card(&mut inner, &order_id, CardKind::Placed);
        Ok((order_id, cid))
    }

    /// Pushes a trade card for an order.
    pub(crate) fn push_card(
        &self,
        inner: &mut Inner,
        order_id: &str,
        kind: CardKind,
    ) -> Option<String> {
        let o = inner.orders.get(order_id)?.clone();
        let name = inner
            .accounts
            .get(&o.unb)
            .and_then(|a| a.conversation(&o.cid))
            .map(|c| c.buyer_name.clone())
            .unwrap_or_default();
        let pnm = Self::next_pnm(inner);
        let co = CardOrder {
            order_id: &o.order_id,
            item_id: &o.item_id,
            buyer_id: &o.buyer_id,
            buyer_name: &name,
            cid: &o.cid,
        };
        let msg = push::trade_card(kind, &co, &pnm, self.now_ms());
        self.push_chat(inner, &o.unb, &msg);
        Some(pnm)
    }

    /// Marks an order paid and pushes `[我已付款，等待你发货]`.
    pub fn pay_order(&self, order_id: &str) -> Result<Value, ControlError> {
        let mut inner = self.lock();
        let o = inner
            .orders
            .get_mut(order_id)
            .ok_or_else(|| ControlError::not_found("order_not_found", order_id))?;
        if o.status != OrderStatus::WaitingPayment {
            return Err(ControlError::conflict(
                "order_not_payable",
                format!("order status is {:?}", o.status),
            ));
        }
        o.status = OrderStatus::Paid;
        let pnm = self.push_card(&mut inner, order_id, CardKind::Paid);
        Ok(json!({"order_id": order_id, "status": "paid", "message_id": pnm}))
    }

    /// Marks an order as a pending bargain and pushes the `我已小刀，待刀成` card.
    pub fn bargain_order(&self, order_id: &str) -> Result<Value, ControlError> {
        let mut inner = self.lock();
        let o = inner
            .orders
            .get_mut(order_id)
            .ok_or_else(|| ControlError::not_found("order_not_found", order_id))?;
        if o.shipped {
            return Err(ControlError::conflict(
                "order_shipped",
                "order already shipped",
            ));
        }
        o.bargain = BargainState::Pending;
        let pnm = self.push_card(&mut inner, order_id, CardKind::Bargain);
        Ok(json!({"order_id": order_id, "bargain": "pending", "message_id": pnm}))
    }

    /// Order state as seen by tests.
    pub fn order_summary(&self, order_id: &str) -> Option<Value> {
        let inner = self.lock();
        let o = inner.orders.get(order_id)?;
        Some(json!({
            "order_id": o.order_id,
            "unb": o.unb,
            "item_id": o.item_id,
            "buyer_id": o.buyer_id,
            "cid": o.cid,
            "status": o.status,
            "bargain": o.bargain,
            "shipped": o.shipped,
            "consign_calls": o.consign_calls,
            "free_shipping_calls": o.free_shipping_calls,
            "free_shipping_data": o.free_shipping_data,
            "quantity": o.quantity,
            "sku": o.sku,
            "amount_fen": o.amount_fen,
        }))
    }

    /// Messages the client sent for an account.
    pub fn sent_messages(&self, unb: &str) -> Option<Vec<super::SentMessage>> {
        self.lock().accounts.get(unb).map(|a| a.sent.clone())
    }
}

/// Mutable account or a 404 control error.
pub(crate) fn account_mut<'a>(
    inner: &'a mut Inner,
    unb: &str,
) -> Result<&'a mut Account, ControlError> {
    inner.accounts.get_mut(unb).ok_or_else(|| {
        ControlError::not_found("account_not_found", format!("account {unb} not found"))
    })
}

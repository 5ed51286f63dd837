//! Plain data of the simulated world: accounts, items, orders, conversations, IM tokens.

use crate::faults::AccountFaults;
use serde::Serialize;
use serde_json::Value;

/// Login-session state of an account (spec §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Cookies are valid.
    Ok,
    /// Every mtop call answers `FAIL_SYS_SESSION_EXPIRED`.
    SessionExpired,
    /// mtop calls in scope answer the risk / captcha response.
    RiskRequired,
}

/// A SKU of an item.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Sku {
    /// Property name, e.g. `颜色`.
    pub name: String,
    /// Property value, e.g. `红色`.
    pub value: String,
    /// Price in fen.
    pub price_fen: i64,
    /// Stock.
    #[serde(default)]
    pub stock: i64,
}

/// An item of a seller.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// 12-digit item id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Price in fen.
    pub price_fen: i64,
    /// Description.
    pub description: String,
    /// SKUs.
    pub skus: Vec<Sku>,
}

/// Payment / shipping status of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed, waiting for the buyer to pay (`[我已拍下，待付款]`).
    WaitingPayment,
    /// Paid, waiting for the seller to ship.
    Paid,
    /// Shipped (`consign.dummy` succeeded).
    Shipped,
}

/// Bargain (小刀) state of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BargainState {
    /// Not a bargain order.
    None,
    /// `我已小刀，待刀成`.
    Pending,
    /// `已刀成` after `freeshipping`.
    Done,
}

/// An order.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    /// 19-digit order id.
    pub order_id: String,
    /// Seller.
    pub unb: String,
    /// Item id.
    pub item_id: String,
    /// Buyer user id.
    pub buyer_id: String,
    /// Conversation id (no suffix).
    pub cid: String,
    /// Status.
    pub status: OrderStatus,
    /// Bargain state.
    pub bargain: BargainState,
    /// Whether `consign.dummy` marked it shipped.
    pub shipped: bool,
    /// Number of `consign.dummy` calls received for this order.
    pub consign_calls: u32,
    /// Number of `freeshipping` calls received for this order.
    pub free_shipping_calls: u32,
    /// The exact `data` strings of the `freeshipping` calls.
    pub free_shipping_data: Vec<String>,
    /// Quantity bought.
    pub quantity: i64,
    /// SKU `{name, value}` when bought with one.
    pub sku: Option<Value>,
    /// Total amount in fen.
    pub amount_fen: i64,
    /// Creation time (ms).
    pub created_at: i64,
}

/// A conversation between the seller and a buyer about an item.
#[derive(Debug, Clone, Serialize)]
pub struct Conversation {
    /// cid without suffix.
    pub cid: String,
    /// Buyer user id.
    pub buyer_id: String,
    /// Buyer nick.
    pub buyer_name: String,
    /// Item id (may be empty).
    pub item_id: String,
}

/// A message the client sent through `sendByReceiverScope` and the server accepted.
#[derive(Debug, Clone, Serialize)]
pub struct SentMessage {
    /// cid without suffix.
    pub cid: String,
    /// Receiver user id (the buyer).
    pub to: String,
    /// `text` or `image`.
    pub kind: &'static str,
    /// Text content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Image content `{url,width,height}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Value>,
    /// Acceptance time (ms).
    pub at: i64,
    /// Server message id `<n>.PNM`.
    pub message_id: String,
    /// Frame mid of the send request.
    pub mid: String,
}

/// An IM access token (spec §8.1).
#[derive(Debug, Clone, Serialize)]
pub struct ImToken {
    /// Account.
    pub unb: String,
    /// Device id the token is bound to.
    pub did: String,
    /// Issue time (ms).
    pub issued_at: i64,
    /// Expiry (ms).
    pub expires_at: i64,
    /// Whether a newer token for the same (unb, did) exists.
    pub superseded: bool,
}

/// A message queued while no session of the account was live.
#[derive(Debug, Clone)]
pub struct Backlogged {
    /// Message time (ms).
    pub at: i64,
    /// lwp path.
    pub lwp: &'static str,
    /// `data[]` elements.
    pub elements: Vec<Value>,
}

/// One message of a conversation as the IM keeps it (listed by `listUserMessages`, spec §3.11).
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// Conversation id (no suffix).
    pub cid: String,
    /// Create time (ms).
    pub at: i64,
    /// The decoded push payload (§3.8 A) of the message.
    pub payload: Value,
}

/// A seller account.
#[derive(Debug, Clone)]
pub struct Account {
    /// User id.
    pub unb: String,
    /// Nick.
    pub nick: String,
    /// Login cookie `cookie2`.
    pub cookie2: String,
    /// Cookie `t`.
    pub t: String,
    /// Cookie `sgcookie`.
    pub sgcookie: String,
    /// Cookie `cna`.
    pub cna: String,
    /// Current `_m_h5_tk` token hex and expiry ms.
    pub m_h5_tk: Option<(String, i64)>,
    /// Current `_m_h5_tk_enc`.
    pub m_h5_tk_enc: String,
    /// Session state.
    pub session: SessionState,
    /// Captcha scope: true = all apis, false = token api only.
    pub captcha_all: bool,
    /// The `x5sec` value that clears the risk state.
    pub x5sec_clear: String,
    /// Items in insertion order.
    pub items: Vec<Item>,
    /// Conversations.
    pub conversations: Vec<Conversation>,
    /// Messages the client sent.
    pub sent: Vec<SentMessage>,
    /// Fault switches.
    pub faults: AccountFaults,
    /// WebSocket connection attempts carrying this account's cookie.
    pub connection_attempts: u64,
    /// Last successful `/reg` (ms).
    pub last_reg_at: Option<i64>,
    /// Messages pushed while offline.
    pub backlog: Vec<Backlogged>,
    /// Every chat message of the account's conversations, oldest first (bounded).
    pub history: Vec<HistoryEntry>,
    /// Push sequence counter.
    pub push_seq: u64,
    /// mtop calls answered, by api.
    pub mtop_calls: std::collections::BTreeMap<String, u64>,
}

impl Account {
    /// The nick as a cookie value: percent-encoded, as browsers store it (cookie headers are
    /// ASCII).
    pub fn tracknick(&self) -> String {
        url::form_urlencoded::byte_serialize(self.nick.as_bytes()).collect()
    }

    /// The login cookie string (with `_m_h5_tk` when present).
    pub fn cookie_string(&self) -> String {
        let mut parts = vec![
            format!("unb={}", self.unb),
            format!("cookie2={}", self.cookie2),
            format!("t={}", self.t),
            format!("sgcookie={}", self.sgcookie),
            format!("tracknick={}", self.tracknick()),
            format!("cna={}", self.cna),
        ];
        if let Some((tk, exp)) = &self.m_h5_tk {
            parts.push(format!("_m_h5_tk={tk}_{exp}"));
            parts.push(format!("_m_h5_tk_enc={}", self.m_h5_tk_enc));
        }
        parts.join("; ")
    }

    /// Login cookies as `(name, value)` pairs, without `_m_h5_tk`.
    pub fn login_cookie_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("unb", self.unb.clone()),
            ("cookie2", self.cookie2.clone()),
            ("t", self.t.clone()),
            ("sgcookie", self.sgcookie.clone()),
            ("tracknick", self.tracknick()),
            ("cna", self.cna.clone()),
        ]
    }

    /// Finds an item.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Finds a conversation by cid.
    pub fn conversation(&self, cid: &str) -> Option<&Conversation> {
        self.conversations.iter().find(|c| c.cid == cid)
    }
}

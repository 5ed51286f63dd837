//! Classification of decoded payloads into typed events (§3.8, shapes A–H).

mod chat;
mod order;
pub mod texts;

pub use order::extract_order_id;
pub use texts::OrderStatusText;

use crate::ids::strip_goofish;
use serde::Serialize;
use serde_json::Value;

/// What one decoded push payload means.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A chat message (buyer's, or the account's own / echo when `own`), §3.8 A.
    Chat(ChatMessage),
    /// An order card or order-status text, §3.8 B.
    TradeCard(TradeCard),
    /// A bargain card (`[卡片消息]` titled 我已小刀，待刀成), §3.8 step 11.
    BargainCard(TradeCard),
    /// A red-reminder update (`{"1":cid,"3":{"redReminder":…}}`), §3.8 C.
    RedReminder(RedReminder),
    /// A new-format card update (`"1"` string, `"4"` map), §3.8 D.
    CardUpdate(CardUpdate),
    /// Typing / conversation-state indicator (40006), §3.8 E.
    Typing {
        /// Conversation id without `@goofish`.
        cid: String,
        /// User id without `@goofish`.
        user_id: String,
    },
    /// Message status update (40103), §3.8 F.
    Status {
        /// Server message id `<n>.PNM`.
        message_id: String,
        /// Conversation id without `@goofish`.
        cid: String,
    },
    /// Plain-JSON session hint (`chatType`, vulcan) or `IDLE_SPACE_PRICING`, §3.7 / §3.8 H.
    SystemHint {
        /// `sessionId`, when present.
        cid: Option<String>,
        /// First `arouseChatScriptInfo[].chatScrip`, when present.
        text: Option<String>,
    },
    /// Marketing tip (`extJson.msgArg1 == "MsgTips"`), §3.8 G.
    MarketingTip {
        /// Conversation id without `@goofish`.
        cid: String,
        /// Display text.
        text: String,
    },
    /// Anything else.
    Unknown,
}

impl Event {
    /// The conversation id (without `@goofish`) the event belongs to, when it has one.
    pub fn cid(&self) -> Option<&str> {
        match self {
            Self::Chat(m) => Some(&m.cid),
            Self::TradeCard(c) | Self::BargainCard(c) => Some(&c.chat.cid),
            Self::RedReminder(r) => Some(&r.cid),
            Self::CardUpdate(u) => Some(&u.cid),
            Self::Typing { cid, .. }
            | Self::Status { cid, .. }
            | Self::MarketingTip { cid, .. } => Some(cid),
            Self::SystemHint { cid, .. } => cid.as_deref(),
            Self::Unknown => None,
        }
    }
}

/// The fields of a chat message (§3.8 A, step 7).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatMessage {
    /// Conversation id (`1.2` without `@goofish`).
    pub cid: String,
    /// Server message id (`1.3`, `<n>.PNM`).
    pub message_id: String,
    /// Business message id (`messageId` of `bizTag`, else `extJson`).
    pub biz_message_id: Option<String>,
    /// Sender user id (`1.10.senderUserId`, else `1.1.1` without `@goofish`).
    pub sender_id: String,
    /// Sender nick (`senderNick`, else `reminderTitle`).
    pub sender_name: Option<String>,
    /// Whether the sender is the account itself (`sender_id == own_unb`).
    pub own: bool,
    /// Item id from `reminderUrl` (`itemId=`), else `bizTag`/`extJson` `itemId`.
    pub item_id: Option<String>,
    /// Creation time (`1.5`, ms).
    pub created_at_ms: i64,
    /// Decoded content (`1.6.3`).
    pub content: ChatContent,
    /// Display text: `reminderContent`, else the decoded text, image URL or summary.
    pub text: String,
    /// `1.10.sessionType` (`"1"` person, `"30"` group).
    pub session_type: Option<String>,
    /// Whether this is a group message (`sessionType == "30"`).
    pub group: bool,
}

/// Decoded message content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatContent {
    /// Text (contentType 1).
    Text(String),
    /// Image (contentType 2), first picture.
    Image {
        /// Image URL.
        url: String,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A card (contentType 26 or any `dxCard`).
    Card {
        /// The content type.
        content_type: i64,
        /// `dxCard.item.main.exContent.title`.
        title: Option<String>,
    },
    /// Any other content type.
    Other {
        /// The content type (0 when absent).
        content_type: i64,
    },
}

/// An order card (§3.8 B).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TradeCard {
    /// The underlying chat message.
    pub chat: ChatMessage,
    /// Order id by the four rules of §3.8 B.
    pub order_id: Option<String>,
    /// Card title (`exContent.title`).
    pub title: Option<String>,
    /// Order state implied by the text or card.
    pub state: Option<OrderStatusText>,
}

/// A red-reminder update (§3.8 C).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedReminder {
    /// Conversation id without `@goofish`.
    pub cid: String,
    /// `redReminder`, e.g. 等待卖家发货.
    pub text: String,
    /// `"4"`, ms (0 when absent).
    pub at_ms: i64,
}

/// A new-format card update (§3.8 D).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardUpdate {
    /// Conversation id (`"2"` without `@goofish`).
    pub cid: String,
    /// `4.reminderContent` (else `4.redReminder`).
    pub text: String,
    /// `4.senderUserId`.
    pub sender_id: Option<String>,
    /// Order id found in the update.
    pub order_id: Option<String>,
    /// `itemId=` of `4.reminderUrl`.
    pub item_id: Option<String>,
    /// `"5"`, ms (0 when absent).
    pub at_ms: i64,
}

/// Integer of a JSON number or numeric string.
pub(crate) fn int_of(v: Option<&Value>) -> Option<i64> {
    let v = v?;
    v.as_i64()
        .or_else(|| v.as_u64().map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// String of a JSON string or number.
pub(crate) fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A JSON-in-a-string field parsed (or the value itself when it is already an object).
pub(crate) fn json_field(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::String(s) => serde_json::from_str::<Value>(s)
            .ok()
            .filter(Value::is_object),
        o @ Value::Object(_) => Some(o.clone()),
        _ => None,
    }
}

/// Value of query parameter `key` in a URL-like string.
pub(crate) fn query_param(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?').map_or(url, |(_, q)| q);
    query
        .split(['&', '#'])
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// Classifies one decoded payload (§3.8). `own_unb` is the account's user id.
pub fn classify(decoded: &Value, own_unb: &str) -> Event {
    if decoded.get("chatType").is_some()
        || decoded.get("bizType").and_then(Value::as_str) == Some("IDLE_SPACE_PRICING")
    {
        return system_hint(decoded);
    }
    match decoded.get("1") {
        Some(Value::Array(items)) => typing(items),
        Some(Value::String(head)) => string_head(decoded, head),
        Some(Value::Object(m)) => chat::classify_chat(decoded, m, own_unb),
        _ => Event::Unknown,
    }
}

fn system_hint(decoded: &Value) -> Event {
    let cid = str_of(decoded.get("sessionId")).map(|s| strip_goofish(&s).to_owned());
    let text = decoded
        .pointer("/operation/content/sessionArouse/arouseChatScriptInfo")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find_map(|i| str_of(i.get("chatScrip"))));
    Event::SystemHint { cid, text }
}

fn typing(items: &[Value]) -> Event {
    items
        .iter()
        .find_map(|el| {
            let cid = el.get("1").and_then(Value::as_str)?;
            let uid = el.get("4").and_then(Value::as_str).unwrap_or_default();
            Some(Event::Typing {
                cid: strip_goofish(cid).to_owned(),
                user_id: strip_goofish(uid).to_owned(),
            })
        })
        .unwrap_or(Event::Unknown)
}

fn string_head(decoded: &Value, head: &str) -> Event {
    if let Some(text) = decoded.pointer("/3/redReminder").and_then(Value::as_str) {
        return Event::RedReminder(RedReminder {
            cid: strip_goofish(head).to_owned(),
            text: text.to_owned(),
            at_ms: int_of(decoded.get("4")).unwrap_or(0),
        });
    }
    if let Some(ext) = decoded.get("4").filter(|v| v.is_object()) {
        let text = str_of(ext.get("reminderContent"))
            .or_else(|| str_of(ext.get("redReminder")))
            .unwrap_or_default();
        return Event::CardUpdate(CardUpdate {
            cid: str_of(decoded.get("2"))
                .map(|s| strip_goofish(&s).to_owned())
                .unwrap_or_default(),
            text,
            sender_id: str_of(ext.get("senderUserId")),
            order_id: order::extract_order_id(None, None, decoded),
            item_id: str_of(ext.get("reminderUrl")).and_then(|u| query_param(&u, "itemId")),
            at_ms: int_of(decoded.get("5")).unwrap_or(0),
        });
    }
    if head.ends_with(".PNM") {
        let cid = str_of(decoded.get("4")).unwrap_or_default();
        return Event::Status {
            message_id: head.to_owned(),
            cid: strip_goofish(&cid).to_owned(),
        };
    }
    Event::Unknown
}

/// Deduplication key (§3.8 step 3): `messageId` from `1.10.bizTag`, else `1.10.extJson`, else
/// `4.extJson`; else the server message id `1.3`.
pub fn dedupe_key(decoded: &Value) -> Option<String> {
    let message_id = |path: &str| {
        json_field(decoded.pointer(path))
            .and_then(|j| str_of(j.get("messageId")))
            .filter(|s| !s.is_empty())
    };
    message_id("/1/10/bizTag")
        .or_else(|| message_id("/1/10/extJson"))
        .or_else(|| message_id("/4/extJson"))
        .or_else(|| {
            decoded
                .pointer("/1/3")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .filter(|s| !s.is_empty())
}

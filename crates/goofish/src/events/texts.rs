//! Fixed message texts: system notices, payment triggers and order-status texts (§3.8 steps 9–13).

use serde::Serialize;

/// System texts \[old\] ignores by **exact** match (§3.8 step 9).
pub const OLD_SYSTEM_TEXTS: &[&str] = &[
    "[你关闭了订单，钱款已原路退返]",
    "[不想宝贝被砍价?设置不砍价回复  ]",
    "AI正在帮你回复消息，不错过每笔订单",
    "发来一条消息",
    "发来一条新消息",
    "[买家确认收货，交易成功]",
    "快给ta一个评价吧~",
    "快给ta一个评价吧～",
    "卖家人不错？送Ta闲鱼小红花",
    "[你已确认收货，交易成功]",
    "[你已发货]",
    "已发货",
];

/// System texts \[HEAD\] adds and ignores by **substring** match (§3.8 step 9).
pub const HEAD_SYSTEM_TEXTS: &[&str] = &[
    "你人真不错，送你闲鱼小红花",
    "买家已确认收货，交易成功",
    "[注意！小心假客服骗钱！]",
    "「我将「退货退款」修改为「退款」」",
    "订单已签收",
    "有蚂蚁森林能量可领",
    "[我完成了评价]",
    "我完成了评价",
    "[退款成功，钱款已原路退返]",
    "[买家申请退款]",
    "[卖家同意退款]",
    "温馨提醒：商品信息近期有过变更",
    "查看商品详情",
];

/// Union of [`OLD_SYSTEM_TEXTS`] and [`HEAD_SYSTEM_TEXTS`]: texts that are never auto-replied.
pub const SYSTEM_TEXTS: &[&str] = &[
    "[你关闭了订单，钱款已原路退返]",
    "[不想宝贝被砍价?设置不砍价回复  ]",
    "AI正在帮你回复消息，不错过每笔订单",
    "发来一条消息",
    "发来一条新消息",
    "[买家确认收货，交易成功]",
    "快给ta一个评价吧~",
    "快给ta一个评价吧～",
    "卖家人不错？送Ta闲鱼小红花",
    "[你已确认收货，交易成功]",
    "[你已发货]",
    "已发货",
    "你人真不错，送你闲鱼小红花",
    "买家已确认收货，交易成功",
    "[注意！小心假客服骗钱！]",
    "「我将「退货退款」修改为「退款」」",
    "订单已签收",
    "有蚂蚁森林能量可领",
    "[我完成了评价]",
    "我完成了评价",
    "[退款成功，钱款已原路退返]",
    "[买家申请退款]",
    "[卖家同意退款]",
    "温馨提醒：商品信息近期有过变更",
    "查看商品详情",
];

/// Auto-delivery triggers, matched as substrings and not subject to the chat pause (§3.8 step 10).
pub const PAYMENT_TRIGGERS: &[&str] = &[
    "[我已付款，等待你发货]",
    "[已付款，待发货]",
    "我已付款，等待你发货",
    "[记得及时发货]",
];

/// Card title of a bargain (小刀) order waiting for the seller (§2.4.5, §3.8 step 11).
pub const BARGAIN_TITLE: &str = "我已小刀，待刀成";

/// Summary text of generic cards, used with [`BARGAIN_TITLE`].
pub const CARD_MESSAGE_TEXT: &str = "[卡片消息]";

/// Whether `text` is a system notice: exact match of an \[old\] text or substring of a \[HEAD\] text.
pub fn is_system_text(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && (OLD_SYSTEM_TEXTS.contains(&text) || HEAD_SYSTEM_TEXTS.iter().any(|t| text.contains(t)))
}

/// Whether `text` contains an auto-delivery trigger.
pub fn is_payment_trigger(text: &str) -> bool {
    PAYMENT_TRIGGERS.iter().any(|t| text.contains(t))
}

/// Order state implied by a message text (local bookkeeping, §3.8 step 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatusText {
    /// Ordered, not paid (`processing`).
    Placed,
    /// Paid, waiting for shipment (`pending_ship`).
    Paid,
    /// Shipped.
    Shipped,
    /// Buyer confirmed receipt.
    Completed,
    /// Closed or refunded (`cancelled`).
    Closed,
    /// A refund is requested.
    Refunding,
    /// A refund request was withdrawn.
    RefundCancelled,
}

/// Exact texts of the order-status table of §3.8 step 13.
pub const ORDER_STATUS_TEXTS: &[(&str, OrderStatusText)] = &[
    ("[我已拍下，待付款]", OrderStatusText::Placed),
    ("[我已付款，等待你发货]", OrderStatusText::Paid),
    ("[买家已付款]", OrderStatusText::Paid),
    ("[付款完成]", OrderStatusText::Paid),
    ("[已付款，待发货]", OrderStatusText::Paid),
    ("[你已发货]", OrderStatusText::Shipped),
    ("[你已发货，请等待买家确认收货]", OrderStatusText::Shipped),
    ("[买家确认收货，交易成功]", OrderStatusText::Completed),
    ("[你已确认收货，交易成功]", OrderStatusText::Completed),
    ("[退款成功，钱款已原路退返]", OrderStatusText::Closed),
    ("[你关闭了订单，钱款已原路退返]", OrderStatusText::Closed),
    ("交易关闭", OrderStatusText::Closed),
];

/// Order state for `text`: exact table match, else `Paid` for any payment trigger.
pub fn order_status_for(text: &str) -> Option<OrderStatusText> {
    let text = text.trim();
    ORDER_STATUS_TEXTS
        .iter()
        .find(|(t, _)| *t == text)
        .map(|(_, s)| *s)
        .or_else(|| is_payment_trigger(text).then_some(OrderStatusText::Paid))
}

/// The refund text that means the money went back to the buyer (the status table above maps
/// it to `Closed`, like a closed order; the order workflow records it as refunded).
pub const REFUNDED_TEXT: &str = "[退款成功，钱款已原路退返]";

/// Whether a card or chat text says the order was refunded.
pub fn is_refunded(text: &str) -> bool {
    text.trim() == REFUNDED_TEXT
}

/// Red-reminder texts that tell an order's state (§3.8 steps 4–5); other reminders
/// (`[记得及时发货]`, …) say nothing about the state.
pub const RED_REMINDER_STATUS: &[(&str, OrderStatusText)] = &[
    ("等待卖家发货", OrderStatusText::Paid),
    ("交易关闭", OrderStatusText::Closed),
];

/// The order state a red reminder tells, if any.
pub fn red_reminder_status(text: &str) -> Option<OrderStatusText> {
    RED_REMINDER_STATUS
        .iter()
        .find(|(t, _)| *t == text.trim())
        .map(|(_, s)| *s)
}

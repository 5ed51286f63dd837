//! Builders for decoded push payloads (spec §3.6–§3.8) and `data[]` elements.

use serde_json::{Value, json};

/// The fields of one chat message (objectType 40000, spec §3.8 A).
#[derive(Debug, Clone)]
pub(crate) struct ChatMsg {
    /// Sender user id (digits).
    pub sender_id: String,
    /// Conversation id (no suffix).
    pub cid: String,
    /// Server id `<n>.PNM`.
    pub pnm: String,
    /// Create time ms.
    pub at: i64,
    /// `1.6.3.4` content type.
    pub content_type: i64,
    /// `1.6.3.2` summary.
    pub summary: String,
    /// `1.6.3.5` content JSON.
    pub content: Value,
    /// `1.10.reminderContent`.
    pub reminder_content: String,
    /// `1.10.reminderTitle`.
    pub reminder_title: String,
    /// `1.10.reminderNotice`.
    pub reminder_notice: String,
    /// `1.10.sessionType` (`"1"` person, `"30"` group).
    pub session_type: &'static str,
    /// Item id for `reminderUrl`.
    pub item_id: String,
    /// Peer user id for `reminderUrl` (the buyer from the seller's point of view).
    pub peer_id: String,
    /// 32-hex business message id.
    pub message_id: String,
    /// `3.needPush`.
    pub need_push: bool,
    /// `1.10.bizTag` JSON.
    pub biz_tag: Value,
    /// `1.10.extJson` JSON.
    pub ext_json: Value,
    /// Extra keys merged into `1.10` (e.g. `redReminder`).
    pub extra: serde_json::Map<String, Value>,
    /// Values of `1.7`, `1.8`, `1.9`, `1.12`.
    pub ints: [i64; 4],
}

/// Masked peer nick as in TV-M4 (`t***<last digit>`).
fn masked_nick(peer_id: &str) -> String {
    format!("t***{}", peer_id.chars().last().unwrap_or('0'))
}

/// `reminderUrl` of a chat message.
pub(crate) fn reminder_url(item_id: &str, peer_id: &str, cid: &str, message_id: &str) -> String {
    format!(
        "fleamarket://message_chat?itemId={item_id}&peerUserId={peer_id}&peerUserNick={}&sid={cid}&messageId={message_id}&adv=no",
        masked_nick(peer_id)
    )
}

/// Text content JSON (`1.6.3.5`, contentType 1).
pub(crate) fn text_content(text: &str) -> Value {
    json!({"atUsers": [], "contentType": 1, "text": {"text": text}})
}

/// Image content JSON (`1.6.3.5`, contentType 2).
pub(crate) fn image_content(url: &str, width: i64, height: i64) -> Value {
    json!({"contentType": 2, "image": {"pics": [{"height": height, "type": 0, "url": url, "width": width}]}})
}

impl ChatMsg {
    /// A plain text message with TV-M4 defaults.
    pub fn text(sender_id: &str, cid: &str, pnm: &str, at: i64, text: &str, title: &str) -> Self {
        let message_id = crate::state::rand_hex(32);
        Self {
            sender_id: sender_id.to_string(),
            cid: cid.to_string(),
            pnm: pnm.to_string(),
            at,
            content_type: 1,
            summary: text.to_string(),
            content: text_content(text),
            reminder_content: text.to_string(),
            reminder_title: title.to_string(),
            reminder_notice: "发来一条新消息".to_string(),
            session_type: "1",
            item_id: String::new(),
            peer_id: sender_id.to_string(),
            biz_tag: json!({"sourceId": "S:1", "messageId": message_id}),
            ext_json: json!({"quickReply": "1", "messageId": message_id, "tag": "u"}),
            message_id,
            need_push: true,
            extra: serde_json::Map::new(),
            ints: [2, 1, 0, 1],
        }
    }

    /// Turns the message into an image message.
    pub fn into_image(mut self, url: &str, width: i64, height: i64) -> Self {
        self.content_type = 2;
        self.summary = "[图片]".to_string();
        self.reminder_content = "[图片]".to_string();
        self.content = image_content(url, width, height);
        self
    }

    /// The decoded push map (string keys; decimal keys become msgpack ints on the wire).
    pub fn to_map(&self) -> Value {
        let mut ext = serde_json::Map::new();
        ext.insert("bizTag".into(), Value::String(self.biz_tag.to_string()));
        ext.insert(
            "detailNotice".into(),
            Value::String(self.reminder_content.clone()),
        );
        ext.insert("extJson".into(), Value::String(self.ext_json.to_string()));
        ext.insert(
            "reminderContent".into(),
            Value::String(self.reminder_content.clone()),
        );
        ext.insert(
            "reminderNotice".into(),
            Value::String(self.reminder_notice.clone()),
        );
        ext.insert(
            "reminderTitle".into(),
            Value::String(self.reminder_title.clone()),
        );
        ext.insert(
            "reminderUrl".into(),
            Value::String(reminder_url(
                &self.item_id,
                &self.peer_id,
                &self.cid,
                &self.message_id,
            )),
        );
        ext.insert("senderUserId".into(), Value::String(self.sender_id.clone()));
        ext.insert("senderUserType".into(), Value::String("0".into()));
        ext.insert(
            "sessionType".into(),
            Value::String(self.session_type.into()),
        );
        for (k, v) in &self.extra {
            ext.insert(k.clone(), v.clone());
        }
        json!({
            "1": {
                "1": {"1": format!("{}@goofish", self.sender_id)},
                "2": format!("{}@goofish", self.cid),
                "3": self.pnm,
                "4": 0,
                "5": self.at,
                "6": {"1": 101, "3": {
                    "1": "",
                    "2": self.summary,
                    "3": "",
                    "4": self.content_type,
                    "5": self.content.to_string(),
                }},
                "7": self.ints[0],
                "8": self.ints[1],
                "9": self.ints[2],
                "10": Value::Object(ext),
                "12": self.ints[3],
            },
            "3": {"needPush": if self.need_push { "true" } else { "false" }},
        })
    }
}

/// Which trade card to build (spec §3.8 B).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardKind {
    /// `[我已拍下，待付款]`.
    Placed,
    /// `[我已付款，等待你发货]`.
    Paid,
    /// `[卡片消息]` titled `我已小刀，待刀成`.
    Bargain,
}

/// Order facts a card needs.
#[derive(Debug, Clone)]
pub(crate) struct CardOrder<'a> {
    pub order_id: &'a str,
    pub item_id: &'a str,
    pub buyer_id: &'a str,
    pub buyer_name: &'a str,
    pub cid: &'a str,
}

/// A trade-card chat message (contentType 26).
pub(crate) fn trade_card(kind: CardKind, o: &CardOrder<'_>, pnm: &str, at: i64) -> ChatMsg {
    let id = o.order_id;
    let (summary, title, notice, red, task, key, button_text, button_url) = match kind {
        CardKind::Placed => (
            "[我已拍下，待付款]",
            "我已拍下，待付款",
            "买家已拍下，待付款",
            Some("等待买家付款"),
            "已拍下_未付款_卖家",
            "1_not_pay_seller",
            "修改价格",
            format!("fleamarket://adjust_price?flutter=true&bizOrderId={id}&orderId={id}"),
        ),
        CardKind::Paid => (
            "[我已付款，等待你发货]",
            "我已付款，等待你发货",
            "买家已付款，等待你发货",
            Some("等待卖家发货"),
            "已付款_待发货_卖家",
            "2_paid_seller",
            "去发货",
            format!("fleamarket://order_detail?orderId={id}&role=seller"),
        ),
        CardKind::Bargain => (
            "[卡片消息]",
            "我已小刀，待刀成",
            "买家已小刀，待刀成",
            None,
            "已小刀_待刀成_卖家",
            "1_bargain_seller",
            "去刀成",
            format!("fleamarket://bargain_detail?orderId={id}&role=seller"),
        ),
    };
    let content = json!({
        "contentType": 26,
        "dxCard": {"item": {"main": {
            "clickParam": {"arg1": "MsgCard", "args": {"orderId": id, "task_name": task}},
            "exContent": {
                "title": title,
                "desc": format!("订单号 {id}"),
                "button": {"text": button_text, "targetUrl": button_url},
            },
            "targetUrl": format!("fleamarket://order_detail?id={id}&role=seller"),
        }}},
        "template": {"name": "idlefish_message_trade_chat_card", "version": "1"},
    });
    let mut m = ChatMsg::text(o.buyer_id, o.cid, pnm, at, summary, o.buyer_name);
    m.content_type = 26;
    m.content = content;
    m.reminder_notice = notice.to_string();
    m.item_id = o.item_id.to_string();
    m.peer_id = o.buyer_id.to_string();
    m.biz_tag =
        json!({"sourceId": format!("C2C:{id}"), "taskName": task, "messageId": m.message_id});
    m.ext_json = json!({
        "msgArg1": "MsgCard",
        "updateKey": format!("{}:{id}:{key}", o.cid),
        "contentType": "26",
        "messageId": m.message_id,
    });
    if let Some(r) = red {
        m.extra
            .insert("redReminder".into(), Value::String(r.into()));
        m.extra
            .insert("redReminderStyle".into(), Value::String("1".into()));
    }
    m.ints = [1, 1, 0, 1];
    m
}

/// Red-reminder update (spec §3.8 C, TV-M1).
pub(crate) fn red_reminder(cid: &str, text: &str, at: i64) -> Value {
    json!({"1": format!("{cid}@goofish"), "2": 1, "3": {"redReminder": text, "redReminderStyle": "1"}, "4": at})
}

/// Card update in the "new format" (spec §3.8 D).
pub(crate) fn card_update(
    pnm: &str,
    cid: &str,
    text: &str,
    order: Option<&str>,
    item_id: &str,
    sender_id: &str,
    at: i64,
) -> Value {
    let message_id = crate::state::rand_hex(32);
    let mut ext = json!({"messageId": message_id, "msgArg1": "MsgCard"});
    if let Some(o) = order {
        ext["updateKey"] = Value::String(format!("{cid}:{o}:2_paid_seller"));
        ext["targetUrl"] = Value::String(format!("fleamarket://order_detail?id={o}&role=seller"));
    }
    json!({
        "1": pnm,
        "2": format!("{cid}@goofish"),
        "4": {
            "reminderContent": text,
            "senderUserId": sender_id,
            "reminderTitle": "交易消息",
            "reminderUrl": reminder_url(item_id, sender_id, cid, &message_id),
            "extJson": ext.to_string(),
            "redReminder": "等待卖家发货",
        },
        "5": at,
    })
}

/// Message status update (objectType 40103, spec §3.6).
pub(crate) fn status(pnm: &str, cid: &str, at: i64) -> Value {
    json!({"1": pnm, "2": 2, "3": 0, "4": format!("{cid}@goofish"), "5": 1, "6": at})
}

/// Typing / conversation-state indicator (objectType 40006, TV-M2).
pub(crate) fn typing(cid: &str, uid: &str) -> Value {
    json!({"1": [{"1": format!("{cid}@goofish"), "2": 1, "3": 1, "4": format!("{uid}@goofish")}]})
}

/// Vulcan "arouse" hint (bizType 370, plain JSON with `chatType`).
pub(crate) fn vulcan_hint(cid: &str, unb: &str, item_id: &str, text: &str) -> Value {
    json!({
        "chatType": 1,
        "incrementType": 1,
        "operation": {
            "content": {"contentType": 8, "sessionArouse": {"arouseChatScriptInfo": [{"chatScrip": text}]}},
            "sessionInfo": {"extensions": {"itemId": item_id, "itemTitle": "", "ownerUserId": unb}},
            "receiverIds": [format!("{unb}@goofish")],
        },
        "sessionId": cid,
    })
}

/// A `data[]` element.
pub(crate) fn element(biz_type: i64, object_type: i64, data: String) -> Value {
    json!({"bizType": biz_type, "data": data, "streamId": biz_type.to_string(), "objectType": object_type})
}

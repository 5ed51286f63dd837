//! The one place where a buyer message and what is known around it become the engine's
//! [`MessageContext`]: the live reply and the preview both decide through [`decide`], so they
//! cannot disagree about defaults (the buyer's name, the item's title and price, local time).

use goofish_protocol::events::texts;
use goofish_protocol::events::{ChatContent, ChatMessage};
use xianyu_domain::clock::local_time;
use xianyu_domain::delivery::ItemFacts;
use xianyu_domain::replies::{ChatMemory, Decision, MessageContext, RuleSet, format_price_fen};

/// How `{buyer_name}` renders when the message does not carry the buyer's nickname.
pub const DEFAULT_BUYER_NAME: &str = "买家";

/// A buyer message as the reply decision sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// What the buyer wrote.
    pub text: String,
    /// The buyer's Xianyu user id.
    pub buyer_id: String,
    /// The buyer's nickname, when the message carries it.
    pub buyer_name: Option<String>,
    /// The item the conversation is about, if any.
    pub item_id: Option<String>,
}

impl Incoming {
    /// A decoded chat message: its text content, or its display text for other content.
    pub fn from_chat(m: &ChatMessage) -> Self {
        let text = match &m.content {
            ChatContent::Text(t) => t.clone(),
            _ => m.text.clone(),
        };
        Self {
            text,
            buyer_id: m.sender_id.clone(),
            buyer_name: m.sender_name.clone(),
            item_id: m.item_id.clone(),
        }
    }
}

/// An account's rules, built once per change, with the remark `{account_remark}` renders.
#[derive(Debug)]
pub(crate) struct ReplySnapshot {
    /// The built rules.
    pub rules: RuleSet,
    /// The account's remark.
    pub remark: String,
}

/// What the chat and storage add to a message at decision time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Circumstances {
    /// The item's facts, when the message names a known item.
    pub item: Option<ItemFacts>,
    /// A manual-takeover pause is active in the chat.
    pub paused: bool,
    /// The chat's once-per-conversation memory and the buyer's last automatic reply.
    pub memory: ChatMemory,
    /// Now (epoch ms).
    pub now_ms: i64,
}

/// Decides what to answer to `msg` (pure).
pub(crate) fn decide(snapshot: &ReplySnapshot, msg: &Incoming, c: &Circumstances) -> Decision {
    let price = c
        .item
        .as_ref()
        .and_then(|i| i.price_fen)
        .map(format_price_fen);
    snapshot.rules.decide(&MessageContext {
        text: &msg.text,
        buyer_id: &msg.buyer_id,
        buyer_name: msg.buyer_name.as_deref().unwrap_or(DEFAULT_BUYER_NAME),
        item_id: msg.item_id.as_deref(),
        item_title: c
            .item
            .as_ref()
            .map(|i| i.title.as_str())
            .filter(|t| !t.is_empty()),
        item_price: price.as_deref(),
        account_remark: &snapshot.remark,
        now_local: local_time(c.now_ms).unwrap_or_default(),
        paused: c.paused,
        is_system_text: texts::is_system_text(&msg.text),
        once_used: &c.memory.once_used,
        last_auto_reply_to_buyer: c.memory.last_auto_reply_at_ms.and_then(local_time),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use xianyu_domain::replies::{DefaultReply, ReplyBody, ReplyConfig, ReplyOut};

    fn snapshot(template: &str) -> ReplySnapshot {
        let cfg = ReplyConfig {
            defaults: vec![DefaultReply {
                id: 1,
                item_id: None,
                reply: ReplyBody::text(template).unwrap(),
                once_per_conversation: false,
            }],
            remark: "一号店".into(),
            ..ReplyConfig::default()
        };
        ReplySnapshot {
            rules: cfg.build().unwrap(),
            remark: "一号店".into(),
        }
    }

    fn incoming(name: Option<&str>) -> Incoming {
        Incoming {
            text: "在吗".into(),
            buyer_id: "2200".into(),
            buyer_name: name.map(str::to_owned),
            item_id: Some("9001".into()),
        }
    }

    #[test]
    fn defaults_are_applied_once_for_everyone() {
        let s = snapshot("{buyer_name}，{item_title} {item_price}（{account_remark}）{time}");
        let c = Circumstances {
            item: Some(ItemFacts {
                title: "会员".into(),
                price_fen: Some(1990),
                ..ItemFacts::default()
            }),
            // 2026-11-26 00:00 UTC = 08:00 in Shanghai
            now_ms: 1_795_651_200_000,
            ..Circumstances::default()
        };
        let d = decide(&s, &incoming(None), &c);
        assert_eq!(
            d.reply,
            Some(ReplyOut::Text("买家，会员 ¥19.90（一号店）08:00".into()))
        );
        let d = decide(&s, &incoming(Some("小李")), &Circumstances::default());
        assert_eq!(
            d.reply,
            Some(ReplyOut::Text("小李， （一号店）08:00".into())),
            "unknown item: empty title and price; epoch 0 is 08:00 in Shanghai"
        );
    }

    #[test]
    fn a_pause_answers_nothing() {
        let s = snapshot("您好");
        let c = Circumstances {
            paused: true,
            ..Circumstances::default()
        };
        assert_eq!(decide(&s, &incoming(None), &c).reply, None);
    }
}

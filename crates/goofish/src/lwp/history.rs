//! The IM's listing calls (spec §3.11): the newest conversations and a conversation's messages,
//! used to catch up on what arrived while a client was not connected (the IM does not push it
//! again after a reconnect).
//!
//! Facts beyond §3.11 (from public clients of the same IM, marked \[infer\] where a shape is
//! assumed): a message model is `{"message":{cid, messageId, createAt, sender.uid, content:
//! {contentType:101, custom:{type, summary, data: base64(content JSON)}}, extension:{…the
//! `1.10` map…}}}`; pages are newest first; `hasMore` is `1`/`0` (or a bool); the cursor of
//! the next page is `nextCursor`. A conversation entry is
//! `{"singleChatUserConversation":{"singleChatConversation":{cid,…},"modifyTime":<ms>}}`
//! \[infer: `modifyTime` as the last activity].

use crate::ids::with_goofish;
use crate::json::q;
use base64::Engine;
use serde_json::{Value, json};

/// `/r/Conversation/listNewestPagination`.
pub const LWP_LIST_CONVERSATIONS: &str = "/r/Conversation/listNewestPagination";
/// `/r/MessageManager/listUserMessages`.
pub const LWP_LIST_MESSAGES: &str = "/r/MessageManager/listUserMessages";
/// The cursor of a first page (`2^53 - 1`, "newer than everything").
pub const FIRST_PAGE_CURSOR: i64 = 9_007_199_254_740_991;
/// The IM's rate-limit answer code (`body.code`, spec §3.11, F15).
pub const RATE_LIMIT_CODE: &str = "400600001";

/// `/r/Conversation/listNewestPagination` frame: body `[cursor, limit]`.
pub fn list_conversations(cursor: i64, limit: u32, mid: &str) -> String {
    format!(
        r#"{{"lwp":"{LWP_LIST_CONVERSATIONS}","headers":{{"mid":{}}},"body":[{cursor},{limit}]}}"#,
        q(mid)
    )
}

/// `/r/MessageManager/listUserMessages` frame: body `["<cid>@goofish", false, cursor, limit, false]`.
pub fn list_messages(cid: &str, cursor: i64, limit: u32, mid: &str) -> String {
    format!(
        r#"{{"lwp":"{LWP_LIST_MESSAGES}","headers":{{"mid":{}}},"body":[{},false,{cursor},{limit},false]}}"#,
        q(mid),
        q(&with_goofish(cid))
    )
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The entries, newest first.
    pub items: Vec<T>,
    /// Whether an older page exists.
    pub has_more: bool,
    /// The cursor of the older page, when the server gave one.
    pub next_cursor: Option<i64>,
}

/// What a listing call answered.
#[derive(Debug, Clone, PartialEq)]
pub enum ListAnswer<T> {
    /// A page.
    Page(Page<T>),
    /// `body.code == "400600001"`: back off 2/4/6 s and ask again.
    RateLimited,
    /// Any other answer (non-200 code, no list in the body).
    Failed(String),
}

/// A conversation of the newest-conversations list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationSummary {
    /// Conversation id without `@goofish`.
    pub cid: String,
    /// Last activity (ms), when the entry carries it.
    pub modified_at: Option<i64>,
}

fn int_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn page<T>(
    code: i64,
    body: Option<&Value>,
    key: &str,
    item: impl Fn(&Value) -> Option<T>,
) -> ListAnswer<T> {
    let Some(body) = body else {
        return ListAnswer::Failed(format!("code {code} without a body"));
    };
    // the code comes as a string; a number is read the same way
    if int_of(body.get("code")).map(|c| c.to_string()).as_deref() == Some(RATE_LIMIT_CODE) {
        return ListAnswer::RateLimited;
    }
    if code != 200 {
        let reason = body.get("reason").and_then(Value::as_str).unwrap_or("");
        return ListAnswer::Failed(format!("code {code}: {reason}"));
    }
    let Some(list) = body.get(key).and_then(Value::as_array) else {
        return ListAnswer::Failed(format!("answer without {key}"));
    };
    ListAnswer::Page(Page {
        items: list.iter().filter_map(item).collect(),
        has_more: int_of(body.get("hasMore")).is_some_and(|h| h == 1),
        next_cursor: int_of(body.get("nextCursor")),
    })
}

/// Reads the answer of [`list_conversations`].
pub fn conversation_page(code: i64, body: Option<&Value>) -> ListAnswer<ConversationSummary> {
    page(code, body, "userConvs", |entry| {
        let user = entry.get("singleChatUserConversation")?;
        let cid = user
            .pointer("/singleChatConversation/cid")
            .and_then(Value::as_str)?;
        Some(ConversationSummary {
            cid: crate::ids::strip_goofish(cid).to_owned(),
            modified_at: int_of(user.get("modifyTime")),
        })
    })
}

/// Reads the answer of [`list_messages`]: every model becomes a payload of the push shape
/// (§3.8 A), so one classification and one dedupe key serve pushes and listings alike.
pub fn message_page(code: i64, body: Option<&Value>) -> ListAnswer<Value> {
    page(code, body, "userMessageModels", history_to_payload)
}

/// A message model of a listing as the decoded push payload it stands for (§3.8 A): `1.1.1`
/// sender, `1.2` cid, `1.3` id, `1.5` time, `1.6.3.{2,4,5}` summary, type and content JSON,
/// `1.10` the extension map. `None` when the model has no message or no cid.
pub fn history_to_payload(model: &Value) -> Option<Value> {
    let m = model.get("message")?;
    let cid = m.get("cid").and_then(Value::as_str)?;
    let ext = m.get("extension").cloned().unwrap_or_else(|| json!({}));
    let sender = m
        .pointer("/sender/uid")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            ext.get("senderUserId")
                .and_then(Value::as_str)
                .map(with_goofish)
        })
        .unwrap_or_default();
    let custom = m.pointer("/content/custom");
    let content_json = custom
        .and_then(|c| c.get("data"))
        .and_then(Value::as_str)
        .and_then(|d| crate::payload::base64_lenient(d).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let content_type = serde_json::from_str::<Value>(&content_json)
        .ok()
        .and_then(|c| int_of(c.get("contentType")))
        .unwrap_or(0);
    let summary = custom
        .and_then(|c| c.get("summary"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some(json!({
        "1": {
            "1": {"1": sender},
            "2": with_goofish(cid),
            "3": m.get("messageId").cloned().unwrap_or(Value::Null),
            "4": 0,
            "5": int_of(m.get("createAt")).unwrap_or(0),
            "6": {"1": 101, "3": {"1": "", "2": summary, "3": "", "4": content_type, "5": content_json}},
            "10": ext,
        },
    }))
}

/// The message model a listing returns for a decoded push payload (the inverse of
/// [`history_to_payload`]; the simulator serves its history with it).
pub fn payload_to_history(payload: &Value) -> Option<Value> {
    let m = payload.get("1")?;
    let content = m
        .pointer("/6/3/5")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some(json!({"message": {
        "cid": m.get("2")?,
        "messageId": m.get("3").cloned().unwrap_or(Value::Null),
        "createAt": m.get("5").cloned().unwrap_or(Value::Null),
        "sender": {"uid": m.pointer("/1/1").cloned().unwrap_or(Value::Null)},
        "content": {"contentType": 101, "custom": {
            "type": 1,
            "summary": m.pointer("/6/3/2").cloned().unwrap_or(Value::Null),
            "data": base64::engine::general_purpose::STANDARD.encode(content),
        }},
        "extension": m.get("10").cloned().unwrap_or_else(|| json!({})),
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{self, Event};

    fn push_payload() -> Value {
        json!({"1": {
            "1": {"1": "2200@goofish"},
            "2": "55@goofish",
            "3": "7.PNM",
            "4": 0,
            "5": 1_700_000_000_000_i64,
            "6": {"1": 101, "3": {"1": "", "2": "在吗", "3": "", "4": 1, "5": r#"{"atUsers":[],"contentType":1,"text":{"text":"在吗"}}"#}},
            "10": {"reminderContent": "在吗", "reminderTitle": "买家", "senderUserId": "2200",
                   "sessionType": "1", "bizTag": r#"{"messageId":"abc"}"#,
                   "reminderUrl": "fleamarket://message_chat?itemId=9&peerUserId=2200&sid=55"},
        }, "3": {"needPush": "true"}})
    }

    #[test]
    fn frames_have_the_documented_bodies() {
        let f: Value = serde_json::from_str(&list_conversations(FIRST_PAGE_CURSOR, 20, "1 0"))
            .unwrap_or_default();
        assert_eq!(f["lwp"], LWP_LIST_CONVERSATIONS);
        assert_eq!(f["body"], json!([FIRST_PAGE_CURSOR, 20]));
        let f: Value =
            serde_json::from_str(&list_messages("55", 123, 20, "2 0")).unwrap_or_default();
        assert_eq!(f["body"], json!(["55@goofish", false, 123, 20, false]));
        assert_eq!(f["headers"]["mid"], "2 0");
    }

    #[test]
    fn a_listed_message_classifies_and_dedupes_like_its_push() {
        let push = push_payload();
        let model = payload_to_history(&push).unwrap_or_default();
        let back = history_to_payload(&model).unwrap_or_default();
        assert_eq!(events::dedupe_key(&back), events::dedupe_key(&push));
        let (a, b) = (events::classify(&push, "1"), events::classify(&back, "1"));
        let (Event::Chat(a), Event::Chat(b)) = (a, b) else {
            panic!("both are chats");
        };
        assert_eq!((a.cid, a.text, a.item_id), (b.cid, b.text, b.item_id));
        assert_eq!(a.created_at_ms, b.created_at_ms);
        assert_eq!(a.message_id, b.message_id);
    }

    #[test]
    fn pages_rate_limits_and_failures() {
        let body = json!({"hasMore": 1, "nextCursor": 99, "userConvs": [
            {"singleChatUserConversation": {"singleChatConversation": {"cid": "55@goofish"}, "modifyTime": 5}},
            {"other": 1},
        ]});
        let ListAnswer::Page(p) = conversation_page(200, Some(&body)) else {
            panic!("a page");
        };
        assert!(p.has_more);
        assert_eq!(p.next_cursor, Some(99));
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].cid, "55");
        assert_eq!(p.items[0].modified_at, Some(5));
        let limited = json!({"code": RATE_LIMIT_CODE});
        assert_eq!(message_page(200, Some(&limited)), ListAnswer::RateLimited);
        assert!(matches!(
            message_page(404, Some(&json!({"reason": "unknown lwp"}))),
            ListAnswer::Failed(_)
        ));
        assert!(matches!(message_page(200, None), ListAnswer::Failed(_)));
        let empty = json!({"hasMore": false, "userMessageModels": [{"nope": 1}]});
        let ListAnswer::Page(p) = message_page(200, Some(&empty)) else {
            panic!("a page");
        };
        assert!(p.items.is_empty() && !p.has_more);
    }
}

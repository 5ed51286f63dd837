//! The IM's listing calls (spec §3.11): newest conversations and a conversation's messages,
//! newest first, paged by a time cursor \[infer: the cursor is the time of the last entry of
//! the previous page, the next page holds what is strictly older].

use crate::faults::take;
use crate::state::{Inner, SimState};
use goofish_protocol::lwp::history::payload_to_history;
use serde_json::{Value, json};

/// Page size when the request names none (or zero).
const DEFAULT_LIMIT: usize = 20;
/// The largest page the simulator serves.
const MAX_LIMIT: usize = 100;

fn limit_of(v: Option<&Value>) -> usize {
    match v.and_then(Value::as_u64) {
        Some(0) | None => DEFAULT_LIMIT,
        Some(n) => usize::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT),
    }
}

fn cursor_of(v: Option<&Value>) -> i64 {
    v.and_then(Value::as_i64).unwrap_or(i64::MAX)
}

impl SimState {
    fn session_unb(inner: &Inner, conn: u64) -> String {
        inner
            .sessions
            .get(&conn)
            .and_then(|s| s.unb.clone())
            .unwrap_or_default()
    }

    /// Answers the F15 rate limit when it is armed; true when it did.
    fn rate_limited(&self, inner: &mut Inner, conn: u64, mid: &str, unb: &str) -> bool {
        let Some(acc) = inner.accounts.get_mut(unb) else {
            return false;
        };
        if !take(&mut acc.faults.rate_limit) {
            return false;
        }
        let b = json!({"code": "400600001"});
        self.reply(inner, conn, 200, mid, json!({}), Some(b));
        true
    }

    /// `/r/Conversation/listNewestPagination`, body `[cursor, limit]`.
    pub(super) fn on_list(&self, inner: &mut Inner, conn: u64, mid: &str, body: &Value) {
        let unb = Self::session_unb(inner, conn);
        if self.rate_limited(inner, conn, mid, &unb) {
            return;
        }
        let (cursor, limit) = (cursor_of(body.get(0)), limit_of(body.get(1)));
        let Some(acc) = inner.accounts.get(&unb) else {
            return;
        };
        let mut convs: Vec<(i64, Value)> = acc
            .conversations
            .iter()
            .map(|c| {
                let modified = acc
                    .history
                    .iter()
                    .rev()
                    .find(|h| h.cid == c.cid)
                    .map_or(0, |h| h.at);
                let entry = json!({"singleChatUserConversation": {
                    "singleChatConversation": {"cid": format!("{}@goofish", c.cid), "pairFirst": format!("{}@goofish", c.buyer_id), "pairSecond": format!("{unb}@goofish"), "bizType": "1", "extension": {"itemId": c.item_id}},
                    "modifyTime": modified,
                }});
                (modified, entry)
            })
            .filter(|(modified, _)| *modified < cursor)
            .collect();
        convs.sort_by_key(|c| std::cmp::Reverse(c.0));
        let has_more = convs.len() > limit;
        convs.truncate(limit);
        let next = convs.last().map_or(0, |c| c.0);
        let items: Vec<Value> = convs.into_iter().map(|c| c.1).collect();
        let b = json!({"hasMore": i32::from(has_more), "nextCursor": next, "userConvs": items});
        self.reply(inner, conn, 200, mid, json!({}), Some(b));
    }

    /// `/r/MessageManager/listUserMessages`, body `["<cid>@goofish", false, cursor, limit, false]`.
    pub(super) fn on_list_messages(&self, inner: &mut Inner, conn: u64, mid: &str, body: &Value) {
        let unb = Self::session_unb(inner, conn);
        if self.rate_limited(inner, conn, mid, &unb) {
            return;
        }
        let cid = body
            .get(0)
            .and_then(Value::as_str)
            .map(|c| c.strip_suffix("@goofish").unwrap_or(c).to_owned())
            .unwrap_or_default();
        let (cursor, limit) = (cursor_of(body.get(2)), limit_of(body.get(3)));
        let Some(acc) = inner.accounts.get(&unb) else {
            return;
        };
        if acc.conversation(&cid).is_none() {
            let b = json!({"reason": "conversation not found"});
            return self.reply(inner, conn, 404, mid, json!({}), Some(b));
        }
        let mut older: Vec<&crate::state::HistoryEntry> = acc
            .history
            .iter()
            .rev()
            .filter(|h| h.cid == cid && h.at < cursor)
            .collect();
        let has_more = older.len() > limit;
        older.truncate(limit);
        let next = older.last().map_or(0, |h| h.at);
        let models: Vec<Value> = older
            .iter()
            .filter_map(|h| payload_to_history(&h.payload))
            .collect();
        let b = json!({"hasMore": i32::from(has_more), "nextCursor": next, "userMessageModels": models});
        self.reply(inner, conn, 200, mid, json!({}), Some(b));
    }
}

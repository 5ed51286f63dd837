//! Tests of the reply engine: templates, validation, matching, precedence, properties.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gates_defaults;
mod matching;
mod precedence;
mod props;
mod template;
mod validation;

use super::*;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::HashSet;
use std::sync::LazyLock;

static NONE_USED: LazyLock<HashSet<i64>> = LazyLock::new(HashSet::new);

/// 2026-11-26 at `h:m` local time.
fn at(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 26)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn text(s: &str) -> ReplyBody {
    ReplyBody::text(s).unwrap()
}

/// A general `contains` rule with priority 0.
fn kw(id: i64, keywords: &[&str], reply: &str) -> KeywordRule {
    KeywordRule {
        id,
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        mode: MatchMode::Contains,
        item_id: None,
        reply: text(reply),
        priority: 0,
    }
}

fn default_reply(id: i64, item: Option<&str>, reply: &str, once: bool) -> DefaultReply {
    DefaultReply {
        id,
        item_id: item.map(str::to_owned),
        reply: text(reply),
        once_per_conversation: once,
    }
}

fn rules(keyword_rules: Vec<KeywordRule>) -> RuleSet {
    RuleSet::build(keyword_rules, vec![], vec![], ReplySettings::default()).unwrap()
}

/// A message from buyer 1001 ("Alice") at 12:00, no item, nothing paused.
fn ctx(text: &str) -> MessageContext<'_> {
    MessageContext {
        text,
        buyer_id: "1001",
        buyer_name: "Alice",
        item_id: None,
        item_title: None,
        item_price: None,
        account_remark: "main shop",
        now_local: at(12, 0),
        paused: false,
        is_system_text: false,
        once_used: &NONE_USED,
        last_auto_reply_to_buyer: None,
    }
}

fn reply_text(d: &Decision) -> Option<&str> {
    match &d.reply {
        Some(ReplyOut::Text(t)) => Some(t),
        _ => None,
    }
}

#[test]
fn rule_set_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RuleSet>();
    assert_send_sync::<Decision>();
}

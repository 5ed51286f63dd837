//! The reply decision engine: a [`RuleSet`] built once per rule change, asked once per message.

use super::decision::{Decision, Level, StepOutcome};
use super::error::ReplyError;
use super::matcher::{Entry, KeywordIndex};
use super::rules::{DefaultReply, ItemReply, KeywordRule, ReplySettings};
use super::trace::{Reason, Trace, reason};
use chrono::NaiveDateTime;
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

pub use super::matcher::fold;

/// Everything the engine needs to know about one buyer message. Times are the account's local
/// time, given by the caller: the engine reads no clock.
#[derive(Debug, Clone)]
pub struct MessageContext<'a> {
    /// The buyer's message as written.
    pub text: &'a str,
    /// The buyer's Xianyu user id.
    pub buyer_id: &'a str,
    /// The buyer's display name.
    pub buyer_name: &'a str,
    /// The item the conversation is about, if any.
    pub item_id: Option<&'a str>,
    /// The item's title, if known.
    pub item_title: Option<&'a str>,
    /// The item's display price (e.g. `¥19.90`, see `format_price_fen`), if known.
    pub item_price: Option<&'a str>,
    /// The seller's remark on the account.
    pub account_remark: &'a str,
    /// The current local time (for quiet hours, the minimum interval, `{date}` and `{time}`).
    pub now_local: NaiveDateTime,
    /// A manual-takeover pause is active for this chat.
    pub paused: bool,
    /// The protocol layer classified the text as a system notice or an ignored text.
    pub is_system_text: bool,
    /// Ids of once-per-conversation default replies already sent in this conversation.
    pub once_used: &'a HashSet<i64>,
    /// When this buyer last got an automatic reply from this account (local time).
    pub last_auto_reply_to_buyer: Option<NaiveDateTime>,
}

/// An account's reply rules, indexed for matching. Immutable; rebuild it when a rule changes.
#[derive(Debug, Default)]
pub struct RuleSet {
    keyword_rules: Vec<KeywordRule>,
    index: KeywordIndex,
    item_replies: HashMap<String, ItemReply>,
    item_defaults: HashMap<String, DefaultReply>,
    account_default: Option<DefaultReply>,
    settings: ReplySettings,
}

/// The ranking of a keyword match: priority, then matched length, then the lowest rule id.
type Rank = (i32, u32, Reverse<i64>);

impl RuleSet {
    /// Validates the rules and builds the matching automata (one Aho-Corasick automaton over the
    /// folded `contains` keywords, a hash map of folded `exact` keywords, one regex set).
    pub fn build(
        keyword_rules: Vec<KeywordRule>,
        item_replies: Vec<ItemReply>,
        default_replies: Vec<DefaultReply>,
        settings: ReplySettings,
    ) -> Result<Self, ReplyError> {
        settings.validate()?;
        let index = KeywordIndex::build(&keyword_rules)?;
        let mut by_item = HashMap::with_capacity(item_replies.len());
        for reply in item_replies {
            reply.validate().map_err(ReplyError::in_rule(reply.id))?;
            if by_item.contains_key(&reply.item_id) {
                return Err(ReplyError::DuplicateItemReply {
                    item_id: reply.item_id,
                });
            }
            by_item.insert(reply.item_id.clone(), reply);
        }
        let mut item_defaults = HashMap::new();
        let mut account_default = None;
        for reply in default_replies {
            reply.validate().map_err(ReplyError::in_rule(reply.id))?;
            let duplicate = match &reply.item_id {
                Some(item) => item_defaults.insert(item.clone(), reply.clone()).is_some(),
                None => account_default.replace(reply.clone()).is_some(),
            };
            if duplicate {
                return Err(ReplyError::DuplicateDefaultReply {
                    item_id: reply.item_id,
                });
            }
        }
        Ok(Self {
            keyword_rules,
            index,
            item_replies: by_item,
            item_defaults,
            account_default,
            settings,
        })
    }

    /// The account settings this set was built with.
    pub fn settings(&self) -> &ReplySettings {
        &self.settings
    }

    /// The keyword rules, in the order given to [`RuleSet::build`].
    pub fn keyword_rules(&self) -> &[KeywordRule] {
        &self.keyword_rules
    }

    /// Decides what to answer to one message, and explains why (see the module documentation
    /// for the precedence).
    pub fn decide(&self, ctx: &MessageContext<'_>) -> Decision {
        let mut t = Trace::default();
        if ctx.paused {
            return t.stop(
                Level::Paused,
                reason!(
                    "chat_paused",
                    "The seller took this chat over; automatic replies are paused."
                ),
            );
        }
        t.note(
            Level::Paused,
            StepOutcome::NoMatch,
            reason!("not_paused", "The chat is not paused."),
        );
        if self.settings.blacklist.contains(ctx.buyer_id) {
            return t.stop(
                Level::Blacklist,
                reason!(
                    "blacklisted",
                    "Buyer {buyer} is on the account's blacklist.",
                    buyer = ctx.buyer_id
                ),
            );
        }
        t.note(
            Level::Blacklist,
            StepOutcome::NoMatch,
            reason!("not_blacklisted", "The buyer is not on the blacklist."),
        );
        if ctx.is_system_text {
            return t.stop(
                Level::SystemText,
                reason!(
                    "system_text",
                    "The message is a system notice or an ignored text."
                ),
            );
        }
        t.note(
            Level::SystemText,
            StepOutcome::NoMatch,
            reason!("buyer_text", "The message is a buyer's text."),
        );
        if let Some(d) = self.gates(ctx, &mut t) {
            return d;
        }

        let Some(item) = ctx.item_id else {
            t.note(
                Level::ItemReply,
                StepOutcome::Skipped,
                reason!("no_item", "The conversation is not about an item."),
            );
            return self.keywords_and_defaults(ctx, None, t);
        };
        match self.item_replies.get(item) {
            Some(r) => {
                let reason = reason!(
                    "item_reply",
                    "Item {item} has an item-specific reply (rule {rule}).",
                    item = item,
                    rule = r.id,
                );
                return t.fire(Level::ItemReply, r.id, None, &r.reply, ctx, reason, None);
            }
            None => t.note(
                Level::ItemReply,
                StepOutcome::NoMatch,
                reason!(
                    "no_item_reply",
                    "Item {item} has no item-specific reply.",
                    item = item
                ),
            ),
        }
        self.keywords_and_defaults(ctx, Some(item), t)
    }

    /// Quiet hours and the minimum interval: they suppress automatic replies only, so they sit
    /// after the gates that say "this message is not for the bot" and before every rule.
    fn gates(&self, ctx: &MessageContext<'_>, t: &mut Trace) -> Option<Decision> {
        let now = ctx.now_local.time().format("%H:%M");
        match self.settings.quiet_hours {
            Some((start, end)) if start != end => {
                let window = format!("{}–{}", start.format("%H:%M"), end.format("%H:%M"));
                let window = window.as_str();
                if self.settings.is_quiet(ctx.now_local.time()) {
                    let reason = reason!(
                        "quiet_hours",
                        "It is {now}, inside the quiet hours {window}.",
                        now = now,
                        window = window,
                    );
                    return Some(std::mem::take(t).stop(Level::QuietHours, reason));
                }
                t.note(
                    Level::QuietHours,
                    StepOutcome::NoMatch,
                    reason!(
                        "outside_quiet_hours",
                        "It is {now}, outside the quiet hours {window}.",
                        now = now,
                        window = window,
                    ),
                );
            }
            _ => t.note(
                Level::QuietHours,
                StepOutcome::Skipped,
                reason!("no_quiet_hours", "No quiet hours are set."),
            ),
        }
        match (
            self.settings.min_interval_secs.filter(|&s| s > 0),
            ctx.last_auto_reply_to_buyer,
        ) {
            (None, _) => t.note(
                Level::MinInterval,
                StepOutcome::Skipped,
                reason!(
                    "no_min_interval",
                    "No minimum interval between automatic replies is set."
                ),
            ),
            (Some(_), None) => t.note(
                Level::MinInterval,
                StepOutcome::NoMatch,
                reason!("no_reply_yet", "The buyer has had no automatic reply yet."),
            ),
            (Some(min), Some(last)) => {
                let elapsed = (ctx.now_local - last).num_seconds();
                if elapsed < i64::from(min) {
                    let reason = reason!(
                        "too_soon",
                        "The buyer got an automatic reply {elapsed} s ago; the minimum interval is {min} s.",
                        elapsed = elapsed,
                        min = min,
                    );
                    return Some(std::mem::take(t).stop(Level::MinInterval, reason));
                }
                let reason = reason!(
                    "interval_passed",
                    "The last automatic reply to the buyer was {elapsed} s ago (minimum {min} s).",
                    elapsed = elapsed,
                    min = min,
                );
                t.note(Level::MinInterval, StepOutcome::NoMatch, reason);
            }
        }
        None
    }

    fn keywords_and_defaults(
        &self,
        ctx: &MessageContext<'_>,
        item: Option<&str>,
        mut t: Trace,
    ) -> Decision {
        let folded = fold(ctx.text);
        let (item_best, general_best) = self.best_matches(&folded, item);
        match (item, item_best) {
            (None, _) => t.note(
                Level::ItemKeyword,
                StepOutcome::Skipped,
                reason!("no_item", "The conversation is not about an item."),
            ),
            (Some(_), Some(entry)) => return self.fire_keyword(Level::ItemKeyword, entry, ctx, t),
            (Some(item), None) => t.note(
                Level::ItemKeyword,
                StepOutcome::NoMatch,
                reason!(
                    "no_item_keyword",
                    "No keyword rule of item {item} matched.",
                    item = item
                ),
            ),
        }
        match general_best {
            Some(entry) => return self.fire_keyword(Level::GeneralKeyword, entry, ctx, t),
            None => t.note(
                Level::GeneralKeyword,
                StepOutcome::NoMatch,
                reason!("no_general_keyword", "No general keyword rule matched."),
            ),
        }
        t.note(
            Level::Ai,
            StepOutcome::Skipped,
            reason!("ai_unavailable", "AI replies are not available yet."),
        );

        if let Some(item) = item {
            match self.item_defaults.get(item) {
                Some(d) if d.once_per_conversation && ctx.once_used.contains(&d.id) => {
                    let reason = reason!(
                        "item_default_used",
                        "The default reply of item {item} (rule {rule}) is once per \
                         conversation and was already sent.",
                        item = item,
                        rule = d.id,
                    );
                    t.note(Level::ItemDefault, StepOutcome::Skipped, reason);
                    t.note(
                        Level::AccountDefault,
                        StepOutcome::Skipped,
                        reason!(
                            "item_default_first",
                            "The item's own default reply takes precedence over the account default."
                        ),
                    );
                    return t.nothing();
                }
                Some(d) => {
                    return fire_default(
                        Level::ItemDefault,
                        d,
                        ctx,
                        t,
                        reason!(
                            "item_default",
                            "Item {item} has a default reply (rule {rule}).",
                            item = item,
                            rule = d.id,
                        ),
                    );
                }
                None => t.note(
                    Level::ItemDefault,
                    StepOutcome::NoMatch,
                    reason!(
                        "no_item_default",
                        "Item {item} has no default reply.",
                        item = item
                    ),
                ),
            }
        } else {
            t.note(
                Level::ItemDefault,
                StepOutcome::Skipped,
                reason!("no_item", "The conversation is not about an item."),
            );
        }
        match &self.account_default {
            Some(d) if d.once_per_conversation && ctx.once_used.contains(&d.id) => {
                let reason = reason!(
                    "account_default_used",
                    "The account default reply (rule {rule}) is once per conversation and \
                     was already sent.",
                    rule = d.id,
                );
                t.note(Level::AccountDefault, StepOutcome::Skipped, reason);
                t.nothing()
            }
            Some(d) => fire_default(
                Level::AccountDefault,
                d,
                ctx,
                t,
                reason!(
                    "account_default",
                    "The account has a default reply (rule {rule}).",
                    rule = d.id,
                ),
            ),
            None => {
                t.note(
                    Level::AccountDefault,
                    StepOutcome::NoMatch,
                    reason!("no_account_default", "The account has no default reply."),
                );
                t.nothing()
            }
        }
    }

    /// The best matching keyword of the item's rules and of the general rules.
    fn best_matches(&self, folded: &str, item: Option<&str>) -> (Option<Entry>, Option<Entry>) {
        // Some(true) = bound to the conversation's item, Some(false) = general, None = ignored.
        let scope = |e: Entry| -> Option<(bool, &KeywordRule)> {
            let rule = self.keyword_rules.get(e.rule as usize)?;
            match rule.item_id.as_deref() {
                None => Some((false, rule)),
                Some(bound) if Some(bound) == item => Some((true, rule)),
                Some(_) => None,
            }
        };
        let mut best: [Option<(Rank, Entry)>; 2] = [None, None];
        self.index.for_each_match(
            folded,
            |e| scope(e).is_some(),
            |e, len| {
                if let Some((is_item, rule)) = scope(e) {
                    let rank = (rule.priority, len, Reverse(rule.id));
                    let slot = &mut best[usize::from(is_item)];
                    if slot.as_ref().is_none_or(|(r, _)| rank > *r) {
                        *slot = Some((rank, e));
                    }
                }
            },
        );
        let [general, item_best] = best;
        (item_best.map(|(_, e)| e), general.map(|(_, e)| e))
    }

    fn fire_keyword(
        &self,
        level: Level,
        entry: Entry,
        ctx: &MessageContext<'_>,
        t: Trace,
    ) -> Decision {
        let Some(rule) = self.keyword_rules.get(entry.rule as usize) else {
            return t.nothing();
        };
        let keyword = rule.keywords.get(entry.keyword as usize).cloned();
        let reason = reason!(
            "keyword_matched",
            "Keyword {keyword:?} of rule {rule} matched ({mode} mode, priority {priority}).",
            keyword = keyword.as_deref().unwrap_or_default(),
            rule = rule.id,
            mode = rule.mode.as_str(),
            priority = rule.priority,
        );
        t.fire(level, rule.id, keyword, &rule.reply, ctx, reason, None)
    }
}

fn fire_default(
    level: Level,
    d: &DefaultReply,
    ctx: &MessageContext<'_>,
    t: Trace,
    reason: Reason,
) -> Decision {
    let once = d.once_per_conversation.then_some(d.id);
    t.fire(level, d.id, None, &d.reply, ctx, reason, once)
}

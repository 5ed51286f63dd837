//! What the engine decided for one message, and why: stored with every automatic reply and
//! returned by the preview endpoint.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// A level of the reply precedence, in the order the engine considers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The seller took the chat over by hand; automatic replies are paused.
    Paused,
    /// The buyer is on the account's blacklist.
    Blacklist,
    /// The message is a system notice or an ignored text, not a buyer's question.
    SystemText,
    /// The account's quiet hours are on.
    QuietHours,
    /// The buyer got an automatic reply less than the minimum interval ago.
    MinInterval,
    /// The item-specific reply of the conversation's item.
    ItemReply,
    /// Keyword rules bound to the conversation's item.
    ItemKeyword,
    /// Keyword rules bound to no item.
    GeneralKeyword,
    /// The AI reply (not available yet; always skipped).
    Ai,
    /// The default reply of the conversation's item.
    ItemDefault,
    /// The default reply of the account.
    AccountDefault,
}

impl Level {
    /// The kind of rule this level answers with, for counting: `item`, `keyword`, `ai`,
    /// `default`; `none` for the gates.
    pub fn source(self) -> &'static str {
        match self {
            Self::ItemReply => "item",
            Self::ItemKeyword | Self::GeneralKeyword => "keyword",
            Self::Ai => "ai",
            Self::ItemDefault | Self::AccountDefault => "default",
            _ => "none",
        }
    }

    /// Whether this level only suppresses replies (a gate) rather than answering (a rule).
    pub fn is_gate(self) -> bool {
        self <= Level::MinInterval
    }
}

/// What happened at one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    /// This level decided: a gate stopped automatic replies, or a rule answered (or stayed
    /// silent on purpose). No later level was considered.
    Fired,
    /// The level did not apply (no item in the conversation, nothing configured to check, a
    /// once-per-conversation reply already sent, a shadowed default, AI not available).
    Skipped,
    /// The level was checked and did not apply (gate not active, no rule matched).
    NoMatch,
}

/// One line of the explanation: a level, its outcome and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The level considered.
    pub level: Level,
    /// What happened there.
    pub outcome: StepOutcome,
    /// A short English sentence saying why.
    pub reason: String,
    /// The reason as a stable code (`keyword_matched`, `quiet_hours`, …) that a translated
    /// interface renders with [`Step::args`]; empty in decisions stored before codes existed.
    #[serde(default)]
    pub code: Cow<'static, str>,
    /// The values the reason names (`item`, `rule`, `keyword`, …; `then` = `silent` or
    /// `rendered_empty` when a fired rule sends nothing).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<Cow<'static, str>, String>,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {:?}: {}", self.level, self.outcome, self.reason)
    }
}

/// The rule that answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredRule {
    /// The level it belongs to.
    pub level: Level,
    /// The id of the keyword rule, item reply or default reply.
    pub rule_id: i64,
    /// The keyword (or regex pattern) that matched, as the seller wrote it.
    pub keyword: Option<String>,
}

/// The reply to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyOut {
    /// A rendered text.
    Text(String),
    /// An image.
    Image {
        /// The stored image's reference (path or URL).
        image_ref: String,
    },
}

/// The engine's decision for one buyer message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// What to send; `None` = send nothing (a gate stopped, a silent rule fired, or nothing
    /// matched).
    pub reply: Option<ReplyOut>,
    /// The rule that answered (also set for a silent rule; `None` for gates and no match).
    pub fired: Option<FiredRule>,
    /// The level that ended the evaluation (a gate or a rule); `None` when nothing applied.
    pub decided_by: Option<Level>,
    /// Every level considered, in order, with the reason for its outcome.
    pub steps: Vec<Step>,
    /// A once-per-conversation default reply that fired: the caller remembers its id for this
    /// conversation (and passes it in `once_used` from then on).
    pub remember_once: Option<i64>,
}

impl Decision {
    /// Which kind of rule answered, for counting: `item`, `keyword`, `ai`, `default`, or `none`
    /// (a gate stopped it, a silent rule fired, or nothing matched).
    pub fn source(&self) -> &'static str {
        match (&self.reply, self.decided_by) {
            (Some(_), Some(level)) => level.source(),
            _ => "none",
        }
    }

    /// The explanation as text, one step per line.
    pub fn explain(&self) -> String {
        self.steps
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

//! The reply engine: which automatic reply (if any) a buyer message gets, and why.
//!
//! Pure: the caller passes the rules, the chat state and the local time; nothing here reads a
//! clock, a database or the network. [`RuleSet::build`] validates an account's rules and builds
//! the matching automata once per rule change; [`RuleSet::decide`] answers one message in
//! microseconds, with an explanation of every level it considered.
//!
//! Precedence, first match wins (design.md §3; payment triggers are handled before this engine
//! by the delivery logic):
//!
//! 1. manual-takeover pause for the chat → nothing;
//! 2. buyer on the account's blacklist → nothing;
//! 3. system notice or ignored text (classified by the protocol crate) → nothing;
//! 4. quiet hours of the account → nothing;
//! 5. minimum interval since the last automatic reply to this buyer → nothing;
//! 6. item-specific reply of the conversation's item;
//! 7. keyword rules bound to the item, then 8. general keyword rules — among several matches of
//!    one level the highest priority wins, then the longest matched text, then the lowest rule
//!    id; a silent rule answers with nothing on purpose;
//! 9. AI (not available yet: always skipped);
//! 10. the item's default reply, else 11. the account's default reply; a once-per-conversation
//!     default answers once (the caller remembers [`Decision::remember_once`]). An item default
//!     shadows the account default even after it has been used up.
//!
//! Quiet hours and the minimum interval come after the "not for the bot" gates (1–3) and before
//! every rule: they suppress automatic replies only, and their step names the reason.

pub mod decision;
pub mod engine;
mod error;
mod matcher;
pub mod ports;
pub mod rules;
pub mod template;
mod trace;

pub use decision::{Decision, FiredRule, Level, ReplyOut, Step, StepOutcome};
pub use engine::{MessageContext, RuleSet, fold};
pub use error::ReplyError;
pub use ports::{ChatMemory, ReplyBook, ReplyConfig, ReplyRecord};
pub use rules::{
    DefaultReply, ItemReply, KeywordRule, MatchMode, REGEX_DFA_SIZE_LIMIT, REGEX_NEST_LIMIT,
    REGEX_SIZE_LIMIT, ReplyBody, ReplySettings, compile_regex,
};
pub use template::{Placeholder, Template, TemplateError, TemplateVars, format_price_fen};

#[cfg(test)]
mod tests;

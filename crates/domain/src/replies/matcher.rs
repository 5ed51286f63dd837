//! Text folding and the keyword index: built once per rule change, queried per message.

use super::error::ReplyError;
use super::rules::{
    KeywordRule, MatchMode, REGEX_DFA_SIZE_LIMIT, REGEX_NEST_LIMIT, REGEX_SIZE_LIMIT, compile_regex,
};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexSet, RegexSetBuilder};
use std::collections::HashMap;

/// Normalises text for matching: full-width ASCII (U+FF01–U+FF5E) to half-width, the
/// ideographic space (U+3000) to a space, lowercase (per character, no context rules), trimmed.
///
/// Idempotent: `fold(&fold(s)) == fold(s)`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match u32::from(c) {
            code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        };
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_owned()
    }
}

/// One keyword of one rule: indexes into the rule list and the rule's keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub rule: u32,
    pub keyword: u32,
}

/// Every keyword of an account's keyword rules, ready to match.
#[derive(Debug, Default)]
pub(crate) struct KeywordIndex {
    /// One automaton over the distinct folded keywords of all `contains` rules.
    contains: Option<AhoCorasick>,
    /// Per automaton pattern: its length in characters and the keywords folded to it.
    patterns: Vec<(u32, Vec<Entry>)>,
    /// Folded `exact` keywords.
    exact: HashMap<String, Vec<Entry>>,
    /// All regex keywords in one set (one pass finds which ones match), when it compiles.
    regex_set: Option<RegexSet>,
    /// The regex keywords one by one (to measure the match), in the set's order.
    regexes: Vec<(Regex, Entry)>,
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl KeywordIndex {
    /// Validates the rules and builds the automata.
    pub fn build(rules: &[KeywordRule]) -> Result<Self, ReplyError> {
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let mut pattern_texts: Vec<String> = Vec::new();
        let mut patterns: Vec<(u32, Vec<Entry>)> = Vec::new();
        let mut exact: HashMap<String, Vec<Entry>> = HashMap::new();
        let mut regexes: Vec<(Regex, Entry)> = Vec::new();
        let mut regex_sources: Vec<&str> = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            rule.validate_shape()
                .map_err(ReplyError::in_rule(rule.id))?;
            for (k, keyword) in rule.keywords.iter().enumerate() {
                let entry = Entry {
                    rule: index(r),
                    keyword: index(k),
                };
                match rule.mode {
                    MatchMode::Contains => {
                        let folded = fold(keyword);
                        let id = *pattern_ids.entry(folded.clone()).or_insert_with(|| {
                            patterns.push((index(folded.chars().count()), Vec::new()));
                            pattern_texts.push(folded);
                            patterns.len() - 1
                        });
                        patterns[id].1.push(entry);
                    }
                    MatchMode::Exact => exact.entry(fold(keyword)).or_default().push(entry),
                    MatchMode::Regex => {
                        let re = compile_regex(keyword).map_err(ReplyError::in_rule(rule.id))?;
                        regexes.push((re, entry));
                        regex_sources.push(keyword);
                    }
                }
            }
        }
        let contains = if pattern_texts.is_empty() {
            None
        } else {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&pattern_texts)
                .map_err(|_| ReplyError::RuleSetTooLarge)?;
            Some(ac)
        };
        let regex_set = if regex_sources.is_empty() {
            None
        } else {
            // Each pattern fits the per-pattern limits, so the set fits their sum; should it
            // still fail, matching falls back to the regexes one by one.
            RegexSetBuilder::new(&regex_sources)
                .case_insensitive(true)
                .size_limit(REGEX_SIZE_LIMIT.saturating_mul(regex_sources.len()))
                .dfa_size_limit(REGEX_DFA_SIZE_LIMIT.saturating_mul(2))
                .nest_limit(REGEX_NEST_LIMIT)
                .build()
                .ok()
        };
        Ok(Self {
            contains,
            patterns,
            exact,
            regex_set,
            regexes,
        })
    }

    /// Calls `visit(entry, matched_chars)` for every keyword found in the folded message.
    ///
    /// `wanted` filters regex keywords before their (costlier) match is measured.
    pub fn for_each_match(
        &self,
        folded: &str,
        wanted: impl Fn(Entry) -> bool,
        mut visit: impl FnMut(Entry, u32),
    ) {
        if let Some(ac) = &self.contains {
            for m in ac.find_overlapping_iter(folded) {
                if let Some((len, entries)) = self.patterns.get(m.pattern().as_usize()) {
                    for &entry in entries {
                        visit(entry, *len);
                    }
                }
            }
        }
        if let Some(entries) = self.exact.get(folded) {
            let len = index(folded.chars().count());
            for &entry in entries {
                visit(entry, len);
            }
        }
        let mut measure = |(re, entry): &(Regex, Entry)| {
            if wanted(*entry)
                && let Some(m) = re.find(folded)
            {
                visit(*entry, index(m.as_str().chars().count()));
            }
        };
        match &self.regex_set {
            Some(set) => set
                .matches(folded)
                .iter()
                .filter_map(|i| self.regexes.get(i))
                .for_each(&mut measure),
            None => self.regexes.iter().for_each(measure),
        }
    }
}

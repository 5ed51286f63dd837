//! The table is complete and consistent: unique codes, every validation code of the domain in
//! it, and `docs/API.md` in step.

use super::ErrorCode;
use std::collections::HashSet;
use xianyu_domain::DomainError;
use xianyu_domain::delivery::DeliveryError;
use xianyu_domain::replies::{ReplyError, TemplateError};

#[test]
fn codes_are_unique_snake_case_and_explained() {
    let mut seen = HashSet::new();
    for c in ErrorCode::ALL {
        let code = c.as_str();
        assert!(seen.insert(code), "{code} is twice in the table");
        assert!(
            code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{code} is not snake_case"
        );
        assert!(
            c.meaning().ends_with('.'),
            "{code}: meaning is one sentence"
        );
        assert_eq!(ErrorCode::from_code(code), Some(*c));
    }
}

/// One value of every variant of the error types the API turns into answers. The match below
/// is exhaustive on purpose: a new variant does not compile until it is listed here too.
fn domain_errors() -> Vec<(&'static str, String)> {
    let t = TemplateError::UnknownPlaceholder { name: "x".into() };
    let domain = [
        DomainError::InvalidUsername,
        DomainError::WeakPassword,
        DomainError::InvalidRole,
        DomainError::InvalidCookie,
        DomainError::CookieAccountMismatch {
            expected: "1".into(),
            found: "2".into(),
        },
        DomainError::InvalidPauseMinutes,
        DomainError::RemarkTooLong { max: 1 },
        DomainError::InvalidXianyuUserId,
    ];
    let reply = [
        ReplyError::NoKeywords,
        ReplyError::TooManyKeywords { max: 1 },
        ReplyError::EmptyKeyword,
        ReplyError::KeywordNotTrimmed {
            keyword: " a".into(),
        },
        ReplyError::KeywordTooLong { max: 1 },
        ReplyError::InvalidRegex {
            keyword: "(".into(),
            message: "x".into(),
        },
        ReplyError::RegexTooLarge {
            keyword: "a".into(),
        },
        ReplyError::EmptyItemId,
        ReplyError::EmptyImageRef,
        ReplyError::Template(TemplateError::UnbalancedBrace { position: 0 }),
        ReplyError::DuplicateItemReply {
            item_id: "1".into(),
        },
        ReplyError::DuplicateDefaultReply { item_id: None },
        ReplyError::InvalidQuietHours,
        ReplyError::RuleSetTooLarge,
        ReplyError::InRule {
            rule_id: 1,
            error: Box::new(ReplyError::Template(t.clone())),
        },
    ];
    let delivery = [
        DeliveryError::InvalidCardName,
        DeliveryError::InvalidCardText,
        DeliveryError::InvalidDelay,
        DeliveryError::InvalidUrl,
        DeliveryError::InvalidTimeout,
        DeliveryError::InvalidRetries,
        DeliveryError::InvalidHeader { name: "x".into() },
        DeliveryError::BodyWithGet,
        DeliveryError::ContentInBody,
        DeliveryError::MessageWithoutContent,
        DeliveryError::InvalidJsonPath { path: "x".into() },
        DeliveryError::InvalidImageRef,
        DeliveryError::Template(t),
        DeliveryError::InvalidUnits,
        DeliveryError::InvalidItemMatch,
        DeliveryError::InvalidSpec,
        DeliveryError::CardNotFound,
    ];
    for e in &domain {
        match e {
            DomainError::InvalidUsername
            | DomainError::WeakPassword
            | DomainError::InvalidRole
            | DomainError::InvalidCookie
            | DomainError::CookieAccountMismatch { .. }
            | DomainError::InvalidPauseMinutes
            | DomainError::RemarkTooLong { .. }
            | DomainError::InvalidXianyuUserId => {}
        }
    }
    for e in &reply {
        match e {
            ReplyError::NoKeywords
            | ReplyError::TooManyKeywords { .. }
            | ReplyError::EmptyKeyword
            | ReplyError::KeywordNotTrimmed { .. }
            | ReplyError::KeywordTooLong { .. }
            | ReplyError::InvalidRegex { .. }
            | ReplyError::RegexTooLarge { .. }
            | ReplyError::EmptyItemId
            | ReplyError::EmptyImageRef
            | ReplyError::Template(_)
            | ReplyError::DuplicateItemReply { .. }
            | ReplyError::DuplicateDefaultReply { .. }
            | ReplyError::InvalidQuietHours
            | ReplyError::RuleSetTooLarge
            | ReplyError::InRule { .. } => {}
        }
    }
    for e in &delivery {
        match e {
            DeliveryError::InvalidCardName
            | DeliveryError::InvalidCardText
            | DeliveryError::InvalidDelay
            | DeliveryError::InvalidUrl
            | DeliveryError::InvalidTimeout
            | DeliveryError::InvalidRetries
            | DeliveryError::InvalidHeader { .. }
            | DeliveryError::BodyWithGet
            | DeliveryError::ContentInBody
            | DeliveryError::MessageWithoutContent
            | DeliveryError::InvalidJsonPath { .. }
            | DeliveryError::InvalidImageRef
            | DeliveryError::Template(_)
            | DeliveryError::InvalidUnits
            | DeliveryError::InvalidItemMatch
            | DeliveryError::InvalidSpec
            | DeliveryError::CardNotFound => {}
        }
    }
    let mut out: Vec<(&'static str, String)> = Vec::new();
    out.extend(domain.iter().map(|e| (e.code(), e.to_string())));
    out.extend(reply.iter().map(|e| (e.code(), e.to_string())));
    out.extend(delivery.iter().map(|e| (e.code(), e.to_string())));
    out
}

#[test]
fn every_validation_code_of_the_domain_is_in_the_table() {
    for (code, message) in domain_errors() {
        assert!(
            ErrorCode::from_code(code).is_some(),
            "{code} ({message}) is missing from the ErrorCode table"
        );
    }
}

#[test]
fn api_md_holds_the_generated_table() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/API.md"))
        .expect("docs/API.md");
    let (start, end) = ("<!-- error-codes:start -->\n", "<!-- error-codes:end -->");
    let section = doc
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(table, _)| table)
        .expect("docs/API.md has the error-codes markers");
    assert_eq!(
        section,
        ErrorCode::markdown_table(),
        "docs/API.md's error table is stale: run scripts/update-error-codes.sh"
    );
}

/// The dashboard's strings, flattened to `a.b.c` keys.
fn dashboard_strings(lang: &str) -> std::collections::BTreeMap<String, String> {
    fn flatten(
        lang: &str,
        prefix: &str,
        v: &serde_json::Value,
        out: &mut std::collections::BTreeMap<String, String>,
    ) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(lang, &key, v, out);
                }
            }
            serde_json::Value::String(s) => {
                out.insert(prefix.to_owned(), s.clone());
            }
            other => panic!("{lang}: {prefix} is {other}, not a string"),
        }
    }
    let path = format!("{}/../../web/i18n/{lang}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = std::collections::BTreeMap::new();
    flatten(lang, "", &json, &mut out);
    out
}

#[test]
fn the_dashboard_translates_every_code_in_both_languages() {
    let zh = dashboard_strings("zh-CN");
    let en = dashboard_strings("en");
    let only = |a: &std::collections::BTreeMap<String, String>,
                b: &std::collections::BTreeMap<String, String>| {
        a.keys()
            .filter(|k| !b.contains_key(*k))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(
        only(&zh, &en).is_empty(),
        "only in zh-CN.json: {:?}",
        only(&zh, &en)
    );
    assert!(
        only(&en, &zh).is_empty(),
        "only in en.json: {:?}",
        only(&en, &zh)
    );
    for (key, text) in zh.iter().chain(&en) {
        assert!(!text.trim().is_empty(), "{key} is empty");
    }
    for c in ErrorCode::ALL {
        let key = format!("errors.{}", c.as_str());
        assert!(
            zh.contains_key(&key),
            "{key} missing from web/i18n/zh-CN.json"
        );
        assert!(en.contains_key(&key), "{key} missing from web/i18n/en.json");
    }
}

/// The reason codes of the reply engine's `reason!` calls with the names of their values.
fn reply_reason_codes() -> Vec<(String, Vec<String>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../domain/src/replies/engine.rs"
    );
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    for (at, _) in src.match_indices("reason!(") {
        let body = &src[at + "reason!(".len()..];
        // the macro call, up to its balanced closing parenthesis
        let mut depth = 1;
        let end = body
            .char_indices()
            .find(|&(_, ch)| {
                depth += match ch {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map_or(body.len(), |(i, _)| i);
        let call = &body[..end];
        let code = call
            .trim_start()
            .strip_prefix('"')
            .and_then(|c| c.split('"').next())
            .unwrap_or_else(|| panic!("a reason! call starts with its code: {call}"));
        let names = call
            .split(',')
            .filter_map(|arg| arg.trim().split_once(" = ").map(|(n, _)| n.to_owned()))
            .collect();
        out.push((code.to_owned(), names));
    }
    out
}

#[test]
fn the_dashboard_translates_every_reply_reason() {
    let codes = reply_reason_codes();
    assert!(
        codes.len() > 20,
        "the engine's reasons were found: {codes:?}"
    );
    for lang in ["zh-CN", "en"] {
        let strings = dashboard_strings(lang);
        let keys = codes
            .iter()
            .map(|(c, names)| (format!("step_reason.{c}"), names.clone()))
            .chain(["silent", "rendered_empty"].map(|t| (format!("step_reason.then_{t}"), vec![])));
        for (key, names) in keys {
            let text = strings
                .get(&key)
                .unwrap_or_else(|| panic!("{key} missing from web/i18n/{lang}.json"));
            for placeholder in text.split('{').skip(1).filter_map(|p| p.split('}').next()) {
                assert!(
                    names.iter().any(|n| n == placeholder),
                    "{lang}: {key} names {{{placeholder}}}, which the engine does not give ({names:?})"
                );
            }
        }
    }
}

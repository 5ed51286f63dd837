use super::*;

fn regex_rule(pattern: &str) -> KeywordRule {
    KeywordRule {
        mode: MatchMode::Regex,
        ..kw(1, &[pattern], "ok")
    }
}

#[test]
fn keyword_rules_need_keywords_within_limits() {
    assert!(kw(1, &["包邮"], "是的").validate().is_ok());
    assert_eq!(kw(1, &[], "x").validate(), Err(ReplyError::NoKeywords));
    let many: Vec<String> = (0..201).map(|i| format!("k{i}")).collect();
    let many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        kw(1, &many_refs, "x").validate().unwrap_err().code(),
        "too_many_keywords"
    );
    assert!(kw(1, &many_refs[..200], "x").validate().is_ok());
    assert_eq!(kw(1, &[""], "x").validate(), Err(ReplyError::EmptyKeyword));
    assert_eq!(
        kw(1, &["\u{3000}"], "x").validate(),
        Err(ReplyError::EmptyKeyword)
    );
    assert_eq!(
        kw(1, &[" a"], "x").validate().unwrap_err().code(),
        "keyword_not_trimmed"
    );
    let hundred = "价".repeat(100);
    assert!(kw(1, &[&hundred], "x").validate().is_ok());
    let long = "价".repeat(101);
    assert_eq!(
        kw(1, &[&long], "x").validate().unwrap_err().code(),
        "keyword_too_long"
    );
    let bound = KeywordRule {
        item_id: Some(" ".into()),
        ..kw(1, &["a"], "x")
    };
    assert_eq!(bound.validate(), Err(ReplyError::EmptyItemId));
    let image = KeywordRule {
        reply: ReplyBody::Image {
            image_ref: String::new(),
        },
        ..kw(1, &["a"], "x")
    };
    assert_eq!(image.validate().unwrap_err().code(), "empty_image_ref");
}

#[test]
fn normalized_trims_and_dedupes() {
    let rule = kw(1, &[" 包邮 ", "包邮", "", "  ", "价格"], "x")
        .normalized()
        .unwrap();
    assert_eq!(rule.keywords, vec!["包邮", "价格"]);
    assert_eq!(
        kw(1, &["  "], "x").normalized(),
        Err(ReplyError::NoKeywords)
    );
}

#[test]
fn regexes_are_validated_and_bounded() {
    assert!(regex_rule(r"价格|多少钱").validate().is_ok());
    // Catastrophic for backtracking engines, harmless for the linear-time regex crate.
    assert!(regex_rule(r"(a+)+$").validate().is_ok());
    let e = regex_rule("(unclosed").validate().unwrap_err();
    assert_eq!(e.code(), "invalid_regex");
    assert!(matches!(e, ReplyError::InvalidRegex { ref keyword, .. } if keyword == "(unclosed"));
    for hostile in ["a{100000}{100000}", r"(\w{100}){100}", r"\p{L}{1000}"] {
        let e = regex_rule(hostile).validate().unwrap_err();
        assert_eq!(e.code(), "regex_too_large", "{hostile}: {e}");
    }
    let nested = format!("{}a{}", "(".repeat(40), ")".repeat(40));
    assert_eq!(
        regex_rule(&nested).validate().unwrap_err().code(),
        "invalid_regex"
    );
}

#[test]
fn build_rejects_invalid_rules_naming_the_rule() {
    let bad = KeywordRule {
        id: 42,
        ..regex_rule("a{100000}{100000}")
    };
    let e = RuleSet::build(vec![bad], vec![], vec![], ReplySettings::default()).unwrap_err();
    assert_eq!(e.code(), "regex_too_large");
    assert!(matches!(e, ReplyError::InRule { rule_id: 42, .. }));
    assert!(e.to_string().starts_with("rule 42: "), "{e}");
    let e = RuleSet::build(
        vec![kw(7, &[], "x")],
        vec![],
        vec![],
        ReplySettings::default(),
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (
            "no_keywords",
            "rule 7: a keyword rule needs at least one keyword"
        )
    );
}

#[test]
fn build_rejects_duplicates_and_bad_settings() {
    let item_reply = |id| ItemReply {
        id,
        item_id: "9".into(),
        reply: text("x"),
    };
    let e = RuleSet::build(
        vec![],
        vec![item_reply(1), item_reply(2)],
        vec![],
        ReplySettings::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "duplicate_item_reply");
    let e = RuleSet::build(
        vec![],
        vec![],
        vec![
            default_reply(1, None, "a", false),
            default_reply(2, None, "b", true),
        ],
        ReplySettings::default(),
    )
    .unwrap_err();
    assert_eq!(e, ReplyError::DuplicateDefaultReply { item_id: None });
    let e = RuleSet::build(
        vec![],
        vec![],
        vec![
            default_reply(1, Some("9"), "a", false),
            default_reply(2, Some("9"), "b", true),
        ],
        ReplySettings::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "duplicate_default_reply");
    let settings = ReplySettings {
        quiet_hours: Some((hm(8, 0), hm(8, 0))),
        ..Default::default()
    };
    assert_eq!(settings.validate(), Err(ReplyError::InvalidQuietHours));
    let e = RuleSet::build(vec![], vec![], vec![], settings).unwrap_err();
    assert_eq!(e.code(), "invalid_quiet_hours");
    let e = RuleSet::build(
        vec![],
        vec![ItemReply {
            id: 3,
            item_id: String::new(),
            reply: text("x"),
        }],
        vec![],
        ReplySettings::default(),
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), matches!(e, ReplyError::InRule { rule_id: 3, .. })),
        ("empty_item_id", true)
    );
}

#[test]
fn error_codes_are_stable_snake_case() {
    let errors = [
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
        ReplyError::DuplicateDefaultReply {
            item_id: Some("1".into()),
        },
        ReplyError::InvalidQuietHours,
        ReplyError::RuleSetTooLarge,
    ];
    let codes: Vec<&str> = errors.iter().map(ReplyError::code).collect();
    assert_eq!(
        codes,
        [
            "no_keywords",
            "too_many_keywords",
            "empty_keyword",
            "keyword_not_trimmed",
            "keyword_too_long",
            "invalid_regex",
            "regex_too_large",
            "empty_item_id",
            "empty_image_ref",
            "unbalanced_brace",
            "duplicate_item_reply",
            "duplicate_default_reply",
            "invalid_quiet_hours",
            "rule_set_too_large",
        ]
    );
    let from_template: ReplyError = TemplateError::UnknownPlaceholder { name: "x".into() }.into();
    assert_eq!(from_template.code(), "unknown_placeholder");
}

//! Properties: folding is idempotent, deciding never panics.
use super::*;
use proptest::prelude::*;

/// Text mixing ASCII, full-width forms, CJK, the ideographic space and arbitrary characters.
fn mixed_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<char>(),
            prop::char::range('\u{FF01}', '\u{FF5E}'),
            prop::char::range('\u{4E00}', '\u{4E20}'),
            Just('\u{3000}'),
            prop::char::range('A', 'z'),
            Just('İ'),
            Just('Σ'),
        ],
        0..80,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn mixed_rules() -> RuleSet {
    let regex = KeywordRule {
        mode: MatchMode::Regex,
        ..kw(3, &[r"^\d+$", r"(a+)+$", "价格|多少"], "regex {message}")
    };
    let exact = KeywordRule {
        mode: MatchMode::Exact,
        ..kw(4, &["ok", "好"], "exact")
    };
    let item = KeywordRule {
        item_id: Some("i1".into()),
        priority: 3,
        ..kw(5, &["Ａ", "一"], "{item_title}")
    };
    RuleSet::build(
        vec![
            kw(1, &["包邮", "ABC", "ｘｙ"], "{buyer_name} {{ok}}"),
            kw(2, &["a"], ""),
            regex,
            exact,
            item,
        ],
        vec![ItemReply {
            id: 6,
            item_id: "i2".into(),
            reply: text("{item_price}"),
        }],
        vec![
            default_reply(7, None, "{date} {time}", true),
            default_reply(8, Some("i1"), "d", false),
        ],
        ReplySettings {
            blacklist: HashSet::from(["bad".to_owned()]),
            quiet_hours: Some((hm(23, 0), hm(1, 0))),
            min_interval_secs: Some(5),
        },
    )
    .unwrap()
}

proptest! {
    #[test]
    fn fold_is_idempotent(s in mixed_text()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert_eq!(once.trim(), once.as_str());
    }

    #[test]
    fn contains_matches_whatever_the_width_and_case(
        prefix in mixed_text(),
        word in "[a-zA-Z]{1,8}",
        suffix in mixed_text(),
    ) {
        let set = rules(vec![kw(1, &[&word.to_lowercase()], "hit")]);
        let wide: String = word
            .chars()
            .map(|c| char::from_u32(u32::from(c.to_ascii_uppercase()) + 0xFEE0).unwrap())
            .collect();
        let message = format!("{prefix} {wide} {suffix}");
        prop_assert_eq!(set.decide(&ctx(&message)).fired.map(|f| f.rule_id), Some(1));
    }

    #[test]
    fn decide_never_panics(
        text in mixed_text(),
        name in mixed_text(),
        item in prop::option::of(prop_oneof![Just("i1"), Just("i2"), Just("i3")]),
        hour in 0u32..24,
        minute in 0u32..60,
        last in prop::option::of(-100i64..100),
    ) {
        let set = mixed_rules();
        let now = at(hour, minute);
        let c = MessageContext {
            text: &text,
            buyer_name: &name,
            item_id: item,
            now_local: now,
            last_auto_reply_to_buyer: last.map(|s| now - chrono::Duration::seconds(s)),
            ..ctx("")
        };
        let d = set.decide(&c);
        prop_assert!(!d.steps.is_empty());
        prop_assert!(d.reply.is_none() || d.fired.is_some());
        prop_assert_eq!(d.decided_by.is_some(), d.steps.last().map(|s| s.outcome) == Some(StepOutcome::Fired));
    }
}

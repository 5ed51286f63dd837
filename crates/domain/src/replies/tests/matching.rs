use super::*;

fn with_mode(mut rule: KeywordRule, mode: MatchMode) -> KeywordRule {
    rule.mode = mode;
    rule
}

fn fired(d: &Decision) -> (i64, Option<&str>) {
    let f = d.fired.as_ref().expect("a rule fired");
    (f.rule_id, f.keyword.as_deref())
}

#[test]
fn fold_lowercases_and_folds_full_width() {
    assert_eq!(fold("  ＡＢＣ　ｄｅｆ！１２３  "), "abc def!123");
    assert_eq!(fold("iPhone"), "iphone");
    assert_eq!(fold("\u{3000}包邮吗？\u{3000}"), "包邮吗?");
    assert_eq!(fold("ＡＢＣ"), fold("abc"));
    assert_eq!(fold(""), "");
}

#[test]
fn contains_is_case_insensitive_and_width_folded() {
    let set = rules(vec![
        kw(1, &["iPhone"], "a"),
        kw(2, &["ＱＱ"], "b"),
        kw(3, &["包邮"], "c"),
    ]);
    assert_eq!(
        fired(&set.decide(&ctx("IPHONE 还有吗"))),
        (1, Some("iPhone"))
    );
    assert_eq!(
        fired(&set.decide(&ctx("ｉｐｈｏｎｅ"))),
        (1, Some("iPhone"))
    );
    assert_eq!(fired(&set.decide(&ctx("加个qq"))), (2, Some("ＱＱ")));
    assert_eq!(fired(&set.decide(&ctx("能包邮吗"))), (3, Some("包邮")));
    let d = set.decide(&ctx("在吗"));
    assert_eq!((d.fired, d.decided_by), (None, None));
}

#[test]
fn exact_matches_the_whole_folded_message() {
    let set = rules(vec![with_mode(
        kw(1, &["你好", "OK"], "hi"),
        MatchMode::Exact,
    )]);
    assert_eq!(fired(&set.decide(&ctx("你好"))), (1, Some("你好")));
    assert_eq!(
        fired(&set.decide(&ctx("  你好\u{3000}"))),
        (1, Some("你好"))
    );
    assert_eq!(fired(&set.decide(&ctx("ｏｋ"))), (1, Some("OK")));
    assert!(set.decide(&ctx("你好呀")).fired.is_none());
}

#[test]
fn regex_searches_the_folded_message_case_insensitively() {
    let set = rules(vec![with_mode(
        kw(1, &[r"iphone\s*1[0-9]", r"^\d{4}$"], "r"),
        MatchMode::Regex,
    )]);
    assert_eq!(
        fired(&set.decide(&ctx("有 IPHONE 15 吗"))),
        (1, Some(r"iphone\s*1[0-9]"))
    );
    assert_eq!(
        fired(&set.decide(&ctx("ＩＰＨＯＮＥ１２"))),
        (1, Some(r"iphone\s*1[0-9]"))
    );
    assert_eq!(fired(&set.decide(&ctx(" 1234 "))), (1, Some(r"^\d{4}$")));
    assert!(set.decide(&ctx("12345")).fired.is_none());
    let hostile = rules(vec![with_mode(kw(2, &["(a+)+$"], "x"), MatchMode::Regex)]);
    // The classic catastrophic-backtracking input: linear time here, no match.
    let text = format!("{}!", "a".repeat(5000));
    assert!(hostile.decide(&ctx(&text)).fired.is_none());
    assert_eq!(fired(&hostile.decide(&ctx(&"a".repeat(5000)))).0, 2);
}

#[test]
fn priority_wins_then_longest_then_lowest_id() {
    let low_long = kw(1, &["包邮吗亲"], "long");
    let high_short = KeywordRule {
        priority: 5,
        ..kw(2, &["包"], "short")
    };
    let set = rules(vec![low_long.clone(), high_short]);
    assert_eq!(fired(&set.decide(&ctx("包邮吗亲"))), (2, Some("包")));

    let set = rules(vec![kw(1, &["包邮"], "a"), kw(2, &["包邮吗"], "b")]);
    assert_eq!(fired(&set.decide(&ctx("能包邮吗"))), (2, Some("包邮吗")));

    // Same priority and length: the lowest id wins whatever the input order.
    let set = rules(vec![kw(9, &["价格"], "nine"), kw(4, &["多少"], "four")]);
    let d = set.decide(&ctx("价格多少"));
    assert_eq!(
        (fired(&d), reply_text(&d)),
        ((4, Some("多少")), Some("four"))
    );

    // Across modes: an exact match of the whole message is longer than a contained keyword.
    let exact = with_mode(kw(7, &["包邮吗"], "exact"), MatchMode::Exact);
    let set = rules(vec![kw(3, &["包邮"], "contains"), exact]);
    assert_eq!(fired(&set.decide(&ctx("包邮吗"))), (7, Some("包邮吗")));
}

#[test]
fn many_keywords_share_one_reply() {
    let set = rules(vec![kw(1, &["价格", "多少钱", "便宜点"], "不议价哦")]);
    for msg in ["价格?", "这个多少钱", "能便宜点吗"] {
        let d = set.decide(&ctx(msg));
        assert_eq!(reply_text(&d), Some("不议价哦"), "{msg}");
    }
    assert_eq!(fired(&set.decide(&ctx("多少钱"))).1, Some("多少钱"));
}

#[test]
fn silent_rule_fires_without_reply_and_stops_lower_levels() {
    let silent = KeywordRule {
        reply: ReplyBody::Silent,
        ..kw(1, &["拍了"], "")
    };
    let set = RuleSet::build(
        vec![silent],
        vec![],
        vec![default_reply(5, None, "default", false)],
        ReplySettings::default(),
    )
    .unwrap();
    let d = set.decide(&ctx("我拍了"));
    assert_eq!(d.reply, None);
    assert_eq!(fired(&d), (1, Some("拍了")));
    assert_eq!(d.decided_by, Some(Level::GeneralKeyword));
    assert!(d.steps.last().unwrap().reason.contains("stays silent"));
    assert_eq!(d.steps.last().unwrap().args["then"], "silent");
    assert_eq!(reply_text(&set.decide(&ctx("hello"))), Some("default"));
}

#[test]
fn image_rules_answer_with_the_image() {
    let image = KeywordRule {
        reply: ReplyBody::Image {
            image_ref: "uploads/size.png".into(),
        },
        ..kw(1, &["尺码"], "")
    };
    let d = rules(vec![image]).decide(&ctx("尺码表有吗"));
    assert_eq!(
        d.reply,
        Some(ReplyOut::Image {
            image_ref: "uploads/size.png".into()
        })
    );
}

#[test]
fn rules_of_other_items_are_ignored() {
    let other = KeywordRule {
        item_id: Some("other".into()),
        ..kw(1, &["包邮"], "other")
    };
    let mine = KeywordRule {
        item_id: Some("mine".into()),
        ..kw(2, &["邮"], "mine")
    };
    let general = kw(3, &["能包"], "general");
    let set = rules(vec![other, mine, general]);
    let c = MessageContext {
        item_id: Some("mine"),
        ..ctx("能包邮吗")
    };
    assert_eq!(reply_text(&set.decide(&c)), Some("mine"));
    let c = MessageContext {
        item_id: Some("third"),
        ..ctx("能包邮吗")
    };
    assert_eq!(reply_text(&set.decide(&c)), Some("general"));
    // Without an item, item-bound rules never fire.
    assert_eq!(reply_text(&set.decide(&ctx("能包邮吗"))), Some("general"));
}

#[test]
fn item_bound_regex_and_exact_rules() {
    let re = KeywordRule {
        item_id: Some("i1".into()),
        ..with_mode(kw(1, &["^尺[码寸]"], "item regex"), MatchMode::Regex)
    };
    let ex = with_mode(kw(2, &["在吗"], "general exact"), MatchMode::Exact);
    let set = rules(vec![re, ex]);
    let c = MessageContext {
        item_id: Some("i1"),
        ..ctx("尺寸多大")
    };
    assert_eq!(reply_text(&set.decide(&c)), Some("item regex"));
    assert!(set.decide(&ctx("尺寸多大")).fired.is_none());
    assert_eq!(reply_text(&set.decide(&ctx("在吗"))), Some("general exact"));
}

#[test]
fn decision_serializes_for_storage() {
    let set = rules(vec![kw(1, &["包邮"], "包的")]);
    let d = set.decide(&ctx("包邮吗"));
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["reply"], serde_json::json!({"text": "包的"}));
    assert_eq!(
        json["fired"],
        serde_json::json!({"level": "general_keyword", "rule_id": 1, "keyword": "包邮"})
    );
    assert_eq!(json["decided_by"], "general_keyword");
    assert_eq!(
        d.steps.last().unwrap().reason,
        r#"Keyword "包邮" of rule 1 matched (contains mode, priority 0)."#
    );
    assert_eq!(
        json["steps"][0],
        serde_json::json!({"level": "paused", "outcome": "no_match", "reason": "The chat is not paused.", "code": "not_paused"})
    );
    // the reason's code and values, for a translated interface
    assert_eq!(
        (
            &json["steps"].as_array().unwrap().last().unwrap()["code"],
            &json["steps"].as_array().unwrap().last().unwrap()["args"]
        ),
        (
            &serde_json::json!("keyword_matched"),
            &serde_json::json!({"keyword": "包邮", "rule": "1", "mode": "contains", "priority": "0"})
        )
    );
    let back: Decision = serde_json::from_value(json).unwrap();
    assert_eq!(back, d);
    // a decision stored before reasons had codes still reads
    let old: Step = serde_json::from_value(
        serde_json::json!({"level": "paused", "outcome": "no_match", "reason": "x"}),
    )
    .unwrap();
    assert!(old.code.is_empty() && old.args.is_empty());
    assert!(d.explain().lines().count() == d.steps.len());
}

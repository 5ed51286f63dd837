//! One test per level: it wins over every level after it and loses to the one before it.
use super::*;

/// Levels that can be switched on, in precedence order (AI has no switch: it is always skipped).
const LADDER: [Level; 10] = [
    Level::Paused,
    Level::Blacklist,
    Level::SystemText,
    Level::QuietHours,
    Level::MinInterval,
    Level::ItemReply,
    Level::ItemKeyword,
    Level::GeneralKeyword,
    Level::ItemDefault,
    Level::AccountDefault,
];

/// Decides "包邮吗 还在吗" from buyer 666 about item `i1` at 23:30, ten seconds after the last
/// automatic reply, with only the levels in `on` configured or active.
fn run(on: &[Level]) -> Decision {
    let has = |l: Level| on.contains(&l);
    let mut keyword_rules = vec![];
    if has(Level::ItemKeyword) {
        keyword_rules.push(KeywordRule {
            item_id: Some("i1".into()),
            ..kw(1, &["包邮"], "item keyword")
        });
    }
    if has(Level::GeneralKeyword) {
        // A higher priority and a longer keyword than the item rule: the level still decides.
        keyword_rules.push(KeywordRule {
            priority: 100,
            ..kw(2, &["还在吗"], "general keyword")
        });
    }
    let item_replies = if has(Level::ItemReply) {
        vec![ItemReply {
            id: 3,
            item_id: "i1".into(),
            reply: text("item reply"),
        }]
    } else {
        vec![]
    };
    let mut defaults = vec![];
    if has(Level::ItemDefault) {
        defaults.push(default_reply(4, Some("i1"), "item default", false));
    }
    if has(Level::AccountDefault) {
        defaults.push(default_reply(5, None, "account default", false));
    }
    let settings = ReplySettings {
        blacklist: if has(Level::Blacklist) {
            HashSet::from(["666".to_owned()])
        } else {
            HashSet::new()
        },
        quiet_hours: has(Level::QuietHours).then(|| (hm(23, 0), hm(7, 0))),
        min_interval_secs: has(Level::MinInterval).then_some(60),
    };
    let set = RuleSet::build(keyword_rules, item_replies, defaults, settings).unwrap();
    let now = at(23, 30);
    let c = MessageContext {
        buyer_id: "666",
        item_id: Some("i1"),
        now_local: now,
        paused: has(Level::Paused),
        is_system_text: has(Level::SystemText),
        last_auto_reply_to_buyer: Some(now - chrono::Duration::seconds(10)),
        ..ctx("包邮吗 还在吗")
    };
    set.decide(&c)
}

/// `level` decides when it and every later level are on, with the steps before it not firing;
/// when the level before it is on as well, that one decides instead.
fn assert_level(level: Level, expected_reply: Option<&str>) {
    let pos = LADDER.iter().position(|&l| l == level).unwrap();
    let d = run(&LADDER[pos..]);
    assert_eq!(d.decided_by, Some(level), "{}", d.explain());
    assert_eq!(reply_text(&d), expected_reply, "{}", d.explain());
    let last = d.steps.last().unwrap();
    assert_eq!((last.level, last.outcome), (level, StepOutcome::Fired));
    assert!(
        d.steps[..d.steps.len() - 1]
            .iter()
            .all(|s| s.outcome != StepOutcome::Fired && s.level < level)
    );
    if level.is_gate() {
        assert_eq!(d.fired, None);
    } else {
        assert_eq!(d.fired.as_ref().map(|f| f.level), Some(level));
    }
    if pos > 0 {
        let d = run(&LADDER[pos - 1..]);
        assert_eq!(d.decided_by, Some(LADDER[pos - 1]), "{}", d.explain());
    }
}

#[test]
fn paused_wins_over_everything() {
    assert_level(Level::Paused, None);
    assert_eq!(run(&LADDER).steps.len(), 1);
}

#[test]
fn blacklist_wins_over_system_text_and_rules() {
    assert_level(Level::Blacklist, None);
}

#[test]
fn system_text_wins_over_quiet_hours_and_rules() {
    assert_level(Level::SystemText, None);
}

#[test]
fn quiet_hours_win_over_min_interval_and_rules() {
    assert_level(Level::QuietHours, None);
}

#[test]
fn min_interval_wins_over_rules() {
    assert_level(Level::MinInterval, None);
}

#[test]
fn item_reply_wins_over_keywords_and_defaults() {
    assert_level(Level::ItemReply, Some("item reply"));
}

#[test]
fn item_keyword_wins_over_general_keyword_and_defaults() {
    assert_level(Level::ItemKeyword, Some("item keyword"));
}

#[test]
fn general_keyword_wins_over_ai_and_defaults() {
    assert_level(Level::GeneralKeyword, Some("general keyword"));
    let d = run(&[Level::GeneralKeyword]);
    assert!(d.steps.iter().all(|s| s.level != Level::Ai));
}

#[test]
fn ai_is_skipped_today() {
    let d = run(&[Level::ItemDefault]);
    let ai = d.steps.iter().find(|s| s.level == Level::Ai).unwrap();
    assert_eq!(ai.outcome, StepOutcome::Skipped);
}

#[test]
fn item_default_wins_over_account_default() {
    assert_level(Level::ItemDefault, Some("item default"));
}

#[test]
fn account_default_is_the_last_resort() {
    assert_level(Level::AccountDefault, Some("account default"));
}

#[test]
fn nothing_configured_means_no_reply_and_a_full_explanation() {
    let d = run(&[]);
    assert_eq!((d.reply, d.fired, d.decided_by), (None, None, None));
    let levels: Vec<Level> = d.steps.iter().map(|s| s.level).collect();
    assert_eq!(
        levels,
        [
            Level::Paused,
            Level::Blacklist,
            Level::SystemText,
            Level::QuietHours,
            Level::MinInterval,
            Level::ItemReply,
            Level::ItemKeyword,
            Level::GeneralKeyword,
            Level::Ai,
            Level::ItemDefault,
            Level::AccountDefault,
        ]
    );
    assert!(
        d.steps
            .iter()
            .all(|s| s.outcome != StepOutcome::Fired && !s.reason.is_empty())
    );
}

#[test]
fn without_an_item_the_item_levels_are_skipped() {
    let set = RuleSet::build(
        vec![],
        vec![ItemReply {
            id: 1,
            item_id: "i1".into(),
            reply: text("item"),
        }],
        vec![
            default_reply(2, Some("i1"), "item default", false),
            default_reply(3, None, "account", false),
        ],
        ReplySettings::default(),
    )
    .unwrap();
    let d = set.decide(&ctx("hi"));
    assert_eq!(reply_text(&d), Some("account"));
    for level in [Level::ItemReply, Level::ItemKeyword, Level::ItemDefault] {
        let step = d.steps.iter().find(|s| s.level == level).unwrap();
        assert_eq!(step.outcome, StepOutcome::Skipped, "{level:?}");
    }
}

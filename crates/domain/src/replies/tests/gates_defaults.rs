//! Quiet hours, the minimum interval and once-per-conversation default replies.
use super::*;
use chrono::Duration;

fn with_settings(settings: ReplySettings) -> RuleSet {
    RuleSet::build(vec![kw(1, &["hi"], "hello")], vec![], vec![], settings).unwrap()
}

fn quiet(start: NaiveTime, end: NaiveTime) -> RuleSet {
    with_settings(ReplySettings {
        quiet_hours: Some((start, end)),
        ..Default::default()
    })
}

#[test]
fn quiet_hours_within_a_day() {
    let set = quiet(hm(12, 0), hm(14, 0));
    for (h, m, silent) in [
        (11, 59, false),
        (12, 0, true),
        (13, 0, true),
        (13, 59, true),
        (14, 0, false),
    ] {
        let d = set.decide(&MessageContext {
            now_local: at(h, m),
            ..ctx("hi")
        });
        assert_eq!(d.decided_by == Some(Level::QuietHours), silent, "{h}:{m}");
        assert_eq!(d.reply.is_none(), silent, "{h}:{m}");
    }
    let d = set.decide(&MessageContext {
        now_local: at(13, 0),
        ..ctx("hi")
    });
    assert_eq!(
        d.steps.last().unwrap().reason,
        "It is 13:00, inside the quiet hours 12:00–14:00."
    );
}

#[test]
fn quiet_hours_wrapping_midnight() {
    let set = quiet(hm(22, 0), hm(8, 0));
    for (h, m, silent) in [
        (21, 59, false),
        (22, 0, true),
        (23, 59, true),
        (0, 0, true),
        (3, 0, true),
        (7, 59, true),
        (8, 0, false),
        (12, 0, false),
    ] {
        let d = set.decide(&MessageContext {
            now_local: at(h, m),
            ..ctx("hi")
        });
        assert_eq!(d.decided_by == Some(Level::QuietHours), silent, "{h}:{m}");
    }
    let settings = ReplySettings {
        quiet_hours: Some((hm(22, 0), hm(8, 0))),
        ..Default::default()
    };
    assert!(settings.is_quiet(hm(2, 0)) && !settings.is_quiet(hm(9, 0)));
    // An empty window is never quiet (and refused when saved).
    let empty = ReplySettings {
        quiet_hours: Some((hm(8, 0), hm(8, 0))),
        ..Default::default()
    };
    assert!(!empty.is_quiet(hm(8, 0)));
}

#[test]
fn min_interval_per_buyer() {
    let set = with_settings(ReplySettings {
        min_interval_secs: Some(60),
        ..Default::default()
    });
    let now = at(12, 0);
    let after = |secs: i64| {
        set.decide(&MessageContext {
            last_auto_reply_to_buyer: Some(now - Duration::seconds(secs)),
            ..ctx("hi")
        })
    };
    let d = after(59);
    assert_eq!((d.decided_by, d.reply), (Some(Level::MinInterval), None));
    assert!(d.steps.last().unwrap().reason.contains("59 s ago"));
    assert_eq!(reply_text(&after(60)), Some("hello"));
    assert_eq!(reply_text(&set.decide(&ctx("hi"))), Some("hello"));
    // No limit when unset or zero.
    let off = with_settings(ReplySettings {
        min_interval_secs: Some(0),
        ..Default::default()
    });
    let d = off.decide(&MessageContext {
        last_auto_reply_to_buyer: Some(now),
        ..ctx("hi")
    });
    assert_eq!(reply_text(&d), Some("hello"));
    let step = d
        .steps
        .iter()
        .find(|s| s.level == Level::MinInterval)
        .unwrap();
    assert_eq!(step.outcome, StepOutcome::Skipped);
}

fn defaults(item_once: bool, account_once: bool) -> RuleSet {
    RuleSet::build(
        vec![],
        vec![],
        vec![
            default_reply(10, Some("i1"), "item default", item_once),
            default_reply(20, None, "account default", account_once),
        ],
        ReplySettings::default(),
    )
    .unwrap()
}

#[test]
fn once_per_conversation_default_is_remembered_then_skipped() {
    let set = defaults(true, true);
    let first = set.decide(&MessageContext {
        item_id: Some("i1"),
        ..ctx("hello")
    });
    assert_eq!(reply_text(&first), Some("item default"));
    assert_eq!(first.remember_once, Some(10));

    let used = HashSet::from([10]);
    let second = set.decide(&MessageContext {
        item_id: Some("i1"),
        once_used: &used,
        ..ctx("hello")
    });
    assert_eq!(
        (
            second.reply.clone(),
            second.decided_by,
            second.remember_once
        ),
        (None, None, None)
    );
    let item_step = second
        .steps
        .iter()
        .find(|s| s.level == Level::ItemDefault)
        .unwrap();
    assert_eq!(item_step.outcome, StepOutcome::Skipped);
    // The item's default shadows the account default even when used up.
    let account_step = second.steps.last().unwrap();
    assert_eq!(
        (account_step.level, account_step.outcome),
        (Level::AccountDefault, StepOutcome::Skipped)
    );

    // Without an item the account default answers once.
    let d = set.decide(&ctx("hello"));
    assert_eq!(
        (reply_text(&d), d.remember_once),
        (Some("account default"), Some(20))
    );
    let used = HashSet::from([20]);
    let d = set.decide(&MessageContext {
        once_used: &used,
        ..ctx("hello")
    });
    assert_eq!((d.reply, d.decided_by), (None, None));
}

#[test]
fn repeated_defaults_are_not_remembered() {
    let set = defaults(false, false);
    let used = HashSet::from([10, 20]);
    let d = set.decide(&MessageContext {
        item_id: Some("i1"),
        once_used: &used,
        ..ctx("hello")
    });
    assert_eq!(
        (reply_text(&d), d.remember_once),
        (Some("item default"), None)
    );
    let d = set.decide(&MessageContext {
        item_id: Some("other"),
        ..ctx("hello")
    });
    assert_eq!(
        (reply_text(&d), d.remember_once),
        (Some("account default"), None)
    );
}

#[test]
fn gates_stop_before_once_replies_are_used() {
    let set = RuleSet::build(
        vec![],
        vec![],
        vec![default_reply(20, None, "account default", true)],
        ReplySettings {
            quiet_hours: Some((hm(0, 0), hm(6, 0))),
            ..Default::default()
        },
    )
    .unwrap();
    let d = set.decide(&MessageContext {
        now_local: at(3, 0),
        ..ctx("hello")
    });
    assert_eq!(
        (d.decided_by, d.remember_once),
        (Some(Level::QuietHours), None)
    );
}

use super::*;

fn ids(r: Result<&DeliveryRule, NoDelivery>) -> Result<i64, NoDelivery> {
    r.map(|r| r.id.0)
}

#[test]
fn matches_by_item_id() {
    let rules = [
        rule(1, ALICE, ItemMatch::ItemId("999".into())),
        rule(2, ALICE, ItemMatch::ItemId(" 100 ".into())),
    ];
    assert_eq!(ids(select_rule(&rules, &facts())), Ok(2));
}

#[test]
fn matches_by_keyword_in_title_or_description_folded() {
    let title = [rule(1, ALICE, kw("NETFLIX")), rule(2, ALICE, kw("spotify"))];
    assert_eq!(ids(select_rule(&title, &facts())), Ok(1));
    let description = [rule(3, ALICE, kw("ｖｉｐ")), rule(4, ALICE, kw("月票"))];
    assert_eq!(ids(select_rule(&description, &facts())), Ok(3));
}

#[test]
fn no_rule_when_nothing_matches() {
    assert_eq!(select_rule(&[], &facts()), Err(NoDelivery::NoRule));
    let rules = [rule(1, ALICE, kw("spotify")), rule(2, ALICE, kw("  "))];
    let err = select_rule(&rules, &facts()).unwrap_err();
    assert_eq!(err, NoDelivery::NoRule);
    assert_eq!(err.code(), "no_rule");
}

#[test]
fn ambiguous_when_several_match_and_lists_them_sorted() {
    let rules = [
        rule(9, ALICE, kw("netflix")),
        rule(4, ALICE, ItemMatch::ItemId("100".into())),
        rule(5, ALICE, kw("spotify")),
    ];
    let err = select_rule(&rules, &facts()).unwrap_err();
    assert_eq!(
        err,
        NoDelivery::Ambiguous {
            rule_ids: vec![DeliveryRuleId(4), DeliveryRuleId(9)]
        }
    );
    assert_eq!(err.code(), "ambiguous_rules");
}

#[test]
fn other_users_identical_rule_never_matches() {
    let rules = [rule(1, BOB, kw("netflix")), rule(2, ALICE, kw("netflix"))];
    assert_eq!(ids(select_rule(&rules, &facts())), Ok(2));
    let only_bob = [
        rule(1, BOB, kw("netflix")),
        rule(3, BOB, ItemMatch::ItemId("100".into())),
    ];
    assert_eq!(select_rule(&only_bob, &facts()), Err(NoDelivery::NoRule));
    let mut bobs_order = facts();
    bobs_order.user_id = BOB;
    assert_eq!(
        select_rule(&rules[1..], &bobs_order),
        Err(NoDelivery::NoRule)
    );
}

#[test]
fn disabled_rules_are_ignored() {
    let mut off = rule(1, ALICE, kw("netflix"));
    off.enabled = false;
    assert_eq!(
        select_rule(&[off.clone()], &facts()),
        Err(NoDelivery::NoRule)
    );
    let rules = [off, rule(2, ALICE, kw("会员"))];
    assert_eq!(ids(select_rule(&rules, &facts())), Ok(2));
}

#[test]
fn spec_rule_matches_only_its_spec() {
    let mut red = rule(1, ALICE, kw("netflix"));
    red.spec = spec("颜色", "红色");
    let mut order = facts();
    assert_eq!(select_rule(&[red.clone()], &order), Err(NoDelivery::NoRule));
    order.spec = spec("颜色", "蓝色");
    assert_eq!(select_rule(&[red.clone()], &order), Err(NoDelivery::NoRule));
    order.spec = spec(" 颜色", "红色 ");
    assert_eq!(ids(select_rule(&[red], &order)), Ok(1));
}

#[test]
fn specific_rule_beats_spec_less_rule() {
    let any = rule(1, ALICE, kw("netflix"));
    let mut red = rule(2, ALICE, kw("netflix"));
    red.spec = spec("颜色", "红色");
    let mut blue = rule(3, ALICE, kw("netflix"));
    blue.spec = spec("颜色", "蓝色");
    let rules = [any, red, blue];
    let mut order = facts();
    order.spec = spec("颜色", "红色");
    assert_eq!(ids(select_rule(&rules, &order)), Ok(2));
    order.spec = spec("颜色", "绿色");
    assert_eq!(
        ids(select_rule(&rules, &order)),
        Ok(1),
        "spec-less fallback"
    );
    order.spec = None;
    assert_eq!(ids(select_rule(&rules, &order)), Ok(1));
    let mut red2 = rule(4, ALICE, ItemMatch::ItemId("100".into()));
    red2.spec = spec("颜色", "红色");
    let both: Vec<_> = rules.iter().cloned().chain([red2]).collect();
    order.spec = spec("颜色", "红色");
    assert_eq!(
        select_rule(&both, &order),
        Err(NoDelivery::Ambiguous {
            rule_ids: vec![DeliveryRuleId(2), DeliveryRuleId(4)]
        })
    );
}

#[test]
fn units_multiply_only_with_multi_quantity() {
    let mut r = rule(1, ALICE, kw("netflix"));
    r.units_per_order = 3;
    assert_eq!(units(&r, &facts(), false), 3);
    assert_eq!(units(&r, &facts(), true), 6);
    let mut zero = facts();
    zero.quantity = 0;
    assert_eq!(units(&r, &zero, true), 3);
}

#[test]
fn no_delivery_serializes_with_reason() {
    let json = serde_json::to_string(&NoDelivery::Ambiguous {
        rule_ids: vec![DeliveryRuleId(1)],
    })
    .unwrap();
    assert_eq!(json, r#"{"reason":"ambiguous_rules","rule_ids":[1]}"#);
}

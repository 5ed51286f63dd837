use super::*;

fn vars() -> TemplateVars<'static> {
    TemplateVars {
        buyer_name: "Alice",
        buyer_id: "1001",
        message: "还在吗",
        item_id: "778899",
        item_title: "iPhone 15",
        item_price: "¥19.90",
        account_remark: "main shop",
        date: "2026-11-26",
        time: "12:00",
    }
}

#[test]
fn renders_every_placeholder() {
    let t = Template::parse(
        "{buyer_name}/{buyer_id}/{message}/{item_id}/{item_title}/{item_price}/{account_remark}/{date}/{time}",
    )
    .unwrap();
    assert_eq!(
        t.render(&vars()),
        "Alice/1001/还在吗/778899/iPhone 15/¥19.90/main shop/2026-11-26/12:00"
    );
}

#[test]
fn reference_aliases_render_like_the_canonical_names() {
    let alias = Template::parse("{send_user_name} {send_user_id} {send_message}").unwrap();
    let canonical = Template::parse("{buyer_name} {buyer_id} {message}").unwrap();
    assert_eq!(alias.render(&vars()), canonical.render(&vars()));
    assert_eq!(alias.render(&vars()), "Alice 1001 还在吗");
    assert_eq!(
        alias.placeholders().collect::<Vec<_>>(),
        vec![
            Placeholder::BuyerName,
            Placeholder::BuyerId,
            Placeholder::Message
        ]
    );
    assert_eq!(Placeholder::BuyerName.name(), "buyer_name");
    assert_eq!(Placeholder::accepted_names().count(), 12);
}

#[test]
fn doubled_braces_are_literal() {
    let t = Template::parse("{{buyer_name}} is {buyer_name} {{ }} {{{item_id}}}").unwrap();
    assert_eq!(t.render(&vars()), "{buyer_name} is Alice { } {778899}");
    assert_eq!(
        t.as_str(),
        "{{buyer_name}} is {buyer_name} {{ }} {{{item_id}}}"
    );
}

#[test]
fn unknown_placeholder_is_rejected_with_its_name() {
    let e = Template::parse("hi {buyer}").unwrap_err();
    assert_eq!(e.code(), "unknown_placeholder");
    assert_eq!(
        e,
        TemplateError::UnknownPlaceholder {
            name: "buyer".into()
        }
    );
    assert!(e.to_string().contains("{buyer}"), "{e}");
    // Case and spacing matter: the error names exactly what was written.
    let e = Template::parse("{ buyer_name }").unwrap_err();
    assert_eq!(
        e,
        TemplateError::UnknownPlaceholder {
            name: " buyer_name ".into()
        }
    );
    let e = Template::parse("{}").unwrap_err();
    assert_eq!(
        e,
        TemplateError::UnknownPlaceholder {
            name: String::new()
        }
    );
    assert_eq!(
        Template::parse("{DELIVERY_CONTENT}").unwrap_err().code(),
        "unknown_placeholder"
    );
}

#[test]
fn unbalanced_braces_are_rejected_with_their_position() {
    for (src, position) in [
        ("{buyer_name", 0),
        ("ab}", 2),
        ("价格{", 2),
        ("a{b{buyer_name}", 1),
        ("{buyer_name}}", 12),
        ("}}}", 2),
    ] {
        let e = Template::parse(src).unwrap_err();
        assert_eq!(e.code(), "unbalanced_brace", "{src}");
        assert_eq!(e, TemplateError::UnbalancedBrace { position }, "{src}");
    }
}

#[test]
fn plain_text_and_empty_templates() {
    let t = Template::parse("包邮，亲").unwrap();
    assert_eq!(t.render(&TemplateVars::default()), "包邮，亲");
    assert!(Template::parse("").unwrap().is_blank());
    assert!(Template::parse("  ").unwrap().is_blank());
    assert!(!Template::parse("{item_title}").unwrap().is_blank());
    assert_eq!(ReplyBody::text(" ").unwrap(), ReplyBody::Silent);
    assert!(matches!(ReplyBody::text("hi").unwrap(), ReplyBody::Text(_)));
}

#[test]
fn serde_round_trip_validates() {
    let t = Template::parse("hi {send_user_name}").unwrap();
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(json, r#""hi {send_user_name}""#);
    assert_eq!(serde_json::from_str::<Template>(&json).unwrap(), t);
    assert!(serde_json::from_str::<Template>(r#""hi {nope}""#).is_err());
    let body: ReplyBody = serde_json::from_str(r#"{"text":"hi {buyer_name}"}"#).unwrap();
    assert_eq!(body, text("hi {buyer_name}"));
    let silent: ReplyBody = serde_json::from_str(r#""silent""#).unwrap();
    assert_eq!(silent, ReplyBody::Silent);
}

#[test]
fn prices_from_fen() {
    assert_eq!(format_price_fen(1990), "¥19.90");
    assert_eq!(format_price_fen(5), "¥0.05");
    assert_eq!(format_price_fen(0), "¥0.00");
    assert_eq!(format_price_fen(-50), "-¥0.50");
    assert_eq!(format_price_fen(i64::MIN), "-¥92233720368547758.08");
}

#[test]
fn decide_renders_context_values_and_local_clock() {
    let set = rules(vec![kw(
        1,
        &["价格"],
        "{buyer_name}: {item_title} {item_price} on {date} {time} ({account_remark}, {item_id}) re {message}",
    )]);
    let c = MessageContext {
        item_id: Some("778899"),
        item_title: Some("iPhone 15"),
        item_price: Some("¥19.90"),
        now_local: at(9, 5),
        ..ctx("价格多少")
    };
    let d = set.decide(&c);
    assert_eq!(
        reply_text(&d),
        Some("Alice: iPhone 15 ¥19.90 on 2026-11-26 09:05 (main shop, 778899) re 价格多少")
    );
}

#[test]
fn a_text_that_renders_blank_sends_nothing() {
    let set = rules(vec![kw(1, &["title"], "{item_title}")]);
    let d = set.decide(&ctx("title?"));
    assert_eq!(d.reply, None);
    assert_eq!(d.decided_by, Some(Level::GeneralKeyword));
    assert!(d.steps.last().unwrap().reason.contains("rendered empty"));
    assert_eq!(d.steps.last().unwrap().args["then"], "rendered_empty");
}

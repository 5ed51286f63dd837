use super::*;
use crate::replies::TemplateError;

fn card_code(card: &Card) -> Option<&'static str> {
    card.validate().err().map(|e| e.code())
}

fn fetch_card(spec: HttpFetchSpec) -> Card {
    Card {
        kind: CardKind::HttpFetch(spec),
        ..text_card()
    }
}

#[test]
fn valid_cards_pass() {
    assert_eq!(card_code(&text_card()), None);
    assert_eq!(card_code(&fetch_card(fetch())), None);
    let stock = Card {
        kind: CardKind::Stock {
            low_stock_threshold: 5,
        },
        delay_secs: 3600,
        message_template: Some(DeliveryTemplate::parse("卡密：{content}（{amount}）").unwrap()),
        ..text_card()
    };
    assert_eq!(card_code(&stock), None);
}

#[test]
fn card_field_codes() {
    let cases: Vec<(Card, &str)> = vec![
        (
            Card {
                name: " ".into(),
                ..text_card()
            },
            "invalid_card_name",
        ),
        (
            Card {
                name: "x".repeat(65),
                ..text_card()
            },
            "invalid_card_name",
        ),
        (
            Card {
                delay_secs: 3601,
                ..text_card()
            },
            "invalid_delay",
        ),
        (
            Card {
                kind: CardKind::Text { text: "\n".into() },
                ..text_card()
            },
            "invalid_card_text",
        ),
        (
            Card {
                kind: CardKind::Image {
                    image_ref: "".into(),
                },
                ..text_card()
            },
            "invalid_image_ref",
        ),
        (
            Card {
                message_template: Some(DeliveryTemplate::parse("订单 {order_id}").unwrap()),
                ..text_card()
            },
            "message_without_content",
        ),
    ];
    for (card, code) in cases {
        assert_eq!(card_code(&card), Some(code), "{card:?}");
    }
}

#[test]
fn fetch_spec_codes() {
    let cases: Vec<(HttpFetchSpec, &str)> = vec![
        (
            HttpFetchSpec {
                url: "ftp://x".into(),
                ..fetch()
            },
            "invalid_url",
        ),
        (
            HttpFetchSpec {
                url: "https://".into(),
                ..fetch()
            },
            "invalid_url",
        ),
        (
            HttpFetchSpec {
                url: "https://a b".into(),
                ..fetch()
            },
            "invalid_url",
        ),
        (
            HttpFetchSpec {
                timeout_secs: 0,
                ..fetch()
            },
            "invalid_timeout",
        ),
        (
            HttpFetchSpec {
                timeout_secs: 61,
                ..fetch()
            },
            "invalid_timeout",
        ),
        (
            HttpFetchSpec {
                retries: 6,
                ..fetch()
            },
            "invalid_retries",
        ),
        (
            HttpFetchSpec {
                headers: vec![("Bad Name".into(), "v".into())],
                ..fetch()
            },
            "invalid_header",
        ),
        (
            HttpFetchSpec {
                headers: vec![("X".into(), "a\r\nb".into())],
                ..fetch()
            },
            "invalid_header",
        ),
        (
            HttpFetchSpec {
                method: HttpMethod::Get,
                ..fetch()
            },
            "body_with_get",
        ),
        (
            HttpFetchSpec {
                body_template: Some(DeliveryTemplate::parse("{content}").unwrap()),
                ..fetch()
            },
            "content_in_body",
        ),
        (
            HttpFetchSpec {
                json_path: Some("data.[x]".into()),
                ..fetch()
            },
            "invalid_json_path",
        ),
        (
            HttpFetchSpec {
                json_path: Some("a..b".into()),
                ..fetch()
            },
            "invalid_json_path",
        ),
    ];
    for (spec, code) in cases {
        assert_eq!(card_code(&fetch_card(spec.clone())), Some(code), "{spec:?}");
    }
    let get = HttpFetchSpec {
        method: HttpMethod::Get,
        body_template: None,
        json_path: None,
        ..fetch()
    };
    assert_eq!(card_code(&fetch_card(get)), None);
}

#[test]
fn template_errors_keep_reply_template_codes() {
    let unknown = DeliveryTemplate::parse("{coupon}").unwrap_err();
    assert_eq!(
        unknown,
        TemplateError::UnknownPlaceholder {
            name: "coupon".into()
        }
    );
    assert_eq!(DeliveryError::from(unknown).code(), "unknown_placeholder");
    let brace = DeliveryTemplate::parse("a } b").unwrap_err();
    assert_eq!(DeliveryError::from(brace).code(), "unbalanced_brace");
    assert!(
        DeliveryTemplate::parse("{item_title}").is_err(),
        "reply-only names are unknown"
    );
    let from_json: Result<Card, _> = serde_json::from_value(serde_json::json!({
        "id": 1, "user_id": 1, "name": "n", "kind": {"type": "text", "text": "t"},
        "message_template": "{nope} {content}", "delay_secs": 0
    }));
    assert!(from_json.is_err(), "deserializing validates templates");
}

#[test]
fn rule_codes_and_card_ownership() {
    let ok = rule(1, ALICE, kw("netflix"));
    assert_eq!(ok.validate(), Ok(()));
    let code = |r: DeliveryRule| r.validate().err().map(|e| e.code());
    assert_eq!(
        code(DeliveryRule {
            units_per_order: 0,
            ..ok.clone()
        }),
        Some("invalid_units_per_order")
    );
    assert_eq!(
        code(DeliveryRule {
            units_per_order: 101,
            ..ok.clone()
        }),
        Some("invalid_units_per_order")
    );
    assert_eq!(
        code(DeliveryRule {
            item_match: kw(" "),
            ..ok.clone()
        }),
        Some("invalid_item_match")
    );
    assert_eq!(
        code(DeliveryRule {
            item_match: ItemMatch::ItemId("9".repeat(201)),
            ..ok.clone()
        }),
        Some("invalid_item_match")
    );
    assert_eq!(
        code(DeliveryRule {
            spec: spec("颜色", " "),
            ..ok.clone()
        }),
        Some("invalid_spec")
    );
    assert_eq!(ok.check_card(&text_card()), Ok(()));
    let bobs = Card {
        user_id: BOB,
        ..text_card()
    };
    assert_eq!(ok.check_card(&bobs).unwrap_err().code(), "card_not_found");
    let other = Card {
        id: CardId(2),
        ..text_card()
    };
    assert_eq!(ok.check_card(&other), Err(DeliveryError::CardNotFound));
}

#[test]
fn stock_helpers_and_retry_policy() {
    assert_eq!(stock_lines(" a \n\n b\r\n  \nc"), ["a", "b", "c"]);
    let stock = Card {
        kind: CardKind::Stock {
            low_stock_threshold: 2,
        },
        ..text_card()
    };
    assert!(stock.is_low_stock(2) && stock.is_low_stock(0) && !stock.is_low_stock(3));
    assert!(!text_card().is_low_stock(0));
    let spec = fetch();
    assert!(spec.should_retry(None, 1));
    assert!(spec.should_retry(Some(503), 2));
    assert!(!spec.should_retry(Some(503), 3), "retries exhausted");
    assert!(!spec.should_retry(Some(404), 1));
    assert!(!spec.should_retry(Some(200), 1));
}

//! Tests of delivery: rule selection, validation codes, rendering, JSON paths.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod rendering;
mod selection;
mod validation;

use super::*;
use crate::ids::UserId;

const ALICE: UserId = UserId(1);
const BOB: UserId = UserId(2);

/// An order of Alice for item 100 "Netflix 会员 月卡", quantity 2, ¥19.90.
fn facts() -> OrderFacts {
    OrderFacts {
        user_id: ALICE,
        item_id: "100".into(),
        item_title: "Netflix 会员 月卡".into(),
        item_description: "自动发货，秒发 VIP code".into(),
        spec: None,
        quantity: 2,
        amount_fen: 1990,
        order_id: "3001".into(),
        buyer_id: "777".into(),
    }
}

fn spec(name: &str, value: &str) -> Option<(String, String)> {
    Some((name.into(), value.into()))
}

/// An enabled rule of `user` delivering card 1, one unit.
fn rule(id: i64, user: UserId, item_match: ItemMatch) -> DeliveryRule {
    DeliveryRule {
        id: DeliveryRuleId(id),
        user_id: user,
        item_match,
        spec: None,
        card_id: CardId(1),
        units_per_order: 1,
        enabled: true,
    }
}

fn kw(k: &str) -> ItemMatch {
    ItemMatch::Keyword(k.into())
}

/// A valid text card of Alice.
fn text_card() -> Card {
    Card {
        id: CardId(1),
        user_id: ALICE,
        name: "月卡".into(),
        kind: CardKind::Text {
            text: "CODE-1".into(),
        },
        message_template: None,
        delay_secs: 0,
    }
}

/// A valid POST fetch spec.
fn fetch() -> HttpFetchSpec {
    HttpFetchSpec {
        url: "https://codes.example/api".into(),
        method: HttpMethod::Post,
        headers: vec![("X-Key".into(), "k".into())],
        body_template: Some(
            DeliveryTemplate::parse(r#"{{"order":"{order_id}","n":{quantity}}}"#).unwrap(),
        ),
        timeout_secs: 10,
        retries: 2,
        json_path: Some("data.codes[0]".into()),
    }
}

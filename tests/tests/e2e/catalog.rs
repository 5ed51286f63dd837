//! Items, cards (卡券), stock lines, delivery rules and the delivery preview through the API:
//! validation codes, secret header values, tenant scoping, rule selection explained; and the
//! item sync and item detail against the simulator.
#![allow(clippy::unwrap_used, missing_docs)]

// The scenarios live in catalog/*.rs; this inner module keeps their names apart from the test
// modules the macros below generate (`items` is both).
#[path = "catalog"]
mod scenarios {
    pub mod cards;
    pub mod items;
    pub mod preview;
    pub mod rules;
}

use reqwest::{Method, StatusCode};
use scenarios::cards::cards_and_stock;
use scenarios::items::{item_sync_and_detail, items};
use scenarios::preview::preview;
use scenarios::rules::delivery_rules;
use serde_json::{Value, json};
use xianyu_domain::UserId;
use xianyu_persistence::{PoolOptions, SecretBox, Store};
use xianyu_tests::{TestServer, on_both_backends, on_both_backends_with};

on_both_backends! {
    cards_and_stock => cards_and_stock;
    delivery_rules => delivery_rules;
    items => items;
    delivery_preview => preview;
}

on_both_backends_with! {
    item_sync_and_detail => item_sync_and_detail;
}

/// Calls the API and checks the status; returns the body.
pub async fn api(
    s: &TestServer,
    t: &str,
    m: Method,
    path: &str,
    body: Option<Value>,
    want: StatusCode,
) -> Value {
    let (st, v) = s.call(m.clone(), path, Some(t), body).await;
    assert_eq!(st, want, "{m} {path}: {v}");
    v
}

/// Asserts an error answer's status and code.
pub async fn fails(
    s: &TestServer,
    t: &str,
    m: Method,
    path: &str,
    body: Option<Value>,
    want: StatusCode,
    code: &str,
) {
    let v = api(s, t, m.clone(), path, body, want).await;
    assert_eq!(v["error"]["code"], code, "{m} {path}: {v}");
}

/// A second handle on the server's database, with its key, to check what is stored.
pub fn direct_store(s: &TestServer) -> Store {
    let key = std::fs::read_to_string(s.data_dir().join("secret.key")).unwrap();
    let key = SecretBox::parse_key(&key).unwrap();
    Store::open(
        &s.settings.effective_database_url(),
        SecretBox::new(&key),
        PoolOptions::default(),
    )
    .unwrap()
}

/// The id of the token's user.
pub async fn user_id(s: &TestServer, t: &str) -> UserId {
    UserId(
        api(s, t, Method::GET, "/api/v1/auth/me", None, StatusCode::OK).await["id"]
            .as_i64()
            .unwrap(),
    )
}

/// A text card body.
pub fn text_card(name: &str, text: &str) -> Value {
    json!({"name": name, "body": {"type": "text", "text": text}})
}

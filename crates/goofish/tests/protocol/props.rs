//! Property tests: msgpack round trip and no panics on arbitrary input.
#![allow(clippy::unwrap_used)]

use goofish_protocol::events;
use goofish_protocol::lwp::{ClientFrame, ServerFrame};
use goofish_protocol::payload::{decode_msgpack, decode_payload, encode_payload};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..10_000).prop_map(|n| n.to_string()),
        "[a-zA-Z_][a-zA-Z0-9_]{0,12}",
        "\\PC{0,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::String),
        "[a-z]{30,300}".prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn top_map() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(key(), value(), 0..10)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn payload_round_trip(v in top_map()) {
        prop_assert_eq!(decode_payload(&encode_payload(&v)).unwrap(), v);
    }

    #[test]
    fn decode_never_panics_on_strings(s in "\\PC{0,200}") {
        let _ = decode_payload(&s);
        let _ = ServerFrame::parse(&s);
        let _ = ClientFrame::parse(&s);
    }

    #[test]
    fn decode_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(v) = decode_msgpack(&bytes) {
            let _ = events::classify(&v, "1");
            let _ = events::dedupe_key(&v);
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = ServerFrame::parse(&text);
        let _ = ClientFrame::parse(&text);
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        if let Ok(v) = decode_payload(&b64) {
            let _ = events::classify(&v, "1");
        }
    }

    #[test]
    fn classify_never_panics(v in value()) {
        let _ = events::classify(&v, "2219000000000");
        let _ = events::dedupe_key(&v);
    }

    #[test]
    fn frames_never_panic_on_json_shapes(v in value()) {
        let text = v.to_string();
        if let Ok(f) = ServerFrame::parse(&text) {
            let _ = goofish_protocol::lwp::ack(&f, "0 0");
            let _ = f.push_payloads();
        }
        let _ = ClientFrame::parse(&text);
    }
}

//! Fuzz target: arbitrary bytes into every parser and decoder of `goofish-protocol`.
#![no_main]

use goofish_protocol::events;
use goofish_protocol::lwp::{self, ClientFrame, ServerFrame};
use goofish_protocol::payload::{decode_msgpack, decode_payload};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(frame) = ServerFrame::parse(&text) {
        let _ = lwp::ack(&frame, "0 0");
        for element in frame.push_payloads() {
            if let Ok(decoded) = decode_payload(&element.data) {
                let _ = events::classify(&decoded, "2219000000000");
            }
        }
    }
    let _ = ClientFrame::parse(&text);
    let _ = lwp::decode_custom_data(&text);
    if let Ok(decoded) = decode_payload(&text) {
        let _ = events::classify(&decoded, "2219000000000");
        let _ = events::dedupe_key(&decoded);
    }
    if let Ok(v) = decode_msgpack(data) {
        let _ = events::classify(&v, "2200000000001");
    }
});

//! LWP frames: builders (§3.3–§3.5, §3.9, §3.10) and parsing (§3.2, §3.6).
#![allow(clippy::unwrap_used)]

use goofish_protocol::lwp::{self, ClientFrame, SendContent, ServerFrame};
use serde_json::{Value, json};

fn parse(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

#[test]
fn reg_frame() {
    let f = parse(&lwp::reg("TOKEN", "DID-1", "UA", "1231700000000000 0"));
    assert_eq!(
        f,
        json!({"lwp":"/reg","headers":{"cache-header":"app-key token ua wv","app-key":"444e9908a51d1cb236a27862abc769c9",
            "token":"TOKEN","ua":"UA","dt":"j","wv":"im:3,au:3,sy:6","sync":"0,0;0;0;","did":"DID-1","mid":"1231700000000000 0"}})
    );
    assert!(f.get("body").is_none());
}

#[test]
fn ack_diff_and_heartbeat() {
    let f = parse(&lwp::ack_diff(1_700_000_000_000, "m 0"));
    assert_eq!(
        f,
        json!({"lwp":"/r/SyncStatus/ackDiff","headers":{"mid":"m 0"},"body":[{"pipeline":"sync","tooLong2Tag":"PNM,1",
            "channel":"sync","topic":"sync","highPts":0,"pts":1_700_000_000_000_000i64,"seq":0,"timestamp":1_700_000_000_000i64}]})
    );
    assert_eq!(
        lwp::heartbeat("m 0"),
        r#"{"lwp":"/!","headers":{"mid":"m 0"}}"#
    );
}

#[test]
fn reg_response_parses() {
    let text = r#"{"code":200,"headers":{"mid":"5701741704675979 0","sid":"f1e2","reg-sid":"f1e2","reg-uid":"2150369819@goofish","dt":"j","real-ip":"1.2.3.4","ip-digest":"x","ip-region-digest":"y"},"body":{"unitName":"PNM","cookie":"","timestamp":1751446433049,"isFromChina":true}}"#;
    let f = ServerFrame::parse(text).unwrap();
    let ServerFrame::Response {
        code,
        mid,
        sid,
        headers,
        body,
    } = &f
    else {
        panic!("{f:?}")
    };
    assert_eq!(*code, 200);
    assert_eq!(mid, "5701741704675979 0");
    assert_eq!(sid.as_deref(), Some("f1e2"));
    assert_eq!(headers.get("reg-uid").unwrap(), "2150369819@goofish");
    assert_eq!(body.as_ref().unwrap()["unitName"], "PNM");
    assert!(!f.is_heartbeat_response());
    assert!(f.push_payloads().is_empty());
    // ack copies mid, sid and dt (present) but not app-key/ua (absent)
    let ack = parse(&lwp::ack(&f, "fresh 0"));
    assert_eq!(
        ack,
        json!({"code":200,"headers":{"mid":"5701741704675979 0","sid":"f1e2","dt":"j"}})
    );
}

#[test]
fn heartbeat_response() {
    let f = ServerFrame::parse(r#"{"code":200,"headers":{"mid":"1 0","sid":"s"}}"#).unwrap();
    assert!(f.is_heartbeat_response());
    assert_eq!(f.mid(), "1 0");
    let with_null =
        ServerFrame::parse(r#"{"code":200,"headers":{"mid":"1 0"},"body":null}"#).unwrap();
    assert!(with_null.is_heartbeat_response());
    let error = ServerFrame::parse(r#"{"code":401,"headers":{"mid":"1 0"}}"#).unwrap();
    assert!(!error.is_heartbeat_response());
}

#[test]
fn push_with_two_elements() {
    let text = r#"{"lwp":"/s/sync","headers":{"mid":"84a4001c 0","sid":"abcdef","app-key":"444e9908a51d1cb236a27862abc769c9","ua":"UA"},
      "body":{"syncPushPackage":{"maxHighPts":0,"startSeq":1,"endSeq":2,"minCreateTime":1700000000000,
        "data":[{"bizType":40,"data":"AAAA","streamId":"40","objectType":40103},
                {"bizType":40,"data":"BBBB","streamId":"40","objectType":40000,"syncId":""}],
        "maxPts":1700000000000000,"hasMore":0,"timestamp":1700000000000},"syncExtensionModel":{}}}"#;
    let f = ServerFrame::parse(text).unwrap();
    assert!(matches!(&f, ServerFrame::Push { lwp, .. } if lwp == "/s/sync"));
    assert_eq!(f.mid(), "84a4001c 0");
    assert_eq!(f.sid(), Some("abcdef"));
    let els = f.push_payloads();
    assert_eq!(els.len(), 2);
    assert_eq!(
        (els[0].biz_type, els[0].object_type, els[0].data.as_str()),
        (40, 40103, "AAAA")
    );
    assert_eq!(
        (
            els[1].object_type,
            els[1].data.as_str(),
            els[1].stream_id.as_deref()
        ),
        (40000, "BBBB", Some("40"))
    );
    let ack = parse(&lwp::ack(&f, "fresh 0"));
    assert_eq!(
        ack,
        json!({"code":200,"headers":{"mid":"84a4001c 0","sid":"abcdef","app-key":"444e9908a51d1cb236a27862abc769c9","ua":"UA"}})
    );
    assert!(ack.get("lwp").is_none() && ack.get("body").is_none());
}

#[test]
fn ack_without_mid_uses_fresh_mid() {
    let f = ServerFrame::parse(r#"{"lwp":"/s/para","headers":{},"body":{}}"#).unwrap();
    assert_eq!(
        parse(&lwp::ack(&f, "fresh 0")),
        json!({"code":200,"headers":{"mid":"fresh 0","sid":""}})
    );
}

#[test]
fn invalid_frames() {
    assert_eq!(
        ServerFrame::parse("not json").unwrap_err().code(),
        "invalid_json"
    );
    assert_eq!(
        ServerFrame::parse("[]").unwrap_err().code(),
        "invalid_frame"
    );
    assert_eq!(
        ServerFrame::parse(r#"{"headers":{}}"#).unwrap_err().code(),
        "invalid_frame"
    );
    assert_eq!(
        ServerFrame::parse(r#"{"code":200,"headers":5}"#)
            .unwrap_err()
            .code(),
        "invalid_frame"
    );
    assert_eq!(ClientFrame::parse("{").unwrap_err().code(), "invalid_json");
}

#[test]
fn send_message_frame() {
    let content = SendContent::Text("你好".into());
    let text = lwp::send_message(
        "48000000001",
        "2200000000001",
        "2219000000000",
        &content,
        1_700_000_000_000,
        "m 0",
    );
    let f = parse(&text);
    assert_eq!(f["lwp"], "/r/MessageSend/sendByReceiverScope");
    assert_eq!(f["headers"]["mid"], "m 0");
    let m = &f["body"][0];
    assert_eq!(m["uuid"], "-17000000000001");
    assert_eq!(m["cid"], "48000000001@goofish");
    assert_eq!(m["conversationType"], 1);
    assert_eq!(m["content"]["contentType"], 101);
    assert_eq!(m["content"]["custom"]["type"], 1);
    assert_eq!(
        m["content"]["custom"]["data"],
        "eyJjb250ZW50VHlwZSI6IDEsICJ0ZXh0IjogeyJ0ZXh0IjogIuS9oOWlvSJ9fQ=="
    );
    assert_eq!(m["redPointPolicy"], 0);
    assert_eq!(m["extension"], json!({"extJson":"{}"}));
    assert_eq!(m["ctx"], json!({"appVersion":"1.0","platform":"web"}));
    assert_eq!(m["mtags"], json!({}));
    assert_eq!(m["msgReadStatusSetting"], 1);
    assert_eq!(
        f["body"][1],
        json!({"actualReceivers":["2200000000001@goofish","2219000000000@goofish"]})
    );
    // the simulator side
    let ClientFrame::Request { lwp, mid, body, .. } = ClientFrame::parse(&text).unwrap() else {
        panic!()
    };
    assert_eq!(
        (lwp.as_str(), mid.as_str()),
        ("/r/MessageSend/sendByReceiverScope", "m 0")
    );
    let data = body.unwrap()[0]["content"]["custom"]["data"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(lwp::decode_custom_data(&data).unwrap(), content);
}

#[test]
fn create_conversation_frame() {
    let f = parse(&lwp::create_conversation(
        "2200000000001",
        "2219000000000",
        "900000000001",
        "m 0",
    ));
    assert_eq!(
        f,
        json!({"lwp":"/r/SingleChatConversation/create","headers":{"mid":"m 0"},"body":[{"pairFirst":"2200000000001@goofish",
            "pairSecond":"2219000000000@goofish","bizType":"1","extension":{"itemId":"900000000001"},"ctx":{"appVersion":"1.0","platform":"web"}}]})
    );
    assert_eq!(
        lwp::created_conversation_cid(&json!({"singleChatConversation":{"cid":"48@goofish"}}))
            .as_deref(),
        Some("48")
    );
    assert_eq!(
        lwp::created_conversation_cid(
            &json!([{"singleChatUserConversation":{"singleChatConversation":{"cid":"49@goofish"}}}])
        )
        .as_deref(),
        Some("49")
    );
    assert_eq!(
        lwp::created_conversation_cid(&json!([{"id":"50"}])).as_deref(),
        Some("50")
    );
    assert_eq!(lwp::created_conversation_cid(&json!({})), None);
}

#[test]
fn client_ack_and_rejection() {
    let ack =
        ClientFrame::parse(r#"{"code":200,"headers":{"mid":"84a4001c 0","sid":"s"}}"#).unwrap();
    assert_eq!(
        ack,
        ClientFrame::Ack {
            mid: "84a4001c 0".into(),
            sid: Some("s".into()),
            code: 200
        }
    );
    let hb = ClientFrame::parse(&lwp::heartbeat("h 0")).unwrap();
    assert!(matches!(hb, ClientFrame::Request { ref lwp, body: None, .. } if lwp == "/!"));
    assert_eq!(
        lwp::send_rejection(
            &json!({"reason":"消息包含违规内容","moreInfo":"CSI_FORBID||安全拦截"})
        )
        .as_deref(),
        Some("消息包含违规内容（CSI_FORBID||安全拦截）")
    );
    assert_eq!(lwp::send_rejection(&json!({"messageId":"1.PNM"})), None);
}

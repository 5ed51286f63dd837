//! Spec test vectors: signs (§2.2), mtop data strings (§2.4), msgpack (§3.7), send data (§3.9).
#![allow(clippy::unwrap_used)]

use goofish_protocol::lwp::{self, SendContent};
use goofish_protocol::payload::{decode_payload, encode_msgpack};
use goofish_protocol::{ProtocolError, mtop};
use serde_json::json;

const TOKEN: &str = "3c4a7e0f1b2d4e6f8a9b0c1d2e3f4a5b";
const T: &str = "1700000000000";
const DID: &str = "6F3A2B1C-9D8E-4F7A-B6C5-D4E3F2A1B0C9-2219000000000";

#[test]
fn sign_vectors() {
    let v1 = r#"{"appKey":"444e9908a51d1cb236a27862abc769c9","deviceId":"6F3A2B1C-9D8E-4F7A-B6C5-D4E3F2A1B0C9-2219000000000"}"#;
    assert_eq!(mtop::sign(TOKEN, T, v1), "975ae8e0c86183b7ec41c12cd6adfb05");
    assert_eq!(
        mtop::sign(TOKEN, T, r#"{"itemId":"900052644277"}"#),
        "5feab1d2ae7711ff780fbc7ec5f9ab63"
    );
    assert_eq!(
        mtop::sign("", T, r#"{"itemId":"900052644277"}"#),
        "cb03d6fe9ab7d218168975d067bbe802"
    );
    let v4 = r#"{"needGroupInfo":false,"pageNumber":1,"pageSize":20,"groupName":"\u5728\u552e","groupId":"58877261","defaultGroup":true,"userId":"2219000000000"}"#;
    assert_eq!(mtop::sign(TOKEN, T, v4), "3783baef8c811449d4ad972a74e081da");
    let v5 =
        r#"{"orderId":"2503688126356636370", "tradeText":"","picList":[],"newUnconsign":true}"#;
    assert_eq!(mtop::sign(TOKEN, T, v5), "3a6a764c9b5ed9a860c8add69c00273e");
    assert_eq!(
        mtop::sign(TOKEN, T, r#"{"text":"你好"}"#),
        "9cb20b4db9f3bf4b037ed1daac4a5c3a"
    );
}

#[test]
fn mtop_request_data_strings() {
    let r = mtop::login_token(DID);
    assert_eq!(
        r.data,
        r#"{"appKey":"444e9908a51d1cb236a27862abc769c9","deviceId":"6F3A2B1C-9D8E-4F7A-B6C5-D4E3F2A1B0C9-2219000000000"}"#
    );
    let q = r.query(TOKEN, T);
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("sign"), Some("975ae8e0c86183b7ec41c12cd6adfb05"));
    assert_eq!(get("appKey"), Some("34839810"));
    assert_eq!(get("jsv"), Some("2.7.2"));
    assert_eq!(get("api"), Some("mtop.taobao.idlemessage.pc.login.token"));
    assert_eq!(get("dangerouslySetWindvaneParams"), Some("[object Object]"));
    assert_eq!(get("spm_cnt"), Some("a21ybx.im.0.0"));
    assert_eq!(r.path(), "/h5/mtop.taobao.idlemessage.pc.login.token/1.0/");

    let list = mtop::item_list("2219000000000", 1, 20);
    assert_eq!(
        list.data,
        r#"{"needGroupInfo":false,"pageNumber":1,"pageSize":20,"groupName":"\u5728\u552e","groupId":"58877261","defaultGroup":true,"userId":"2219000000000"}"#
    );
    let sign = list
        .query(TOKEN, T)
        .into_iter()
        .find(|(k, _)| k == "sign")
        .unwrap()
        .1;
    assert_eq!(sign, "3783baef8c811449d4ad972a74e081da");

    let consign = mtop::consign_dummy("2503688126356636370");
    assert_eq!(
        consign.data,
        r#"{"orderId":"2503688126356636370", "tradeText":"","picList":[],"newUnconsign":true}"#
    );
    assert!(!consign.query(TOKEN, T).iter().any(|(k, _)| k == "spm_cnt"));

    let free = mtop::free_shipping("2503688126356636370", "900052644277", "2200000000001");
    assert_eq!(
        free.data,
        r#"{"bizOrderId":"2503688126356636370", "itemId":900052644277,"buyerId":2200000000001}"#
    );
    assert_eq!(
        mtop::item_detail("900052644277").data,
        r#"{"itemId":"900052644277"}"#
    );
    assert_eq!(
        mtop::order_detail("2503688126356636370").data,
        r#"{"tid":"2503688126356636370"}"#
    );
    assert_eq!(mtop::loginuser_get().data, "{}");
    let uq = mtop::user_query("48000000001@goofish");
    assert_eq!(
        uq.data,
        r#"{"type":0,"sessionType":1,"sessionId":"48000000001","isOwner":false}"#
    );
    assert_eq!(uq.version, "4.0");
    let keys: Vec<String> = uq.query(TOKEN, T).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "jsv",
            "appKey",
            "t",
            "sign",
            "v",
            "type",
            "accountSite",
            "dataType"
        ]
    );
    assert_eq!(
        mtop::notice_update().data,
        r#"{"oprType":2,"appKeys":["444e9908a51d1cb236a27862abc769c9"]}"#
    );
    assert_eq!(
        mtop::item_detail("1").form_body(),
        "data=%7B%22itemId%22%3A%221%22%7D"
    );
}

const TV_M1: &str = "hAGzNDgwMDAwMDAwMDFAZ29vZmlzaAIBA4KrcmVkUmVtaW5kZXKy562J5b6F5Y2W5a625Y+R6LSnsHJlZFJlbWluZGVyU3R5bGWhMQTPAAABi8/laAA=";
const TV_M1_HEX: &str = "8401b3343830303030303030303140676f6f6669736802010382ab72656452656d696e646572b2e7ad89e5be85e58d96e5aeb6e58f91e8b4a7b072656452656d696e6465725374796c65a13104cf0000018bcfe56800";
const TV_M2: &str = "gQGRhAGzNDgwMDAwMDAwMDFAZ29vZmlzaAIBAwEEtTIyMDAwMDAwMDAwMDFAZ29vZmlzaA==";
const TV_M3: &str = "hAGzNDc5ODMzODkwOTZAZ29vZmlzaAIBA4KrcmVkUmVtaW5kZXKy562J5b6F5Lmw5a625LuY5qy+sHJlZFJlbWluZGVyU3R5bGWhMQTPAAABlbMlNng=";
const TV_M4: &str = include_str!("../data/tv_m4.b64");

#[test]
fn tv_m1_red_reminder() {
    let expected = json!({"1": "48000000001@goofish", "2": 1, "3": {"redReminder": "等待卖家发货", "redReminderStyle": "1"}, "4": 1700000000000u64});
    assert_eq!(decode_payload(TV_M1).unwrap(), expected);
    assert_eq!(
        decode_payload(TV_M1.trim_end_matches('=')).unwrap(),
        expected
    );
    assert_eq!(hex::encode(encode_msgpack(&expected)), TV_M1_HEX);
}

#[test]
fn tv_m2_typing() {
    let expected =
        json!({"1": [{"1": "48000000001@goofish", "2": 1, "3": 1, "4": "2200000000001@goofish"}]});
    assert_eq!(decode_payload(TV_M2).unwrap(), expected);
    assert_eq!(
        hex::encode(encode_msgpack(&expected)),
        "8101918401b3343830303030303030303140676f6f666973680201030104b53232303030303030303030303140676f6f66697368"
    );
}

#[test]
fn tv_m3_real_sample() {
    let expected = json!({"1": "47983389096@goofish", "2": 1, "3": {"redReminder": "等待买家付款", "redReminderStyle": "1"}, "4": 1742467315320u64});
    assert_eq!(decode_payload(TV_M3).unwrap(), expected);
}

#[test]
fn tv_m4_chat_message() {
    let v = decode_payload(TV_M4.trim()).unwrap();
    let content5 = r#"{"atUsers":[],"contentType":1,"text":{"text":"在吗"}}"#;
    let expected = json!({
        "1": {"1": {"1": "2200000000001@goofish"}, "2": "48000000001@goofish", "3": "3400000000001.PNM", "4": 0, "5": 1700000000000u64,
              "6": {"1": 101, "3": {"1": "", "2": "在吗", "3": "", "4": 1, "5": content5}}, "7": 2, "8": 1, "9": 0,
              "10": {"bizTag": "{\"sourceId\":\"S:1\",\"messageId\":\"0123456789abcdef0123456789abcdef\"}", "detailNotice": "在吗",
                     "extJson": "{\"quickReply\":\"1\",\"messageId\":\"0123456789abcdef0123456789abcdef\",\"tag\":\"u\"}",
                     "reminderContent": "在吗", "reminderNotice": "发来一条新消息", "reminderTitle": "测试买家",
                     "reminderUrl": "fleamarket://message_chat?itemId=900000000001&peerUserId=2200000000001&peerUserNick=t***1&sid=48000000001&messageId=0123456789abcdef0123456789abcdef&adv=no",
                     "senderUserId": "2200000000001", "senderUserType": "0", "sessionType": "1"}, "12": 1},
        "3": {"needPush": "true"}});
    assert_eq!(v, expected);
    let raw = goofish_protocol::payload::base64_lenient(TV_M4.trim()).unwrap();
    assert_eq!(raw.len(), 677);
    assert_eq!(
        encode_msgpack(&v),
        raw,
        "encoder reproduces the reference bytes"
    );
}

#[test]
fn tv_m5_unknown_format_byte() {
    let err = decode_payload("gQHUAQI=").unwrap_err();
    assert_eq!(err, ProtocolError::UnknownFormatByte(0xd4));
    assert_eq!(err.to_string(), "Unknown format byte: d4");
    assert_eq!(err.code(), "unknown_format_byte");
}

#[test]
fn msgpack_errors() {
    // truncated map, non-map top level, 0xc1, ext8
    assert_eq!(decode_payload("gwE=").unwrap_err().code(), "unexpected_end");
    assert_eq!(
        decode_payload("kQE=").unwrap_err().code(),
        "payload_not_map"
    );
    assert_eq!(
        decode_payload("wQ==").unwrap_err(),
        ProtocolError::UnknownFormatByte(0xc1)
    );
    assert_eq!(
        decode_payload("xwEBAA==").unwrap_err(),
        ProtocolError::UnknownFormatByte(0xc7)
    );
    // deep nesting is rejected, not a stack overflow
    let mut deep = vec![0x81u8, 0x01];
    for _ in 0..10_000 {
        deep.extend_from_slice(&[0x91]);
    }
    deep.push(0x01);
    let b64 = base64_encode(&deep);
    assert_eq!(decode_payload(&b64).unwrap_err().code(), "payload_too_deep");
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn plain_json_payload_and_bin() {
    let hint = json!({"chatType": 1, "sessionId": "48000000001"});
    let enc = goofish_protocol::payload::encode_json_payload(&hint);
    assert_eq!(decode_payload(&enc).unwrap(), hint);
    // bin value with invalid UTF-8 bytes dropped; int key 1 -> "1"
    let bytes = [0x81, 0x01, 0xc4, 0x04, b'o', 0xff, b'k', b'!'];
    assert_eq!(
        decode_payload(&base64_encode(&bytes)).unwrap(),
        json!({"1": "ok!"})
    );
    // non-ASCII noise and junk characters are dropped on the msgpack path
    let noisy = format!("中{}\n", TV_M1.replace('A', "A "));
    assert!(decode_payload(&noisy).is_ok());
}

#[test]
fn send_custom_data_vectors() {
    assert_eq!(
        lwp::send_custom_data(&SendContent::Text("你好".into())),
        "eyJjb250ZW50VHlwZSI6IDEsICJ0ZXh0IjogeyJ0ZXh0IjogIuS9oOWlvSJ9fQ=="
    );
    let img = SendContent::Image {
        url: "https://img.alicdn.com/imgextra/i1/O1CN01test.jpg".into(),
        width: 800,
        height: 600,
    };
    let img_b64 = "eyJjb250ZW50VHlwZSI6IDIsICJpbWFnZSI6IHsicGljcyI6IFt7ImhlaWdodCI6IDYwMCwgInR5cGUiOiAwLCAidXJsIjogImh0dHBzOi8vaW1nLmFsaWNkbi5jb20vaW1nZXh0cmEvaTEvTzFDTjAxdGVzdC5qcGciLCAid2lkdGgiOiA4MDB9XX19";
    assert_eq!(lwp::send_custom_data(&img), img_b64);
    assert_eq!(lwp::decode_custom_data(img_b64).unwrap(), img);
    let old = "eyJjb250ZW50VHlwZSI6IDEsICJ0ZXh0IjogeyJ0ZXh0IjogIlx1NGY2MFx1NTk3ZCJ9fQ==";
    assert_eq!(
        lwp::decode_custom_data(old).unwrap(),
        SendContent::Text("你好".into())
    );
    assert_eq!(
        lwp::decode_custom_data("eyJjb250ZW50VHlwZSI6IDEsICJ0ZXh0IjogeyJ0ZXh0IjogIuS9oOWlvSJ9fQ==")
            .unwrap(),
        SendContent::Text("你好".into())
    );
    assert_eq!(
        lwp::decode_custom_data(&base64_encode(b"{\"contentType\":7}"))
            .unwrap_err()
            .code(),
        "invalid_custom_data"
    );
    assert_eq!(
        lwp::decode_custom_data("!!!").unwrap_err().code(),
        "invalid_custom_data"
    );
    // escaping of quotes and newlines stays valid JSON
    let tricky = SendContent::Text("a\"b\\c\nd".into());
    assert_eq!(
        lwp::decode_custom_data(&lwp::send_custom_data(&tricky)).unwrap(),
        tricky
    );
}

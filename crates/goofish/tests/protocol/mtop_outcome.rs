//! Response classification for each `ret` row of §2.3.
#![allow(clippy::unwrap_used)]

use goofish_protocol::mtop::{MtopOutcome, classify_response, split_ret};
use serde_json::json;

fn classify(v: serde_json::Value) -> MtopOutcome {
    classify_response(v.to_string().as_bytes())
}

#[test]
fn success() {
    let out = classify(
        json!({"api":"x","data":{"accessToken":"tok"},"ret":["SUCCESS::调用成功"],"v":"1.0"}),
    );
    assert_eq!(out, MtopOutcome::Success(json!({"accessToken":"tok"})));
    assert_eq!(
        classify(json!({"ret":["SUCCESS::调用成功"]})),
        MtopOutcome::Success(json!(null))
    );
}

#[test]
fn token_codes() {
    assert_eq!(
        classify(json!({"ret":["FAIL_SYS_TOKEN_EXOIRED::令牌过期"]})),
        MtopOutcome::TokenExpired
    );
    assert_eq!(
        classify(json!({"ret":["FAIL_SYS_TOKEN_EXPIRED::令牌过期"]})),
        MtopOutcome::TokenExpired
    );
    assert_eq!(
        classify(json!({"ret":["FAIL_SYS_TOKEN_ILLEGAL::非法令牌"]})),
        MtopOutcome::TokenExpired
    );
    assert_eq!(
        classify(json!({"ret":["FAIL_SYS_TOKEN_EMPTY::令牌为空"]})),
        MtopOutcome::TokenEmpty
    );
}

#[test]
fn session_expired() {
    assert_eq!(
        classify(json!({"ret":["FAIL_SYS_SESSION_EXPIRED::Session过期"],"data":{}})),
        MtopOutcome::SessionExpired
    );
}

#[test]
fn captcha_shapes() {
    let url = "https://h5api.m.goofish.com:443//h5/mtop.taobao.idlemessage.pc.login.token/1.0/_____tmd_____/punish?x5secdata=abc&x5step=2&action=captcha&pureCaptcha=";
    let out = classify(
        json!({"ret":["FAIL_SYS_USER_VALIDATE","RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"],"data":{"url":url}}),
    );
    assert_eq!(
        out,
        MtopOutcome::CaptchaRequired {
            url: Some(url.to_owned())
        }
    );
    assert_eq!(
        classify(json!({"ret":["RGV587_ERROR::SM::哎哟喂，被挤爆啦"]})),
        MtopOutcome::CaptchaRequired { url: None }
    );
    // only data.url says so
    assert_eq!(
        classify(json!({"ret":["FAIL_BIZ_X::x"],"data":{"url":"https://x/validate"}})),
        MtopOutcome::CaptchaRequired {
            url: Some("https://x/validate".into())
        }
    );
}

#[test]
fn risk_blocked() {
    assert_eq!(
        classify(json!({"ret":["FAIL_SYS_ILLEGAL_ACCESS::非法请求"]})),
        MtopOutcome::RiskBlocked {
            code: "FAIL_SYS_ILLEGAL_ACCESS".into()
        }
    );
    assert_eq!(
        classify(json!({"ret":["FAIL_BIZ_WUA_IS_MACHINE::机器"]})),
        MtopOutcome::RiskBlocked {
            code: "FAIL_BIZ_WUA_IS_MACHINE".into()
        }
    );
}

#[test]
fn business_and_not_json() {
    assert_eq!(
        classify(json!({"ret":["FAIL_BIZ_ITEM_NOT_EXIST::商品不存在"]})),
        MtopOutcome::Business {
            code: "FAIL_BIZ_ITEM_NOT_EXIST".into(),
            message: "商品不存在".into()
        }
    );
    assert_eq!(
        classify(json!({})),
        MtopOutcome::Business {
            code: String::new(),
            message: String::new()
        }
    );
    assert_eq!(
        classify_response(b"<!DOCTYPE html><html>login</html>"),
        MtopOutcome::NotJson
    );
    assert_eq!(classify_response(b"[1,2]"), MtopOutcome::NotJson);
    assert_eq!(classify_response(b"\xff\xfe"), MtopOutcome::NotJson);
    assert_eq!(split_ret("A::b::c"), ("A", "b::c"));
    assert_eq!(split_ret("A"), ("A", ""));
}

//! QR-code login (§5): seeding query, login page, generate, query.do and the login cookies.
#![allow(clippy::unwrap_used)]

use goofish_protocol::ProtocolError;
use goofish_protocol::cookies::CookieJar;
use goofish_protocol::mtop;
use goofish_protocol::qr::{self, LoginFormData, QrCode, QrPoll};
use serde_json::json;

const PAGE: &str = r#"<!DOCTYPE html><html><body><div id="mini-login"></div><script>window.viewData = {"loginFormData":{"appName":"xianyu","appEntrance":"web","fromSite":"77","isMobile":false,"n":5,"gone":null,"nested":{"a":1},"_csrf_token":"csrf123"},"other":"x};y"};</script></body></html>"#;

fn form() -> LoginFormData {
    qr::parse_login_page(PAGE).unwrap()
}

fn code() -> QrCode {
    QrCode {
        t: "1700000000000".into(),
        ck: "ck&1".into(),
        code_content: "http://sim/qr/abc".into(),
    }
}

#[test]
fn common_headers_are_the_spec_ones() {
    let h: Vec<_> = qr::QR_HEADERS.iter().map(|(k, _)| *k).collect();
    assert_eq!(h, ["user-agent", "accept", "referer", "origin"]);
    assert!(qr::QR_USER_AGENT.contains("Chrome/120"));
    assert_eq!(qr::QR_HEADERS[1].1, "application/json, text/plain, */*");
    assert_eq!(qr::QR_HEADERS[2].1, "https://passport.goofish.com/");
    assert_eq!(qr::QR_HEADERS[3].1, "https://passport.goofish.com");
    assert_eq!(qr::SESSION_LIFETIME_SECS, 300);
    assert!((800..=1000).contains(&qr::POLL_INTERVAL_MS));
}

#[test]
fn seed_query_is_signed_with_the_real_m_h5_tk() {
    assert_eq!(
        qr::seed_path(),
        "/h5/mtop.gaia.nodejs.gaia.idle.data.gw.v2.index.get/1.0/"
    );
    let mut jar = CookieJar::default();
    jar.set("_m_h5_tk", "3c4a7e0f1b2d4e6f8a9b0c1d2e3f4a5b_1700003600000");
    let q = qr::seed_query(jar.m_h5_token(), "1700000000000");
    let keys: Vec<_> = q.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        [
            "jsv", "appKey", "t", "sign", "v", "type", "dataType", "timeout", "api", "data"
        ]
    );
    let get = |k: &str| q.iter().find(|(n, _)| *n == k).unwrap().1.clone();
    assert_eq!(get("data"), r#"{"bizScene":"home"}"#);
    assert_eq!(
        get("sign"),
        mtop::sign(
            "3c4a7e0f1b2d4e6f8a9b0c1d2e3f4a5b",
            "1700000000000",
            qr::SEED_DATA
        )
    );
    // Not the reference bug: the token is not empty.
    assert_ne!(get("sign"), mtop::sign("", "1700000000000", qr::SEED_DATA));
    assert_eq!(
        get("api"),
        "mtop.gaia.nodejs.gaia.idle.data.gw.v2.index.get"
    );
}

#[test]
fn mini_login_query_has_every_spec_param() {
    let q = qr::mini_login_query(0.25);
    let expected = [
        ("lang", "zh_cn"),
        ("appName", "xianyu"),
        ("appEntrance", "web"),
        ("styleType", "vertical"),
        ("bizParams", ""),
        ("notLoadSsoView", "false"),
        ("notKeepLogin", "false"),
        ("isMobile", "false"),
        ("qrCodeFirst", "false"),
        ("stie", "77"),
        ("rnd", "0.25"),
    ];
    let got: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(got, expected);
}

#[test]
fn login_page_yields_the_flat_form_plus_umid_tag() {
    let f = form();
    assert_eq!(f.get("appName"), Some("xianyu"));
    assert_eq!(f.get("fromSite"), Some("77"));
    assert_eq!(f.get("isMobile"), Some("false"));
    assert_eq!(f.get("n"), Some("5"));
    assert_eq!(f.get("gone"), None);
    assert_eq!(f.get("nested"), Some(r#"{"a":1}"#));
    assert_eq!(f.get("umidTag"), Some("SERVER"));
    assert_eq!(f.pairs().last().unwrap().0, "umidTag");
    // Debug shows names, never values.
    let dbg = format!("{f:?}");
    assert!(
        dbg.contains("_csrf_token") && !dbg.contains("csrf123"),
        "{dbg}"
    );
}

#[test]
fn login_page_tolerates_spacing_newlines_and_an_existing_umid_tag() {
    let html = "<script>var x = 1; window.viewData;\nwindow.viewData\n =\n {\n\"loginFormData\": {\"umidTag\": \"OLD\", \"a\": \"b\"}\n}\n;</script>";
    let f = qr::parse_login_page(html).unwrap();
    assert_eq!(f.get("a"), Some("b"));
    assert_eq!(f.get("umidTag"), Some("SERVER"));
    assert_eq!(f.pairs().len(), 2);
}

#[test]
fn login_page_errors() {
    let err = |html: &str| qr::parse_login_page(html).unwrap_err();
    assert_eq!(err("<html>闲鱼登录</html>"), ProtocolError::ViewDataMissing);
    assert_eq!(err("window.viewData = 5;"), ProtocolError::ViewDataMissing);
    assert_eq!(err(""), ProtocolError::ViewDataMissing);
    assert!(matches!(
        err(r#"window.viewData = {"loginFormData": {"a": };"#),
        ProtocolError::ViewDataInvalid(_)
    ));
    assert!(matches!(
        err(r#"window.viewData = {"loginFormData": {"a": "b""#),
        ProtocolError::ViewDataInvalid(_)
    ));
    assert_eq!(
        err(r#"window.viewData = {"other": {}};"#),
        ProtocolError::LoginFormDataMissing
    );
    assert_eq!(
        err(r#"window.viewData = {"loginFormData": "x"};"#),
        ProtocolError::LoginFormDataMissing
    );
    assert_eq!(
        ProtocolError::ViewDataMissing.code(),
        "qr_view_data_missing"
    );
    assert_eq!(
        ProtocolError::LoginFormDataMissing.code(),
        "qr_login_form_missing"
    );
}

#[test]
fn generate_query_is_the_form() {
    let f = form();
    assert_eq!(qr::generate_query(&f), f.pairs().to_vec());
}

#[test]
fn generate_answer_parses_numeric_or_string_t() {
    let body = json!({"content":{"success":true,"data":{"t":1700000000123_i64,"ck":"abc","codeContent":"http://x/qr/1","resultCode":100}}});
    let c = qr::parse_generate(body.to_string().as_bytes()).unwrap();
    assert_eq!(c.t, "1700000000123");
    assert_eq!(c.ck, "abc");
    assert_eq!(c.code_content, "http://x/qr/1");
    assert!(!format!("{c:?}").contains("abc"));
    let body = json!({"content":{"success":true,"data":{"t":"17","ck":"c","codeContent":"u"}}});
    assert_eq!(
        qr::parse_generate(body.to_string().as_bytes()).unwrap().t,
        "17"
    );
}

#[test]
fn generate_answer_errors() {
    let err = |v: serde_json::Value| qr::parse_generate(v.to_string().as_bytes()).unwrap_err();
    assert!(matches!(
        qr::parse_generate(b"<html>").unwrap_err(),
        ProtocolError::QrResponseInvalid(_)
    ));
    assert!(matches!(
        err(json!([1])),
        ProtocolError::QrResponseInvalid(_)
    ));
    assert_eq!(
        err(json!({"content":{"success":false,"titleMsg":"系统繁忙"}})),
        ProtocolError::QrGenerateFailed("系统繁忙".into())
    );
    assert!(matches!(err(json!({})), ProtocolError::QrGenerateFailed(_)));
    for missing in ["t", "ck", "codeContent"] {
        let mut data = json!({"t":1,"ck":"c","codeContent":"u"});
        data.as_object_mut().unwrap().remove(missing);
        let e = err(json!({"content":{"success":true,"data":data}}));
        assert!(
            matches!(&e, ProtocolError::QrResponseInvalid(m) if m.contains(missing)),
            "{e:?}"
        );
    }
    let e = err(json!({"content":{"success":true,"data":{"t":1,"ck":"","codeContent":"u"}}}));
    assert!(matches!(e, ProtocolError::QrResponseInvalid(_)));
    assert!(matches!(
        err(json!({"content":{"success":true}})),
        ProtocolError::QrResponseInvalid(_)
    ));
    assert_eq!(e.code(), "qr_response_invalid");
}

#[test]
fn query_form_is_the_form_plus_t_and_ck() {
    let body = qr::query_form(&form(), &code());
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("appName"), Some("xianyu"));
    assert_eq!(get("umidTag"), Some("SERVER"));
    assert_eq!(get("t"), Some("1700000000000"));
    assert_eq!(get("ck"), Some("ck&1"));
    assert_eq!(pairs.len(), form().pairs().len() + 2);
    // A form that already had t / ck does not send them twice.
    let mut f = form();
    f.set("t", "old");
    let body = qr::query_form(&f, &code());
    let ts: Vec<String> = url::form_urlencoded::parse(body.as_bytes())
        .filter(|(k, _)| k == "t")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(ts, ["1700000000000"]);
}

fn poll(v: serde_json::Value) -> QrPoll {
    qr::parse_query(v.to_string().as_bytes()).unwrap()
}

fn status(s: &str) -> serde_json::Value {
    json!({"content":{"success":true,"data":{"qrCodeStatus":s,"resultCode":100}}})
}

#[test]
fn query_statuses() {
    assert_eq!(poll(status("NEW")), QrPoll::Waiting);
    assert_eq!(poll(status("SCANED")), QrPoll::Scanned);
    assert_eq!(poll(status("CONFIRMED")), QrPoll::Confirmed);
    assert_eq!(poll(status("EXPIRED")), QrPoll::Expired);
    assert_eq!(
        poll(status("CANCELED")),
        QrPoll::Cancelled {
            status: "CANCELED".into()
        }
    );
    assert_eq!(
        poll(json!({"content":{"success":false,"data":{"qrCodeStatus":"ERROR"}}})),
        QrPoll::Cancelled {
            status: "ERROR".into()
        }
    );
    let v = json!({"content":{"data":{"qrCodeStatus":"CONFIRMED","iframeRedirect":true,"iframeRedirectUrl":"https://x/verify"}}});
    assert_eq!(
        poll(v),
        QrPoll::VerificationRequired {
            url: Some("https://x/verify".into())
        }
    );
    let v = json!({"content":{"data":{"qrCodeStatus":"CONFIRMED","iframeRedirect":"true"}}});
    assert_eq!(poll(v), QrPoll::VerificationRequired { url: None });
    let v = json!({"content":{"data":{"qrCodeStatus":"CONFIRMED","iframeRedirect":false,"iframeRedirectUrl":"u"}}});
    assert_eq!(poll(v), QrPoll::Confirmed);
}

#[test]
fn query_state_names_and_finality() {
    let all = [
        (QrPoll::Waiting, "waiting", false),
        (QrPoll::Scanned, "scanned", false),
        (QrPoll::Confirmed, "success", true),
        (
            QrPoll::VerificationRequired { url: None },
            "verification_required",
            true,
        ),
        (QrPoll::Expired, "expired", true),
        (QrPoll::Cancelled { status: "X".into() }, "cancelled", true),
    ];
    for (p, name, fin) in all {
        assert_eq!((p.state(), p.is_final()), (name, fin), "{p:?}");
    }
}

#[test]
fn query_malformed_answers_are_errors() {
    for body in [
        "".to_owned(),
        "<html>login</html>".to_owned(),
        "null".to_owned(),
        json!({}).to_string(),
        json!({"content":"x"}).to_string(),
        json!({"content":{"data":[]}}).to_string(),
        json!({"content":{"data":{}}}).to_string(),
        json!({"content":{"data":{"qrCodeStatus":5}}}).to_string(),
    ] {
        let e = qr::parse_query(body.as_bytes()).unwrap_err();
        assert!(
            matches!(e, ProtocolError::QrResponseInvalid(_)),
            "{body}: {e:?}"
        );
    }
}

#[test]
fn login_cookies_merge_and_need_unb() {
    let mut jar = CookieJar::parse("_m_h5_tk=a_1; cna=c0; XSRF-TOKEN=x");
    let headers = [
        "unb=2219000000001; Domain=.goofish.com; Path=/",
        "cookie2=abc; Domain=.goofish.com; Path=/",
        "cna=c1; Path=/",
    ];
    let unb = qr::merge_login_cookies(&mut jar, headers, 0).unwrap();
    assert_eq!(unb, "2219000000001");
    assert_eq!(
        jar.to_header(),
        "_m_h5_tk=a_1; cna=c1; XSRF-TOKEN=x; unb=2219000000001; cookie2=abc"
    );

    let mut jar = CookieJar::default();
    let e = qr::merge_login_cookies(&mut jar, ["cookie2=abc; Path=/"], 0).unwrap_err();
    assert_eq!(e, ProtocolError::QrLoginWithoutUnb);
    assert_eq!(e.code(), "qr_login_without_unb");
    // The cookies are merged anyway; a unb left in the jar from before does not count.
    assert_eq!(jar.get("cookie2"), Some("abc"));
    let mut jar = CookieJar::parse("unb=1");
    assert!(qr::merge_login_cookies(&mut jar, std::iter::empty(), 0).is_err());
    // A unb that is deleted or not digits is no login either.
    let mut jar = CookieJar::default();
    assert!(qr::merge_login_cookies(&mut jar, ["unb=; Max-Age=0"], 0).is_err());
    assert!(qr::merge_login_cookies(&mut jar, ["unb=abc"], 0).is_err());
}

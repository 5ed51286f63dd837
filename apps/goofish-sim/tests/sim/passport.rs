//! Upload and passport (spec §8.3), fault F17; QR login (F18) is in `qr.rs`.
#![allow(clippy::unwrap_used)]

use crate::common::Sim;
use goofish_protocol::cookies::CookieJar;
use serde_json::{Value, json};

/// A minimal PNG header claiming 640×480.
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    b.extend_from_slice(&640u32.to_be_bytes());
    b.extend_from_slice(&480u32.to_be_bytes());
    b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b
}

async fn upload(sim: &Sim, jar: &CookieJar, part: &str) -> (u16, String) {
    let boundary = "----simboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&png());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = sim
        .http
        .post(format!(
            "{}?floderId=0&appkey=xy_chat&_input_charset=utf-8",
            sim.h.upload_url()
        ))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", jar.to_header())
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn upload_ok_and_missing_file() {
    let sim = Sim::start();
    let (_unb, jar) = sim.account().await;
    let (s, text) = upload(&sim, &jar, "file").await;
    assert_eq!(s, 200);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["success"], true);
    let url = v["object"]["url"].as_str().unwrap();
    assert!(
        url.starts_with("//img.alicdn.com/fake/") && url.ends_with(".jpg"),
        "{url}"
    );
    assert_eq!(url.len(), "//img.alicdn.com/fake/".len() + 40 + 4);
    assert_eq!(v["object"]["width"], 640);
    assert_eq!(v["object"]["height"], 480);
    let (s, _) = upload(&sim, &jar, "other").await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn f17_upload_login_page_and_bad_cookie() {
    let sim = Sim::start();
    let (unb, jar) = sim.account().await;
    sim.fault(json!({"unb": unb, "kind": "upload_login_page"}))
        .await;
    let (s, text) = upload(&sim, &jar, "file").await;
    assert_eq!(s, 200);
    assert!(
        text.contains("<!DOCTYPE html>") && text.contains("闲鱼") && text.contains("mini-login")
    );
    sim.delete("/_sim/faults").await;
    let (_, text) = upload(&sim, &jar, "file").await;
    assert!(text.starts_with('{'));
    let (_, text) = upload(&sim, &CookieJar::parse("unb=1; cookie2=x"), "file").await;
    assert!(text.contains("mini-login"));
}

#[tokio::test]
async fn mini_login_has_view_data() {
    let sim = Sim::start();
    let r = sim
        .http
        .get(sim.url("/mini_login.htm?lang=zh_cn&appName=xianyu&appEntrance=web"))
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    let start = html.find("window.viewData = ").unwrap() + "window.viewData = ".len();
    let end = html[start..].find("};").unwrap() + start + 1;
    let v: Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(v["loginFormData"]["appName"], "xianyu");
    assert_eq!(v["loginFormData"]["appEntrance"], "web");
    assert_eq!(v["loginFormData"]["fromSite"], "77");
}

#[tokio::test]
async fn has_login_and_login_settings() {
    let sim = Sim::start();
    let (unb, jar) = sim.account().await;
    for path in [
        "/newlogin/hasLogin.do?appName=xianyu&fromSite=77",
        "/newlogin/silentHasLogin.do",
    ] {
        let r = sim
            .http
            .post(sim.url(path))
            .header("cookie", jar.to_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("hid={unb}&ltl=true&appName=xianyu"))
            .send()
            .await
            .unwrap();
        assert!(r.headers().get_all("set-cookie").iter().count() > 0);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["content"]["success"], true, "{path}");
    }
    sim.fault(json!({"unb": unb, "kind": "session_expired"}))
        .await;
    let r = sim
        .http
        .post(sim.url("/newlogin/hasLogin.do"))
        .header("cookie", jar.to_header())
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["content"]["success"], false);
    let r = sim
        .http
        .post(sim.url("/ac/account/setLoginSettings.do?fromSite=77&appName=xianyu&bizEntrance=web"))
        .header("cookie", jar.to_header())
        .body("status=0")
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("havana_lgc2_77="))
    );
}

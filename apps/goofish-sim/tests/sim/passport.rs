//! Upload, passport and QR login (spec §8.3), faults F17 and F18.
#![allow(clippy::unwrap_used)]

use crate::common::{Sim, now_ms};
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

async fn generate(sim: &Sim) -> (String, String, String) {
    let v: Value = sim
        .http
        .get(sim.url("/newlogin/qrcode/generate.do?appName=xianyu"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["content"]["success"], true);
    let d = &v["content"]["data"];
    let code = d["codeContent"].as_str().unwrap().to_string();
    assert!(code.starts_with(&format!("{}/qr/", sim.h.base_url())));
    let id = code.rsplit('/').next().unwrap().to_string();
    (
        id,
        d["t"].as_i64().unwrap().to_string(),
        d["ck"].as_str().unwrap().to_string(),
    )
}

async fn query(sim: &Sim, t: &str, ck: &str) -> (Value, Vec<String>) {
    let r = sim
        .http
        .post(sim.url("/newlogin/qrcode/query.do"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("appName=xianyu&umidTag=SERVER&t={t}&ck={ck}"))
        .send()
        .await
        .unwrap();
    let cookies = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    (r.json().await.unwrap(), cookies)
}

#[tokio::test]
async fn f18_qr_confirm_sets_login_cookies() {
    let sim = Sim::start();
    let (id, t, ck) = generate(&sim).await;
    let page = sim
        .http
        .get(sim.url(&format!("/qr/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(
        query(&sim, &t, &ck).await.0["content"]["data"]["qrCodeStatus"],
        "NEW"
    );
    let (bad, _) = query(&sim, &t, "wrong").await;
    assert_eq!(bad["content"]["success"], false);
    sim.ok_post(&format!("/_sim/qr/{id}/scan"), json!({})).await;
    assert_eq!(
        query(&sim, &t, &ck).await.0["content"]["data"]["qrCodeStatus"],
        "SCANED"
    );
    let c = sim
        .ok_post(
            &format!("/_sim/qr/{id}/confirm"),
            json!({"unb": "2219000000555"}),
        )
        .await;
    assert_eq!(c["status"], "CONFIRMED");
    let (v, cookies) = query(&sim, &t, &ck).await;
    assert_eq!(v["content"]["data"]["qrCodeStatus"], "CONFIRMED");
    let mut jar = CookieJar::default();
    for c in &cookies {
        jar.merge_set_cookie(c, now_ms());
    }
    assert_eq!(jar.get("unb"), Some("2219000000555"));
    assert!(jar.get("cookie2").is_some());
    // Post-login: first mtop call gets TOKEN_EMPTY, the retry succeeds.
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "FAIL_SYS_TOKEN_EMPTY::令牌为空");
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
}

#[tokio::test]
async fn f18_qr_expire_cancel_verification() {
    let sim = Sim::start();
    for (action, status) in [("expire", "EXPIRED"), ("cancel", "CANCELED")] {
        let (id, t, ck) = generate(&sim).await;
        sim.ok_post(&format!("/_sim/qr/{id}/{action}"), json!({}))
            .await;
        assert_eq!(
            query(&sim, &t, &ck).await.0["content"]["data"]["qrCodeStatus"],
            status
        );
    }
    let (id, t, ck) = generate(&sim).await;
    sim.ok_post(&format!("/_sim/qr/{id}/require-verification"), json!({}))
        .await;
    let (v, cookies) = query(&sim, &t, &ck).await;
    let d = &v["content"]["data"];
    assert_eq!(d["qrCodeStatus"], "CONFIRMED");
    assert_eq!(d["iframeRedirect"], true);
    assert!(d["iframeRedirectUrl"].is_string());
    assert!(cookies.is_empty());
    let (s, e) = sim.post("/_sim/qr/nope/scan", json!({})).await;
    assert_eq!(s, 404);
    assert_eq!(e["error"]["code"], "qr_not_found");
    let (s, _) = sim.post(&format!("/_sim/qr/{id}/dance"), json!({})).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn qr_expires_after_300s_of_sim_clock() {
    let sim = Sim::start();
    let (_id, t, ck) = generate(&sim).await;
    sim.ok_post("/_sim/clock", json!({"advance_ms": 301_000}))
        .await;
    assert_eq!(
        query(&sim, &t, &ck).await.0["content"]["data"]["qrCodeStatus"],
        "EXPIRED"
    );
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

//! QR login (spec §5, §8.3, F18): every state the control API can drive, binding to an
//! existing or a generated account, and the face-verification (`iframeRedirect`) sub-flow.
#![allow(clippy::unwrap_used)]

use crate::common::{Sim, now_ms};
use goofish_protocol::cookies::CookieJar;
use serde_json::{Value, json};

pub(crate) async fn generate(sim: &Sim) -> (String, String, String) {
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

pub(crate) async fn query(sim: &Sim, t: &str, ck: &str) -> (Value, Vec<String>) {
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

fn jar_of(cookies: &[String]) -> CookieJar {
    let mut jar = CookieJar::default();
    for c in cookies {
        jar.merge_set_cookie(c, now_ms());
    }
    jar
}

async fn status(sim: &Sim, t: &str, ck: &str) -> Value {
    query(sim, t, ck).await.0["content"]["data"]["qrCodeStatus"].clone()
}

#[tokio::test]
async fn f18_scanned_then_expired_or_cancelled() {
    let sim = Sim::start();
    for (action, expected) in [("expire", "EXPIRED"), ("cancel", "CANCELED")] {
        let (id, t, ck) = generate(&sim).await;
        assert_eq!(status(&sim, &t, &ck).await, "NEW");
        sim.ok_post(&format!("/_sim/qr/{id}/scan"), json!({})).await;
        assert_eq!(status(&sim, &t, &ck).await, "SCANED");
        let v = sim
            .ok_post(&format!("/_sim/qr/{id}/{action}"), json!({}))
            .await;
        assert_eq!(v["status"], expected);
        let (q, cookies) = query(&sim, &t, &ck).await;
        assert_eq!(q["content"]["data"]["qrCodeStatus"], expected);
        assert!(cookies.is_empty());
        let listed = sim.get("/_sim/qr").await.1;
        let s = listed["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(s["status"], expected);
        assert!(s["polls"].as_u64().unwrap() >= 3);
    }
}

#[tokio::test]
async fn f18_confirm_binds_an_existing_account() {
    let sim = Sim::start();
    let (unb, existing) = sim.account().await;
    let (id, t, ck) = generate(&sim).await;
    sim.ok_post(&format!("/_sim/qr/{id}/scan"), json!({})).await;
    let v = sim
        .ok_post(&format!("/_sim/qr/{id}/confirm"), json!({"unb": unb}))
        .await;
    assert_eq!(v["unb"], unb.as_str());
    let (q, cookies) = query(&sim, &t, &ck).await;
    assert_eq!(q["content"]["data"]["qrCodeStatus"], "CONFIRMED");
    assert!(q["content"]["data"].get("iframeRedirect").is_none());
    let jar = jar_of(&cookies);
    assert_eq!(jar.get("unb"), Some(unb.as_str()));
    assert_eq!(jar.get("cookie2"), existing.get("cookie2"));
    assert_eq!(
        sim.get("/_sim/accounts").await.1["accounts"],
        json!([unb.clone()])
    );
    let (s, e) = sim
        .post(&format!("/_sim/qr/{id}/confirm"), json!({"unb": "12ab"}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["code"], "invalid_unb");
}

#[tokio::test]
async fn f18_confirm_generates_a_new_unb_that_does_not_collide() {
    let sim = Sim::start();
    // The first generated unb would be 2219000000002: take it first.
    sim.ok_post("/_sim/accounts", json!({"unb": "2219000000002"}))
        .await;
    let (id, t, ck) = generate(&sim).await;
    let v = sim
        .ok_post(&format!("/_sim/qr/{id}/confirm"), json!({}))
        .await;
    let unb = v["unb"].as_str().unwrap().to_string();
    assert!(unb.bytes().all(|b| b.is_ascii_digit()), "{unb}");
    assert_ne!(unb, "2219000000002");
    let (_, cookies) = query(&sim, &t, &ck).await;
    let mut jar = jar_of(&cookies);
    assert_eq!(jar.get("unb"), Some(unb.as_str()));
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
}

#[tokio::test]
async fn f18_face_verification_completes_to_plain_confirmed() {
    let sim = Sim::start();
    let (unb, existing) = sim.account().await;
    let (id, t, ck) = generate(&sim).await;
    // face-verified is only valid while a verification is pending.
    let (s, e) = sim
        .post(&format!("/_sim/qr/{id}/face-verified"), json!({}))
        .await;
    assert_eq!(s, 409);
    assert_eq!(e["error"]["code"], "qr_not_verifying");
    sim.ok_post(&format!("/_sim/qr/{id}/scan"), json!({})).await;
    let v = sim
        .ok_post(
            &format!("/_sim/qr/{id}/require-verification"),
            json!({"unb": unb}),
        )
        .await;
    assert_eq!(v["iframe_redirect"], true);
    let (q, cookies) = query(&sim, &t, &ck).await;
    let d = &q["content"]["data"];
    assert_eq!(d["qrCodeStatus"], "CONFIRMED");
    assert_eq!(d["iframeRedirect"], true);
    let url = d["iframeRedirectUrl"].as_str().unwrap();
    assert_eq!(url, format!("{}/qr/{id}/verify", sim.h.base_url()));
    assert!(cookies.is_empty());

    let page = sim.http.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<title>身份验证</title>"), "{html}");
    assert!(html.contains("人脸验证") && html.contains("data-state=\"pending\""));

    let v = sim
        .ok_post(&format!("/_sim/qr/{id}/face-verified"), json!({}))
        .await;
    assert_eq!(v["status"], "CONFIRMED");
    assert_eq!(v["iframe_redirect"], false);
    assert_eq!(v["unb"], unb.as_str());
    let (q, cookies) = query(&sim, &t, &ck).await;
    let d = &q["content"]["data"];
    assert_eq!(d["qrCodeStatus"], "CONFIRMED");
    assert!(d.get("iframeRedirect").is_none(), "{d}");
    let jar = jar_of(&cookies);
    assert_eq!(jar.get("unb"), Some(unb.as_str()));
    assert_eq!(jar.get("cookie2"), existing.get("cookie2"));
    let html = sim
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-state=\"done\""));
    let (s, _) = sim
        .post(&format!("/_sim/qr/{id}/face-verified"), json!({}))
        .await;
    assert_eq!(s, 409);
    let (s, _) = sim.post("/_sim/qr/nope/face-verified", json!({})).await;
    assert_eq!(s, 404);
    let r = sim
        .http
        .get(sim.url("/qr/nope/verify"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn f18_confirm_after_verification_answers_plain_confirmed() {
    let sim = Sim::start();
    let (id, t, ck) = generate(&sim).await;
    let v = sim
        .ok_post(&format!("/_sim/qr/{id}/require-verification"), json!({}))
        .await;
    let generated = v["unb"].as_str().unwrap().to_string();
    sim.ok_post(&format!("/_sim/qr/{id}/confirm"), json!({"unb": generated}))
        .await;
    let (q, cookies) = query(&sim, &t, &ck).await;
    assert!(q["content"]["data"].get("iframeRedirect").is_none());
    assert_eq!(jar_of(&cookies).get("unb"), Some(generated.as_str()));
}

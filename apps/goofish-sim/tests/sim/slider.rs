//! The slider captcha (spec §2.6, §8.2 item 3): the punish page, `POST /_____tmd_____/verify`
//! and the `x5sec` cookie it sets clearing the risk state of the account.
#![allow(clippy::unwrap_used)]

use crate::common::{MtopResp, Sim};
use goofish_protocol::cookies::CookieJar;
use serde_json::{Value, json};

const TOKEN: &str = "mtop.taobao.idlemessage.pc.login.token";
const TOKEN_DATA: &str = r#"{"appKey":"444e9908a51d1cb236a27862abc769c9","deviceId":"X"}"#;

/// A drag of the knob from rest to the end: 31 points over ~900 ms, ease-out, y wobble.
fn human() -> Vec<[f64; 3]> {
    (0..=30)
        .map(|i| {
            let f = f64::from(i) / 30.0;
            let eased = 1.0 - (1.0 - f).powi(3);
            [
                20.0 + 262.0 * eased,
                17.0 + (f * 7.0).sin() * 2.0,
                (f * 900.0).round(),
            ]
        })
        .collect()
}

/// Puts the account under captcha and returns the punish URL and its `x5secdata`.
async fn risk(sim: &Sim, unb: &str, jar: &CookieJar) -> (String, String) {
    sim.fault(json!({"unb": unb, "kind": "captcha_required"}))
        .await;
    let r = sim.mtop(jar, TOKEN, TOKEN_DATA).await;
    assert_eq!(r.body["ret"][0], "FAIL_SYS_USER_VALIDATE", "{}", r.text);
    let url = r.body["data"]["url"].as_str().unwrap().to_string();
    let x5 = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "x5secdata")
        .unwrap()
        .1
        .into_owned();
    (url, x5)
}

/// Posts to the verify endpoint; returns (status, body, Set-Cookie values).
async fn verify(sim: &Sim, body: Value) -> (u16, Value, Vec<String>) {
    let r = sim
        .http
        .post(sim.url("/_____tmd_____/verify"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let cookies = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    (r.status().as_u16(), r.json().await.unwrap(), cookies)
}

async fn session_state(sim: &Sim, unb: &str) -> Value {
    sim.get(&format!("/_sim/accounts/{unb}")).await.1["session_state"].clone()
}

async fn outcomes(sim: &Sim, unb: &str) -> Vec<String> {
    sim.journal(&format!("?unb={unb}&kind=http"))
        .await
        .iter()
        .filter(|e| e["path"] == "/_____tmd_____/verify")
        .map(|e| e["outcome"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn punish_page_is_a_self_contained_slider() {
    let sim = Sim::start();
    let (unb, jar) = sim.account().await;
    let (url, _) = risk(&sim, &unb, &jar).await;
    let r = sim.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    let html = r.text().await.unwrap();
    for needle in [
        "<title>验证码拦截</title>",
        r#"id="nocaptcha""#,
        r#"id="nc_1_n1t""#,
        r#"id="nc_1_n1z""#,
        r#"id="nc_status""#,
        r#"data-left="20""#,
        r#"data-top="60""#,
        r#"data-track-width="300""#,
        r#"data-track-height="34""#,
        r#"data-knob-width="40""#,
        r#"data-knob-height="34""#,
        r#"data-verify="/_____tmd_____/verify""#,
        "knob-start-centre=40,77;knob-end-centre=300,77",
        "#nocaptcha { position: fixed; left: 20px; top: 60px; width: 300px; height: 34px;",
        "touchstart",
        "mousedown",
        "验证通过",
        "验证失败，点击框体重试",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert!(!html.contains("{{"), "unfilled placeholder");
    assert!(
        !html.contains("src=") && !html.contains("href="),
        "external resource"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(html.contains(&format!(r#"<script nonce="{nonce}">"#)));
    let j = sim.journal(&format!("?unb={unb}&kind=http")).await;
    assert_eq!(j.last().unwrap()["outcome"], "slider_page");
    let g = goofish_sim::SLIDER;
    assert_eq!(g.knob_start_centre(), (40.0, 77.0));
    assert_eq!(g.knob_end_centre(), (300.0, 77.0));
}

#[tokio::test]
async fn plausible_slide_sets_x5sec_and_token_api_then_succeeds() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let (_, x5) = risk(&sim, &unb, &jar).await;
    let (s, v, cookies) = verify(&sim, json!({"x5secdata": x5, "trajectory": human()})).await;
    assert_eq!((s, &v), (200, &json!({"success": true})));
    let x5sec = cookies
        .iter()
        .find(|c| c.starts_with("x5sec="))
        .unwrap()
        .clone();
    assert!(x5sec.ends_with("; Path=/; HttpOnly"), "{x5sec}");
    assert!(!x5sec.to_ascii_lowercase().contains("domain"));
    assert!(
        cookies.iter().any(|c| c == "x5step=2; Path=/"),
        "{cookies:?}"
    );
    let value = x5sec["x5sec=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(value, "ok");
    assert_eq!(outcomes(&sim, &unb).await, ["slider_verified"]);
    // The control-API default no longer clears: the slider minted a new value.
    jar.set("x5sec", "ok");
    let r: MtopResp = sim.mtop(&jar, TOKEN, TOKEN_DATA).await;
    assert_eq!(r.body["ret"][0], "FAIL_SYS_USER_VALIDATE");
    assert_eq!(session_state(&sim, &unb).await, "risk_required");
    jar.set("x5sec", &value);
    let (token, _did) = sim.im_token(&mut jar, &unb).await;
    assert!(!token.is_empty());
    assert_eq!(session_state(&sim, &unb).await, "ok");
    // An x5secdata is single-use.
    let (_, v, cookies) = verify(&sim, json!({"x5secdata": x5, "trajectory": human()})).await;
    assert_eq!(v, json!({"success": false, "reason": "unknown_x5secdata"}));
    assert!(cookies.is_empty());
}

#[tokio::test]
async fn straight_instant_jump_is_refused() {
    let sim = Sim::start();
    let (unb, jar) = sim.account().await;
    let (_, x5) = risk(&sim, &unb, &jar).await;
    let jump = json!([[20, 17, 0], [290, 17, 5]]);
    let (s, v, cookies) = verify(&sim, json!({"x5secdata": x5, "trajectory": jump})).await;
    assert_eq!(s, 200);
    assert_eq!(v, json!({"success": false, "reason": "too_few_points"}));
    assert!(cookies.is_empty());
    let fast: Vec<[f64; 3]> = (0..=10)
        .map(|i| [20.0 + f64::from(i) * 27.0, 17.0, f64::from(i) * 2.0])
        .collect();
    let (_, v, cookies) = verify(&sim, json!({"x5secdata": x5, "trajectory": fast})).await;
    assert_eq!(v["reason"], "too_fast");
    assert!(cookies.is_empty());
    let robot: Vec<[f64; 3]> = (0..=20)
        .map(|i| [20.0 + f64::from(i) * 13.0, 17.0, f64::from(i) * 30.0])
        .collect();
    let (_, v, _) = verify(&sim, json!({"x5secdata": x5, "trajectory": robot})).await;
    assert_eq!(v["reason"], "too_regular");
    assert_eq!(
        outcomes(&sim, &unb).await,
        [
            "slider_refused:too_few_points",
            "slider_refused:too_fast",
            "slider_refused:too_regular"
        ]
    );
    assert_eq!(session_state(&sim, &unb).await, "risk_required");
    // A refusal does not burn the challenge.
    let (_, v, _) = verify(&sim, json!({"x5secdata": x5, "trajectory": human()})).await;
    assert_eq!(v["success"], true);
}

#[tokio::test]
async fn unknown_or_expired_x5secdata_is_refused() {
    let sim = Sim::start();
    let (unb, jar) = sim.account().await;
    let (_, v, cookies) = verify(
        &sim,
        json!({"x5secdata": "nosuchchallenge", "trajectory": human()}),
    )
    .await;
    assert_eq!(v, json!({"success": false, "reason": "unknown_x5secdata"}));
    assert!(cookies.is_empty());
    let j = sim.journal("?kind=http").await;
    assert_eq!(
        j.last().unwrap()["outcome"],
        "slider_refused:unknown_x5secdata"
    );
    let page = sim
        .http
        .get(sim.url(&format!(
            "/h5/{TOKEN}/1.0/_____tmd_____/punish?x5secdata=nosuchchallenge&x5step=2"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("抱歉，页面访问出现了问题") && !page.contains("nocaptcha"));

    let (url, x5) = risk(&sim, &unb, &jar).await;
    sim.ok_post("/_sim/clock", json!({"advance_ms": 301_000}))
        .await;
    let (_, v, _) = verify(&sim, json!({"x5secdata": x5, "trajectory": human()})).await;
    assert_eq!(v["reason"], "expired_x5secdata");
    let page = sim
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("抱歉，页面访问出现了问题"));
    let (s, v, _) = verify(&sim, json!({"x5secdata": x5})).await;
    assert_eq!((s, &v["reason"]), (400, &json!("invalid_body")));
}

#[tokio::test]
async fn control_api_x5sec_still_clears_after_a_slide_was_offered() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    sim.fault(json!({"unb": unb, "kind": "captcha_required", "clear_with_x5sec": "manual"}))
        .await;
    let r = sim.mtop(&jar, TOKEN, TOKEN_DATA).await;
    assert!(
        r.body["data"]["url"]
            .as_str()
            .unwrap()
            .contains("x5secdata=")
    );
    jar.set("x5sec", "manual");
    sim.im_token(&mut jar, &unb).await;
    assert_eq!(session_state(&sim, &unb).await, "ok");
}

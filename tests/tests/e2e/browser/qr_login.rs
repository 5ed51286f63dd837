//! QR login on the accounts page: the dialog shows the code, follows the simulator's QR
//! session through scanned and confirmed with localized texts, and the new account appears in
//! the list; closing the dialog while the code waits cancels it; a code that needs a face
//! check points to the verification inbox.

use super::{Site, screenshot_dir};
use serde_json::{Value, json};
use xianyu_tests::browser::{Browser, run};
use xianyu_tests::sim_call;

/// The simulator's QR session the server is polling: the newest one still `NEW`.
async fn pending_qr(client: &reqwest::Client, sim: &str) -> String {
    xianyu_tests::eventually(10, "a QR session in the simulator", || async {
        let v = sim_call(client, sim, "/_sim/qr", None).await;
        v["sessions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|q| q["status"] == "NEW")
            .max_by_key(|q| q["t"].as_i64().unwrap_or_default())
            .and_then(|q| q["id"].as_str().map(str::to_owned))
    })
    .await
}

async fn state_is(b: &Browser, state: &str) {
    b.until_css(
        &format!("the QR state {state}"),
        &format!("[data-test='qr-state'][data-state='{state}']"),
    )
    .await;
}

async fn qr_image_shown(b: &Browser) {
    b.until(
        "the QR image",
        "(() => { const i = document.querySelector(\"[data-test='qr-image']\"); return !!i && i.complete && i.naturalWidth > 0 && i.src.startsWith('data:image/svg+xml'); })()",
    )
    .await;
}

async fn shot(b: &Browser, name: &str) {
    if let Some(dir) = screenshot_dir("XIANYU_PAGE_SHOTS") {
        b.screenshot(&dir.join(format!("{name}.png"))).await;
    }
}

#[tokio::test]
async fn a_scanned_and_confirmed_code_adds_the_account() {
    let Some(site) = Site::start().await else {
        return;
    };
    let password = site.password.clone();
    let client = site.s.client.clone();
    let sim = site.sim.base_url();
    run("qr_login", &site.base(), |b| async move {
        b.login("admin", &password).await;
        b.open("/accounts").await;
        b.find("page-accounts").await;
        b.click("account-qr-login").await;
        b.find("qr-dialog").await;
        qr_image_shown(&b).await;
        state_is(&b, "waiting").await;
        let text = b.find("qr-state").await.text().await.unwrap();
        assert!(text.contains("等待扫码"), "{text}");
        b.find("qr-expires").await;
        shot(&b, "qr-waiting-zh-CN-light-1440").await;

        let id = pending_qr(&client, &sim).await;
        sim_call(&client, &sim, &format!("/_sim/qr/{id}/scan"), Some(json!({}))).await;
        state_is(&b, "scanned").await;
        let text = b.find("qr-state").await.text().await.unwrap();
        assert!(text.contains("请在手机上确认"), "{text}");
        shot(&b, "qr-scanned-zh-CN-light-1440").await;

        let confirmed: Value =
            sim_call(&client, &sim, &format!("/_sim/qr/{id}/confirm"), Some(json!({}))).await;
        let unb = confirmed["unb"].as_str().unwrap().to_owned();
        // the dialog says so (and a toast repeats it), then closes; the account is listed
        b.until(
            "the confirmation",
            "(() => { const s = document.querySelector(\"[data-test='qr-state'][data-state='confirmed']\"); \
               const toast = [...document.querySelectorAll(\"[data-test='toast'][data-tone='ok']\")].some(x => x.textContent.includes('已添加新账号')); \
               return (s && s.textContent.includes('已添加新账号')) || toast; })()",
        )
        .await;
        b.until(
            "the dialog closes",
            "!document.querySelector(\"[data-test='qr-dialog']\")",
        )
        .await;
        let row = b.find_css("[data-test='account-row']").await;
        let text = row.text().await.unwrap();
        assert!(text.contains(&unb), "the new account {unb} is listed: {text}");
    })
    .await;
    let (_, list) = site
        .s
        .call(
            reqwest::Method::GET,
            "/api/v1/accounts",
            Some(&site.token),
            None,
        )
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
}

#[tokio::test]
async fn a_code_needing_a_face_check_points_to_the_inbox_and_closing_cancels() {
    let Some(site) = Site::start().await else {
        return;
    };
    let password = site.password.clone();
    let client = site.s.client.clone();
    let sim = site.sim.base_url();
    let server = site.base().trim_end_matches('/').to_owned();
    let token = site.token.clone();
    run("qr_login_verification", &site.base(), |b| async move {
        b.login("admin", &password).await;
        // at phone width, in English and dark
        b.client.set_window_size(375, 800).await.unwrap();
        b.js(
            "localStorage.setItem('xy.lang', 'en'); localStorage.setItem('xy.theme', 'dark');",
            vec![],
        )
        .await;
        b.open("/accounts?qr=1").await;
        b.client.refresh().await.unwrap();
        b.find("qr-dialog").await;
        qr_image_shown(&b).await;
        state_is(&b, "waiting").await;
        let overflow = b
            .js(
                "return document.documentElement.scrollWidth - window.innerWidth;",
                vec![],
            )
            .await;
        assert!(
            overflow.as_i64().unwrap_or(0) <= 1,
            "sideways by {overflow}"
        );
        shot(&b, "qr-waiting-en-dark-375").await;

        // closing while the code waits cancels it
        let first = b
            .find("qr-state")
            .await
            .attr("data-qr-id")
            .await
            .unwrap()
            .unwrap_or_default();
        let first_sim = pending_qr(&client, &sim).await;
        b.click("qr-close").await;
        b.until(
            "the dialog closes",
            "!document.querySelector(\"[data-test='qr-dialog']\")",
        )
        .await;
        xianyu_tests::eventually(10, "the code cancelled", || async {
            let res = client
                .get(format!("{server}/api/v1/qr-logins/{first}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let v: Value = res.json().await.unwrap_or_default();
            (v["state"] == "cancelled").then_some(())
        })
        .await;

        // a new code that Goofish wants a face check for
        b.click("account-qr-login").await;
        qr_image_shown(&b).await;
        let id = pending_qr(&client, &sim).await;
        assert_ne!(id, first_sim);
        sim_call(
            &client,
            &sim,
            &format!("/_sim/qr/{id}/require-verification"),
            Some(json!({})),
        )
        .await;
        state_is(&b, "verification_required").await;
        let text = b.find("qr-verification").await.text().await.unwrap();
        assert!(text.contains("inbox"), "{text}");
        shot(&b, "qr-verification-en-dark-375").await;
        b.click("qr-inbox-link").await;
        b.find("page-verifications").await;
        b.until_css(
            "the QR task in the inbox",
            "[data-test='verification-row'][data-state='open']",
        )
        .await;
    })
    .await;
}

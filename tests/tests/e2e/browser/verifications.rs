//! The verification inbox: an account that runs into the simulator's slider captcha shows up
//! live in the inbox and in the navigation's badge; "Verify now" opens the remote-control view
//! of the server's browser, whose frames arrive and whose status line reads ready (also at
//! phone width), and closing it ends the session. A drag through the view solves the slider.

use super::{Site, screenshot_dir};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use xianyu_tests::browser::{Browser, run};

const ROW: &str = "[data-test='verification-row']";

/// A seller of the simulator whose next token call answers the slider captcha; returns the
/// cookie to add it with.
async fn captcha_seller(site: &Site) -> String {
    let (unb, cookie, _) =
        xianyu_tests::sim_seller(&site.s.client, &site.sim.base_url(), "验证商品").await;
    site.sim(
        "/_sim/faults",
        Some(json!({"unb": unb, "kind": "captcha_required"})),
    )
    .await;
    cookie
}

/// Adds an account through the API (as another tab would), returns its id.
async fn add_account(client: &reqwest::Client, url: &str, token: &str, cookie: &str) -> i64 {
    let res = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({"cookie": cookie, "remark": "验证店"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    v["id"].as_i64().unwrap()
}

/// The captcha status as the API reports it.
async fn captcha_status(site: &Site) -> Value {
    let (st, v) = site
        .s
        .call(
            Method::GET,
            "/api/v1/captcha/status",
            Some(&site.token),
            None,
        )
        .await;
    assert_eq!(st, reqwest::StatusCode::OK, "{v}");
    v
}

/// Clicks "Verify now" in the task row `row` and waits for the remote view's first frame.
async fn open_remote_view(b: &Browser, row: &str) {
    b.find_css(&format!("{row} [data-test='verification-verify']"))
        .await
        .click()
        .await
        .unwrap();
    frames_arrive(b).await;
}

/// Closes the remote view and waits until it is gone.
async fn close_remote_view(b: &Browser) {
    b.click("captcha-close").await;
    b.until(
        "the view closes",
        "!document.querySelector(\"[data-test='captcha-view']\")",
    )
    .await;
}

/// Waits until the remote view shows a decoded frame and its status reads ready.
async fn frames_arrive(b: &Browser) {
    b.find("captcha-view").await;
    b.until(
        "a frame in the remote view",
        "(() => { const i = document.querySelector(\"[data-test='captcha-frame']\"); return !!i && !i.hidden && i.complete && i.naturalWidth > 0 && i.src.startsWith('blob:'); })()",
    )
    .await;
    b.until_css(
        "the remote view ready",
        "[data-test='captcha-status'][data-state='ready']",
    )
    .await;
}

/// Fails when the page scrolls sideways (at phone width).
async fn no_sideways_scroll(b: &Browser, what: &str) {
    let overflow = b
        .js(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await;
    assert!(
        overflow.as_i64().unwrap_or(0) <= 1,
        "{what} scrolls sideways by {overflow} px"
    );
}

async fn shot(b: &Browser, name: &str) {
    if let Some(dir) = screenshot_dir("XIANYU_PAGE_SHOTS") {
        b.screenshot(&dir.join(format!("{name}.png"))).await;
    }
}

#[tokio::test]
async fn a_captcha_appears_live_in_the_inbox_and_streams_in_the_remote_view() {
    let Some(site) = Site::start().await else {
        return;
    };
    let status = captcha_status(&site).await;
    assert_eq!(
        status["available"], true,
        "chromedriver is here, so the server's browser is available: {status}"
    );
    let cookie = captcha_seller(&site).await;
    let password = site.password.clone();
    let client = site.s.client.clone();
    let accounts_url = site.s.url("/api/v1/accounts");
    let token = site.token.clone();
    run("verifications", &site.base(), |b| async move {
        b.login("admin", &password).await;
        b.open("/verifications").await;
        b.find("page-verifications").await;
        b.find("empty").await;
        b.find_css("[data-test='captcha-available'][data-available='true']")
            .await;
        assert!(b.all("[data-test='verification-badge']").await.is_empty());

        // the account meets the captcha: the task and the badge arrive live
        let id = add_account(&client, &accounts_url, &token, &cookie).await;
        b.until_css(
            "the badge counts one",
            "[data-test='verification-badge'][data-count='1']",
        )
        .await;
        let row = format!("{ROW}[data-kind='captcha'][data-state='open'][data-account-id='{id}']");
        b.find_css(&row).await;
        let text = b.find_css(&row).await.text().await.unwrap();
        assert!(text.contains("验证店"), "the account's remark: {text}");
        assert!(text.contains("滑块验证"), "the kind: {text}");
        assert!(text.contains("punish"), "the URL as text: {text}");
        shot(&b, "verifications-inbox-zh-CN-light-1440").await;

        // verify now: frames arrive, the status reads ready
        open_remote_view(&b, &row).await;
        let status = b.find("captcha-status").await.text().await.unwrap();
        assert!(status.contains("已就绪"), "localized status: {status}");
        let touch = b
            .js(
                "return getComputedStyle(document.querySelector(\"[data-test='captcha-frame']\")).touchAction;",
                vec![],
            )
            .await;
        assert_eq!(touch, json!("none"), "a drag on a phone does not scroll");
        shot(&b, "verifications-remote-zh-CN-light-1440").await;
        close_remote_view(&b).await;

        // at phone width, in English and dark: the inbox and the view fit
        b.client.set_window_size(375, 800).await.unwrap();
        b.js(
            "localStorage.setItem('xy.lang', 'en'); localStorage.setItem('xy.theme', 'dark');",
            vec![],
        )
        .await;
        b.client.refresh().await.unwrap();
        b.find_css(&row).await;
        b.until("English", "document.documentElement.lang === 'en'")
            .await;
        b.find_css("[data-test='nav-toggle-badge'][data-count='1']")
            .await;
        no_sideways_scroll(&b, "the inbox").await;
        shot(&b, "verifications-inbox-en-dark-375").await;
        open_remote_view(&b, &row).await;
        let status = b.find("captcha-status").await.text().await.unwrap();
        assert!(status.contains("Ready"), "localized status: {status}");
        let fits = b
            .js(
                "const r = document.querySelector(\"[data-test='captcha-frame']\").getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth + 1;",
                vec![],
            )
            .await;
        assert_eq!(fits, json!(true), "the frame fits the phone's width");
        no_sideways_scroll(&b, "the remote view").await;
        shot(&b, "verifications-remote-en-dark-375").await;
        close_remote_view(&b).await;
    })
    .await;
    // closing the view ended the session on the server
    xianyu_tests::eventually(10, "no session left", || async {
        (captcha_status(&site).await["active_sessions"] == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn dragging_the_slider_through_the_remote_view_solves_the_captcha() {
    let Some(site) = Site::start().await else {
        return;
    };
    let cookie = captcha_seller(&site).await;
    let id = add_account(
        &site.s.client,
        &site.s.url("/api/v1/accounts"),
        &site.token,
        &cookie,
    )
    .await;
    let password = site.password.clone();
    run("verifications_solve", &site.base(), |b| async move {
        b.login("admin", &password).await;
        b.open("/verifications").await;
        let row = format!("{ROW}[data-kind='captcha'][data-account-id='{id}']");
        open_remote_view(&b, &row).await;
        // the slider's knob in page px (goofish-sim's SLIDER), mapped onto the frame as shown
        let slider = goofish_sim::SLIDER;
        let (sx, sy) = slider.knob_start_centre();
        let distance = slider.slide_distance();
        let geo = b
            .js(
                "const i = document.querySelector(\"[data-test='captcha-frame']\"); const r = i.getBoundingClientRect(); \
                 return [r.left, r.top, r.width / (Number(i.dataset.viewportWidth) || i.naturalWidth), r.height / (Number(i.dataset.viewportHeight) || i.naturalHeight)];",
                vec![],
            )
            .await;
        let g: Vec<f64> = geo
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let at = |x: f64, y: f64| PointerAction::MoveTo {
            duration: Some(Duration::from_millis(30)),
            x: (g[0] + x * g[2]).round(),
            y: (g[1] + y * g[3]).round(),
        };
        let mut mouse = MouseActions::new("mouse".into())
            .then(at(sx, sy))
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Pause {
                duration: Duration::from_millis(120),
            });
        // an eased, slightly wavy drag of ~1.2 s past the end of the track
        let steps = 30;
        for i in 1..=steps {
            let f = f64::from(i) / f64::from(steps);
            let eased = 1.0 - (1.0 - f).powi(2);
            let wobble = (f * 9.0).sin() * 2.0;
            mouse = mouse.then(at(sx + eased * (distance + 2.0), sy + wobble)).then(
                PointerAction::Pause {
                    duration: Duration::from_millis(10),
                },
            );
        }
        mouse = mouse
            .then(PointerAction::Pause {
                duration: Duration::from_millis(150),
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        b.client.perform_actions(mouse).await.unwrap();
        b.until_css(
            "solved",
            "[data-test='captcha-status'][data-state='solved']",
        )
        .await;
        b.find("captcha-solved").await;
        // the inbox drops the task and the badge goes
        b.until(
            "the task leaves the open list",
            &format!("!document.querySelector(\"{row}\")"),
        )
        .await;
        b.until(
            "no badge",
            "!document.querySelector(\"[data-test='verification-badge']\")",
        )
        .await;
        close_remote_view(&b).await;
    })
    .await;
    // the account is back online with the cookie the slider gave
    xianyu_tests::eventually(30, "account online after the slider", || async {
        let (_, v) = site
            .s
            .call(
                Method::GET,
                &format!("/api/v1/accounts/{id}/status"),
                Some(&site.token),
                None,
            )
            .await;
        (v["status"] == "online").then_some(())
    })
    .await;
    let (_, all) = site
        .s
        .call(
            Method::GET,
            "/api/v1/verifications?state=all",
            Some(&site.token),
            None,
        )
        .await;
    assert_eq!(all["items"][0]["state"], "solved", "{all}");
}

//! Login, the first-password prompt, language and theme, and tenancy in the browser.

use super::Site;
use reqwest::Method;
use serde_json::json;
use xianyu_tests::browser::run;
use xianyu_tests::{Backend, TestServer};

/// The generated admin password logs in, the dashboard demands a new one at once, and the
/// new one works after logging out.
#[tokio::test]
async fn first_login_changes_the_generated_password() {
    if xianyu_tests::browser::chromedriver().is_none() {
        return;
    }
    let s = TestServer::start(Backend::Sqlite).unwrap();
    let generated = s.admin_password.clone();
    run("first_login", &s.url(""), |b| async move {
        b.open("/login").await;
        b.fill("login-username", "admin").await;
        b.fill("login-password", "wrong-password-1").await;
        b.click("login-submit").await;
        let error = b.find("login-error").await;
        assert_eq!(
            error.attr("data-code").await.unwrap().as_deref(),
            Some("invalid_credentials")
        );
        b.fill("login-password", &generated).await;
        b.click("login-submit").await;
        b.find("change-password").await;
        b.fill("change-password-current", &generated).await;
        b.fill("change-password-new", "my-own-password-1").await;
        b.fill("change-password-confirm", "my-own-password-1").await;
        b.click("change-password-submit").await;
        b.until(
            "the prompt closes",
            "!document.querySelector(\"[data-test='change-password']\")",
        )
        .await;
        b.click("user-menu").await;
        b.click("logout").await;
        b.login("admin", "my-own-password-1").await;
        b.until(
            "no prompt for a chosen password",
            "document.querySelector(\"[data-test='page-overview']\") && !document.querySelector(\"[data-test='change-password']\")",
        )
        .await;
    })
    .await;
    let (_, me) = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": "my-own-password-1"})),
        )
        .await;
    assert_eq!(me["user"]["must_change_password"], false);
}

/// English and the dark theme are chosen in the shell and remembered across a reload.
#[tokio::test]
async fn language_and_theme_are_remembered() {
    let Some(site) = Site::start().await else {
        return;
    };
    let password = site.password.clone();
    run("language_theme", &site.base(), |b| async move {
        b.login("admin", &password).await;
        assert_eq!(
            b.until("zh-CN by default", "document.documentElement.lang").await,
            "zh-CN"
        );
        b.click("lang-switch").await;
        b.click("lang-en").await;
        b.until("English", "document.documentElement.lang === 'en'")
            .await;
        b.until(
            "English navigation",
            "document.querySelector(\"[data-test='nav-accounts']\").textContent.includes('Accounts')",
        )
        .await;
        b.click("theme-switch").await;
        b.click("theme-dark").await;
        b.until("dark", "document.documentElement.dataset.theme === 'dark'")
            .await;
        b.client.refresh().await.unwrap();
        b.find("user-menu").await;
        b.until(
            "both survive a reload",
            "document.documentElement.lang === 'en' && document.documentElement.dataset.theme === 'dark'",
        )
        .await;
        let bg = b
            .until(
                "a dark background",
                "getComputedStyle(document.body).backgroundColor",
            )
            .await;
        let rgb: Vec<u32> = bg
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .filter_map(|c| c.trim().parse().ok())
            .collect();
        assert!(rgb.iter().all(|c| *c < 80), "dark theme background: {bg}");
    })
    .await;
}

/// A second user sees none of the first user's accounts, chats or orders.
#[tokio::test]
async fn another_user_sees_nothing_of_the_first() {
    let Some(site) = Site::start().await else {
        return;
    };
    let (id, unb, item) = site.online_account("会员").await;
    site.buyer_says(&unb, "2200000000555", &item, "在吗").await;
    let (st, _) = site
        .s
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&site.token),
            Some(json!({"username": "bob", "password": "bob-password-1"})),
        )
        .await;
    assert_eq!(st, reqwest::StatusCode::CREATED);
    let password = site.password.clone();
    run("tenancy", &site.base(), |b| async move {
        b.login("admin", &password).await;
        b.open("/accounts").await;
        b.find_css(&format!(
            "[data-test='account-row'][data-account-id='{id}']"
        ))
        .await;
        b.click("user-menu").await;
        b.click("logout").await;
        b.login("bob", "bob-password-1").await;
        // bob's temporary password (an admin chose it) is replaced first
        b.find("change-password").await;
        b.fill("change-password-current", "bob-password-1").await;
        b.fill("change-password-new", "bob-own-password-1").await;
        b.fill("change-password-confirm", "bob-own-password-1")
            .await;
        b.click("change-password-submit").await;
        b.open("/accounts").await;
        b.find("page-accounts").await;
        b.find("empty").await;
        assert!(b.all("[data-test='account-row']").await.is_empty());
        b.open("/orders").await;
        b.find("page-orders").await;
        assert!(b.all("[data-test='order-row']").await.is_empty());
        b.open(&format!("/accounts/{id}/conversations")).await;
        b.until(
            "no chats of another user",
            "!document.querySelector(\"[data-test='conversation-row']\")",
        )
        .await;
        assert!(
            b.all("[data-test='nav-users']").await.is_empty(),
            "no admin pages for a plain user"
        );
    })
    .await;
}

/// The console check itself: a JavaScript error and a CSP violation are caught, an expected
/// 4xx answer is not.
#[tokio::test]
async fn the_console_check_catches_errors_and_csp_violations() {
    let Some(b) = xianyu_tests::browser::Browser::start("http://127.0.0.1:1").await else {
        return;
    };
    let s = TestServer::start(Backend::Sqlite).unwrap();
    b.client.goto(&s.url("/#/login")).await.unwrap();
    b.find("login-form").await;
    b.js("fetch('/api/v1/auth/me');", vec![]).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        b.console_errors().await.is_empty(),
        "a 401 is network noise, not an error"
    );
    b.js(
        "setTimeout(() => { throw new Error('boom-in-page'); }); \
             const s = document.createElement('script'); s.textContent = 'window.x = 1'; \
             document.body.appendChild(s);",
        vec![],
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let errors = b.console_errors().await;
    assert!(
        errors.iter().any(|e| e.contains("boom-in-page")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("Content Security Policy")),
        "an inline script is refused by the CSP and reported: {errors:?}"
    );
    // and no Chromium process outlives the session, whether closed or just dropped
    let profile = b.profile_dir();
    assert!(!xianyu_tests::browser::processes_mentioning(&profile).is_empty());
    drop(b);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        xianyu_tests::browser::processes_mentioning(&profile),
        Vec::<u32>::new(),
        "Chromium processes left behind"
    );
}

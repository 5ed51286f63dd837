//! Every page, in both languages, both themes and at desktop and phone width: it renders, logs
//! no JavaScript error or CSP violation, and does not scroll sideways on a phone. With
//! `XIANYU_PAGE_SHOTS=<dir>` each variant of each page is saved there as a PNG, to look at.

use super::{Site, screenshot_dir};
use reqwest::Method;
use serde_json::json;
use xianyu_tests::browser::run;

#[tokio::test]
async fn every_page_renders_cleanly_in_both_languages_and_on_a_phone() {
    let Some(site) = Site::start().await else {
        return;
    };
    let (id, unb, item) = site.online_account("会员月卡").await;
    site.buyer_says(&unb, "2200000000321", &item, "在吗").await;
    let (st, card) = site
        .s
        .call(
            Method::POST,
            "/api/v1/cards",
            Some(&site.token),
            Some(json!({"name": "月卡", "body": {"type": "text", "text": "卡密 XYZ"}})),
        )
        .await;
    assert_eq!(st, reqwest::StatusCode::CREATED, "{card}");
    let card = card["id"].as_i64().unwrap();
    let pages = [
        ("/".to_owned(), "page-overview"),
        ("/accounts".to_owned(), "page-accounts"),
        ("/verifications".to_owned(), "page-verifications"),
        (
            format!("/accounts/{id}/conversations"),
            "page-conversations",
        ),
        (format!("/accounts/{id}/replies"), "page-replies"),
        (format!("/accounts/{id}/items"), "page-items"),
        ("/cards".to_owned(), "page-cards"),
        (format!("/cards/{card}"), "page-card-stock"),
        ("/delivery-rules".to_owned(), "page-delivery-rules"),
        ("/orders".to_owned(), "page-orders"),
        ("/review".to_owned(), "page-review"),
        ("/stats".to_owned(), "page-stats"),
        ("/logs".to_owned(), "page-logs"),
        ("/users".to_owned(), "page-users"),
        ("/settings".to_owned(), "page-settings"),
        ("/system".to_owned(), "page-system"),
    ];
    let password = site.password.clone();
    run("pages", &site.base(), |b| async move {
        b.login("admin", &password).await;
        // each language and each theme once at each width
        let variants = [
            ("zh-CN", "light", 1440),
            ("en", "dark", 1440),
            ("zh-CN", "dark", 375),
            ("en", "light", 375),
        ];
        for (lang, theme, width) in variants {
            b.client.set_window_size(width, 900).await.unwrap();
            b.js(
                "localStorage.setItem('xy.lang', arguments[0]); \
                     localStorage.setItem('xy.theme', arguments[1]);",
                vec![json!(lang), json!(theme)],
            )
            .await;
            for (route, root) in &pages {
                b.open(route).await;
                b.client.refresh().await.unwrap();
                b.find(root).await;
                b.until(
                    &format!("{route} in {lang}"),
                    &format!("document.documentElement.lang === '{lang}'"),
                )
                .await;
                // let the page's data arrive before judging it
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                if width < 500 {
                    let inner = b.js("return window.innerWidth;", vec![]).await;
                    assert!(
                        inner.as_i64().unwrap_or(0) <= 400,
                        "a phone-wide viewport: {inner}"
                    );
                    let overflow = b
                        .js(
                            "return document.documentElement.scrollWidth - window.innerWidth;",
                            vec![],
                        )
                        .await;
                    if overflow.as_i64().unwrap_or(0) > 1 {
                        // name the widest culprits (deepest first), to fix them
                        let wide = b
                            .js(
                                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
                                vec![],
                            )
                            .await;
                        panic!("{route} ({lang}) scrolls sideways at {width} px by {overflow} px: {wide}");
                    }
                }
                let scheme = b
                    .js(
                        "return getComputedStyle(document.documentElement).colorScheme;",
                        vec![],
                    )
                    .await;
                assert_eq!(
                    scheme,
                    json!(theme),
                    "{route}: the pinned theme is in effect"
                );
                if let Some(dir) = screenshot_dir("XIANYU_PAGE_SHOTS") {
                    let name = format!("{root}-{lang}-{theme}-{width}.png");
                    b.screenshot(&dir.join(name)).await;
                }
                let errors = b.console_errors().await;
                assert!(
                    errors.is_empty(),
                    "{route} ({lang}, {theme}, {width} px): {errors:#?}"
                );
            }
        }
    })
    .await;
}

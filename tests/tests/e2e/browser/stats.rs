//! The statistics page: a buyer message answered by the default reply shows on today's
//! figures; the range buttons ask for 7, 30 or 90 days; the account filter keeps its account.

use super::Site;
use reqwest::Method;
use serde_json::json;
use xianyu_tests::browser::run;

#[tokio::test]
async fn todays_reply_shows_and_the_range_and_account_filters_apply() {
    let Some(site) = Site::start().await else {
        return;
    };
    let (id, unb, item) = site.online_account("统计页商品").await;
    let (st, v) = site
        .s
        .call(
            Method::POST,
            &format!("/api/v1/accounts/{id}/default-replies"),
            Some(&site.token),
            Some(json!({"reply": {"type": "text", "text": "您好"}})),
        )
        .await;
    assert_eq!(st, reqwest::StatusCode::CREATED, "{v}");
    site.buyer_says(&unb, "2200000000931", &item, "在吗").await;
    xianyu_tests::eventually(15, "the reply recorded", || async {
        let (_, v) = site
            .s
            .call(Method::GET, "/api/v1/stats", Some(&site.token), None)
            .await;
        (v["days"][6]["auto_replies"]["default"] == 1).then_some(())
    })
    .await;
    let password = site.password.clone();
    run("stats", &site.base(), |b| async move {
        b.login("admin", &password).await;
        b.open("/stats").await;
        b.until_css("seven days", "[data-test='stats-totals'][data-days='7']")
            .await;
        let replies = b.find("stats-auto-replies").await.text().await.unwrap();
        assert!(replies.contains('1'), "{replies}");
        let messages = b.find("stats-buyer-messages").await.text().await.unwrap();
        assert!(messages.contains('1'), "{messages}");
        b.until(
            "three charts drawn",
            "document.querySelectorAll('.uplot').length === 3",
        )
        .await;
        b.click("stats-range-30").await;
        b.until_css("thirty days", "[data-test='stats-totals'][data-days='30']")
            .await;
        b.select("stats-account", &id.to_string()).await;
        b.until(
            "the account in the address",
            &format!("location.hash.includes('account_id={id}')"),
        )
        .await;
        b.until_css(
            "still thirty days",
            "[data-test='stats-totals'][data-days='30']",
        )
        .await;
        b.assert_clean_console().await;
    })
    .await;
}

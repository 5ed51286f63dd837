//! The accounts page: add an account from a pasted cookie and see it come online live, edit,
//! disable and delete it.

use super::{Site, screenshot_dir};
use xianyu_tests::browser::run;

#[tokio::test]
async fn an_added_account_turns_online_and_can_be_managed() {
    let Some(site) = Site::start().await else {
        return;
    };
    let base = site.sim.base_url();
    let (_, cookie, _) = xianyu_tests::sim_seller(&site.s.client, &base, "会员月卡").await;
    let (_, second, _) = xianyu_tests::sim_seller(&site.s.client, &base, "电子书").await;
    let password = site.password.clone();
    run("accounts", &site.base(), |b| async move {
        b.login("admin", &password).await;
        b.open("/accounts").await;
        b.click("account-add").await;
        // checked before saving: no unb, no save
        b.fill("account-cookie", "cookie2=abc; t=1").await;
        let check = b.find("cookie-check").await;
        assert_eq!(check.attr("data-ok").await.unwrap().as_deref(), Some("false"));
        b.fill("account-cookie", &cookie).await;
        b.until_css("a valid cookie", "[data-test='cookie-check'][data-ok='true']")
            .await;
        b.fill("account-remark", "一号店").await;
        b.click("account-submit").await;
        b.until_css(
            "the new account online",
            "[data-test='account-row'][data-status='online']",
        )
        .await;
        let row = b.find("account-row").await;
        let id = row.attr("data-account-id").await.unwrap().unwrap_or_default();
        assert!(row.text().await.unwrap().contains("一号店"));
        let html = b.client.source().await.unwrap();
        assert!(!html.contains("cookie2="), "the cookie is never shown again");

        b.click("account-add").await;
        b.fill("account-cookie", &second).await;
        b.fill("account-remark", "二号店").await;
        b.click("account-submit").await;
        b.until(
            "both online",
            "document.querySelectorAll(\"[data-test='account-row'][data-status='online']\").length === 2",
        )
        .await;
        if let Some(dir) = screenshot_dir("XIANYU_SCREENSHOTS") {
            b.screenshot(&dir.join("accounts.png")).await;
        }

        // edit the remark
        let row = format!("[data-test='account-row'][data-account-id='{id}']");
        b.find_css(&format!("{row} [data-test='account-edit']"))
            .await
            .click()
            .await
            .unwrap();
        b.find("account-edit-form").await;
        b.fill("account-remark", "主店").await;
        b.click("account-edit-submit").await;
        b.until(
            "the new remark",
            &format!("document.querySelector(\"{row}\").textContent.includes('主店')"),
        )
        .await;
        // disable: the badge says so
        b.toggle(&row, "account-enabled").await;
        b.until_css("disabled", &format!("{row}[data-status='disabled']"))
            .await;
        // delete, after confirming
        b.find_css(&format!("{row} [data-test='account-delete']"))
            .await
            .click()
            .await
            .unwrap();
        b.click("confirm-ok").await;
        b.until(
            "the row is gone",
            &format!("!document.querySelector(\"{row}\")"),
        )
        .await;
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
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

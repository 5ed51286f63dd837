//! The replies page: a keyword rule made in the browser answers a buyer (the chat shows the
//! rule), the message test explains it, and an Excel import goes through its dry run before
//! it is applied.

use super::{Site, screenshot_dir};
use reqwest::Method;
use xianyu_tests::browser::run;

#[tokio::test]
async fn a_rule_made_in_the_browser_answers_and_an_import_is_dry_run_first() {
    let Some(site) = Site::start().await else {
        return;
    };
    let (id, unb, item) = site.online_account("会员月卡").await;
    // the template workbook (three example rows) is what the seller fills in
    let template = site
        .s
        .client
        .get(
            site.s
                .url(&format!("/api/v1/accounts/{id}/keywords-template.xlsx")),
        )
        .bearer_auth(&site.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("keywords.xlsx");
    std::fs::write(&xlsx, &template).unwrap();
    let xlsx = xlsx.display().to_string();
    let password = site.password.clone();
    let site = std::sync::Arc::new(site);
    let (s2, unb2, item2) = (site.clone(), unb.clone(), item.clone());
    run("replies", &site.base(), |b| async move {
        let (site, unb, item) = (s2, unb2, item2);
        b.login("admin", &password).await;
        b.open(&format!("/accounts/{id}/replies")).await;
        b.find("page-replies").await;
        b.click("keyword-rule-add").await;
        b.find("keyword-rule-form").await;
        b.fill("keyword-rule-keywords", "包邮").await;
        b.fill("keyword-rule-reply-text", "全国包邮，{buyer_name}请放心").await;
        b.click("keyword-rule-submit").await;
        b.until_css("the new rule", "[data-test='keyword-rule-row']").await;
        // the message test explains which level answers
        b.fill("preview-message", "包邮吗").await;
        b.click("preview-submit").await;
        b.until_css(
            "the preview fired the keyword rule",
            "[data-test='preview-result'][data-level='general_keyword']",
        )
        .await;
        b.find("decision-steps").await;
        // ... in the interface's language, with the rule's values
        b.until(
            "the explanation in Chinese",
            "document.querySelector(\"[data-test='decision-steps']\").textContent.includes('关键词「包邮」命中（包含')",
        )
        .await;
        if let Some(dir) = screenshot_dir("XIANYU_PAGE_SHOTS") {
            b.screenshot(&dir.join("replies-preview.png")).await;
        }
        // the buyer asks; the chat shows the automatic reply and its rule
        site.buyer_says(&unb, "2200000000888", &item, "可以包邮吗").await;
        b.open(&format!("/accounts/{id}/conversations")).await;
        b.click("conversation-row").await;
        b.until_css(
            "the automatic reply with its rule",
            "[data-test='chat-message'][data-direction='auto_reply'][data-rule-level='general_keyword']",
        )
        .await;
        b.until(
            "rendered for this buyer",
            "document.querySelector(\"[data-test='chat-message'][data-direction='auto_reply']\").textContent.includes('小李请放心')",
        )
        .await;
        // Excel: choose a file, read the dry-run report, then apply
        b.open(&format!("/accounts/{id}/replies")).await;
        b.click("tab-import").await;
        b.find("xlsx-input").await.send_keys(&xlsx).await.unwrap();
        b.until_css(
            "the dry-run report",
            "[data-test='import-report'][data-applied='false']",
        )
        .await;
        let valid = b.find("import-valid").await.text().await.unwrap();
        assert!(valid.contains('3'), "three valid rows in the template: {valid}");
        b.click("import-apply").await;
        b.find("import-applied").await;
        b.click("tab-keywords").await;
        b.until(
            "the imported rules listed",
            "document.querySelectorAll(\"[data-test='keyword-rule-row']\").length === 4",
        )
        .await;
    })
    .await;
    let (_, rules) = site
        .s
        .call(
            Method::GET,
            &format!("/api/v1/accounts/{id}/keyword-rules"),
            Some(&site.token),
            None,
        )
        .await;
    assert_eq!(rules.as_array().map(Vec::len), Some(4), "{rules}");
}

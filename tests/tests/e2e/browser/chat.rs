//! The chat view: a buyer's message arrives live, the seller answers by hand, an automatic
//! reply shows the rule that fired, a message from the phone pauses replies until lifted.

use super::{Site, screenshot_dir};
use reqwest::Method;
use serde_json::json;
use xianyu_tests::browser::run;

#[tokio::test]
async fn a_buyer_message_arrives_live_and_is_answered_by_hand() {
    let Some(site) = Site::start().await else {
        return;
    };
    let (id, unb, item) = site.online_account("游戏激活码").await;
    let (st, _) = site
        .s
        .call(
            Method::POST,
            &format!("/api/v1/accounts/{id}/keyword-rules"),
            Some(&site.token),
            Some(json!({"keywords": ["价格"], "reply": {"type": "text", "text": "{buyer_name}您好，价格见商品页，拍下自动发货"}})),
        )
        .await;
    assert_eq!(st, reqwest::StatusCode::CREATED);
    let password = site.password.clone();
    let site = std::sync::Arc::new(site);
    let (s2, unb2) = (site.clone(), unb.clone());
    run("chat", &site.base(), |b| async move {
        let (site, unb) = (s2, unb2);
        b.login("admin", &password).await;
        b.open(&format!("/accounts/{id}/conversations")).await;
        b.find("page-conversations").await;
        b.find("live-indicator").await;
        b.until_css("live events connected", "[data-test='live-indicator'][data-state='open']")
            .await;
        site.buyer_says(&unb, "2200000000777", &item, "在吗？还有货吗").await;
        // the conversation appears without a reload
        b.click("conversation-row").await;
        b.find("chat-view").await;
        b.until(
            "the buyer's message",
            "[...document.querySelectorAll(\"[data-test='chat-message'][data-direction='buyer']\")].some(m => m.textContent.includes('还有货吗'))",
        )
        .await;
        b.fill("chat-input", "有的，您直接拍就行").await;
        b.click("chat-send").await;
        b.until(
            "the seller's answer from the dashboard",
            "[...document.querySelectorAll(\"[data-test='chat-message'][data-direction='dashboard']\")].some(m => m.textContent.includes('直接拍'))",
        )
        .await;
        // an automatic reply, with the rule that fired
        site.buyer_says(&unb, "2200000000777", &item, "价格多少").await;
        b.until_css(
            "the automatic reply with its rule",
            "[data-test='chat-message'][data-direction='auto_reply'][data-rule-level='general_keyword']",
        )
        .await;
        b.until(
            "the reply's text",
            "document.querySelector(\"[data-test='chat-message'][data-direction='auto_reply']\").textContent.includes('小李您好')",
        )
        .await;
        if let Some(dir) = screenshot_dir("XIANYU_SCREENSHOTS") {
            b.screenshot(&dir.join("chat.png")).await;
        }
        // the seller writes on the phone: a takeover pauses replies; the banner lifts it
        site.sim(
            &format!("/_sim/accounts/{unb}/push-kind"),
            Some(json!({"kind": "manual_seller_message", "text": "我在手机上回复"})),
        )
        .await;
        b.until_css(
            "the phone message",
            "[data-test='chat-message'][data-direction='seller_manual']",
        )
        .await;
        b.find("takeover-banner").await;
        b.click("lift-pause").await;
        b.until(
            "the pause lifted",
            "!document.querySelector(\"[data-test='takeover-banner']\")",
        )
        .await;
    })
    .await;
    let sent = site.sim(&format!("/_sim/accounts/{unb}/sent"), None).await;
    let texts: Vec<&str> = sent
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert!(texts.contains(&"有的，您直接拍就行"), "{texts:?}");
}

//! Cards, delivery rules and orders: a stock card and a rule made in the browser deliver a
//! simulated order, which the orders page shows delivered with its content.

use super::Site;
use serde_json::json;
use xianyu_tests::browser::run;

#[tokio::test]
async fn a_card_and_rule_made_in_the_browser_deliver_a_paid_order() {
    let Some(site) = Site::start().await else {
        return;
    };
    let (id, unb, item) = site.online_account("游戏激活码").await;
    let password = site.password.clone();
    let site = std::sync::Arc::new(site);
    let s2 = site.clone();
    run("orders", &site.base(), |b| async move {
        let site = s2;
        b.login("admin", &password).await;
        // a stock card with two codes
        b.open("/cards").await;
        b.click("card-add").await;
        b.find("card-form").await;
        b.fill("card-name", "激活码库存").await;
        b.select("card-kind", "stock").await;
        b.click("card-submit").await;
        b.find("card-row").await;
        b.click("card-stock-link").await;
        b.find("page-card-stock").await;
        b.fill("stock-lines", "CODE-A\nCODE-B").await;
        b.click("stock-submit").await;
        b.until(
            "two lines in stock",
            "document.querySelector(\"[data-test='stock-available']\").textContent.includes('2')",
        )
        .await;
        // a rule for the item, then the preview says which card an order gets
        b.open("/delivery-rules").await;
        b.click("delivery-rule-add").await;
        b.find("delivery-rule-form").await;
        b.select("delivery-rule-kind", "item_id").await;
        b.fill("delivery-rule-value", &item).await;
        b.click("delivery-rule-submit").await;
        b.find("delivery-rule-row").await;
        b.select("delivery-preview-account", &id.to_string()).await;
        b.fill("delivery-preview-item", &item).await;
        b.click("delivery-preview-submit").await;
        let result = b.find("delivery-preview-result").await;
        assert_eq!(
            result.attr("data-units").await.unwrap().as_deref(),
            Some("1"),
            "one unit of the card"
        );
        // a buyer orders and pays; the orders page shows it delivered, live
        b.open("/orders").await;
        b.find("page-orders").await;
        let order = site
            .sim(
                &format!("/_sim/accounts/{unb}/orders"),
                Some(json!({"item_id": item, "buyer_id": "2200000000999"})),
            )
            .await["order_id"]
            .as_str()
            .unwrap()
            .to_owned();
        site.sim(&format!("/_sim/orders/{order}/pay"), Some(json!({})))
            .await;
        let row = format!("[data-test='order-row'][data-xianyu-order-id='{order}']");
        b.until_css(
            "the order delivered",
            &format!("{row}[data-outcome='delivered']"),
        )
        .await;
        b.find_css(&format!("{row} [data-test='order-link']"))
            .await
            .click()
            .await
            .unwrap();
        b.until_css("the order page", "[data-test='page-order'][data-outcome='delivered']")
            .await;
        b.until(
            "the delivered content",
            "document.querySelector(\"[data-test='delivered-content']\").textContent.includes('CODE-A')",
        )
        .await;
    })
    .await;
}

//! mtop order apis: consign.dummy, freeshipping, order.detail (spec §8.2 item 6).
#![allow(clippy::unwrap_used)]

use crate::common::Sim;
use serde_json::json;

#[tokio::test]
async fn consign_requires_paid_and_counts_calls() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let item = sim.item(&unb, "虚拟商品", 500).await;
    let o = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/orders"),
            json!({"item_id": item}),
        )
        .await;
    let oid = o["order_id"].as_str().unwrap();
    assert_eq!(oid.len(), 19);
    let data = format!(r#"{{"orderId":"{oid}", "tradeText":"","picList":[],"newUnconsign":true}}"#);
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idle.logistic.consign.dummy", &data)
        .await;
    assert!(
        r.ret0().starts_with("FAIL_BIZ_"),
        "unpaid order must not ship"
    );
    sim.ok_post(&format!("/_sim/orders/{oid}/pay"), json!({}))
        .await;
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idle.logistic.consign.dummy", &data)
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idle.logistic.consign.dummy", &data)
        .await;
    assert!(r.ret0().starts_with("FAIL_BIZ_"), "already shipped");
    let s = sim.get(&format!("/_sim/orders/{oid}")).await.1;
    assert_eq!(s["shipped"], true);
    assert_eq!(s["status"], "shipped");
    assert_eq!(s["consign_calls"], 3);
}

#[tokio::test]
async fn free_shipping_records_exact_data() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let item = sim.item(&unb, "小刀商品", 900).await;
    let o = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/orders"),
            json!({"item_id": item, "buyer_id": "2200000000777"}),
        )
        .await;
    let oid = o["order_id"].as_str().unwrap();
    sim.ok_post(&format!("/_sim/orders/{oid}/bargain"), json!({}))
        .await;
    let quoted =
        format!(r#"{{"bizOrderId":"{oid}", "itemId":"{item}","buyerId":"2200000000777"}}"#);
    let r = sim
        .mtop_ok(
            &mut jar,
            "mtop.idle.groupon.activity.seller.freeshipping",
            &quoted,
        )
        .await;
    assert!(r.ret0().starts_with("FAIL_BIZ_"), "ids must be numbers");
    let data = format!(r#"{{"bizOrderId":"{oid}", "itemId":{item},"buyerId":2200000000777}}"#);
    let r = sim
        .mtop_ok(
            &mut jar,
            "mtop.idle.groupon.activity.seller.freeshipping",
            &data,
        )
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
    let s = sim.get(&format!("/_sim/orders/{oid}")).await.1;
    assert_eq!(s["free_shipping_calls"], 2);
    assert_eq!(s["free_shipping_data"], json!([quoted, data]));
    assert_eq!(s["bargain"], "done");
    let d = sim
        .mtop_ok(
            &mut jar,
            "mtop.idle.web.trade.order.detail",
            &format!(r#"{{"tid":"{oid}"}}"#),
        )
        .await;
    let nodes = &d.body["data"]["components"][2]["data"]["orderStatusNodeList"];
    assert_eq!(nodes[0], json!({"title": "已刀成", "completed": true}));
}

#[tokio::test]
async fn order_detail_shape() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let v = sim
        .ok_post(&format!("/_sim/accounts/{unb}/items"), json!({"title": "多规格", "price_fen": 1000, "skus": [{"name": "颜色", "value": "红色", "price_fen": 1200, "stock": 5}]}))
        .await;
    let item = v["item_id"].as_str().unwrap();
    let o = sim
        .ok_post(&format!("/_sim/accounts/{unb}/orders"), json!({"item_id": item, "buyer_id": "2200000000123", "sku": {"name": "颜色", "value": "红色"}, "quantity": 2}))
        .await;
    let oid = o["order_id"].as_str().unwrap();
    sim.ok_post(&format!("/_sim/orders/{oid}/pay"), json!({}))
        .await;
    let d = sim
        .mtop_ok(
            &mut jar,
            "mtop.idle.web.trade.order.detail",
            &format!(r#"{{"tid":"{oid}"}}"#),
        )
        .await;
    let data = &d.body["data"];
    assert_eq!(data["peerUserId"], "2200000000123");
    assert_eq!(data["itemId"], item);
    let c = data["components"].as_array().unwrap();
    assert_eq!(c[0]["render"], "orderInfoVO");
    assert_eq!(c[0]["data"]["itemInfo"]["skuInfo"], "颜色:红色");
    assert_eq!(c[0]["data"]["itemInfo"]["buyAmount"], 2);
    assert_eq!(c[0]["data"]["buyerUserId"], "2200000000123");
    assert!(
        c[0]["data"]["orderInfoList"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["label"].as_str().unwrap().contains("时间"))
    );
    assert_eq!(c[1]["render"], "addressInfoVO");
    assert!(c[1]["data"]["phoneNumber"].is_string());
    assert_eq!(c[2]["render"], "orderStatusVO");
    let nodes = c[2]["data"]["orderStatusNodeList"].as_array().unwrap();
    assert!(nodes.contains(&json!({"title": "已付款", "completed": true})));
    assert!(nodes.contains(&json!({"title": "待发货", "completed": false})));
    let s = sim.get(&format!("/_sim/orders/{oid}")).await.1;
    assert_eq!(s["amount_fen"], 2400);
}

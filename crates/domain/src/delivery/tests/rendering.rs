use super::*;
use serde_json::json;

#[test]
fn message_template_wraps_content_with_order_values() {
    let card = Card {
        message_template: Some(
            DeliveryTemplate::parse(
                "{{订单 {order_id}}} {item_id}/{buyer_id} {spec_name}:{spec_value} x{quantity} {amount}\n{content}",
            )
            .unwrap(),
        ),
        ..text_card()
    };
    let mut order = facts();
    order.spec = spec("颜色", "红色");
    assert_eq!(
        render_message(&card, "CODE-1", &order),
        "{订单 3001} 100/777 颜色:红色 x2 ¥19.90\nCODE-1"
    );
    order.spec = None;
    assert_eq!(
        render_message(&card, "C", &order),
        "{订单 3001} 100/777 : x2 ¥19.90\nC"
    );
}

#[test]
fn without_template_the_content_is_sent_as_is() {
    assert_eq!(
        render_message(&text_card(), "CODE-1 {x}", &facts()),
        "CODE-1 {x}"
    );
}

#[test]
fn content_is_not_re_expanded() {
    let card = Card {
        message_template: Some(DeliveryTemplate::parse("[{content}]").unwrap()),
        ..text_card()
    };
    assert_eq!(
        render_message(&card, "{order_id}", &facts()),
        "[{order_id}]"
    );
}

#[test]
fn http_body_renders_order_values() {
    assert_eq!(
        render_http_body(&fetch(), &facts()),
        r#"{"order":"3001","n":2}"#
    );
    let none = HttpFetchSpec {
        body_template: None,
        ..fetch()
    };
    assert_eq!(render_http_body(&none, &facts()), "");
    let all =
        DeliveryTemplate::parse("{item_id}&{buyer_id}&{spec_name}&{spec_value}&{amount}").unwrap();
    let mut order = facts();
    order.spec = spec("套餐", "年卡");
    order.amount_fen = 5;
    let spec = HttpFetchSpec {
        body_template: Some(all),
        ..fetch()
    };
    assert_eq!(render_http_body(&spec, &order), "100&777&套餐&年卡&¥0.05");
}

#[test]
fn pick_json_paths() {
    let v = json!({
        "data": {"code": "A1", "codes": ["X", "Y"], "n": 7, "ok": true, "none": null,
                 "obj": {"k": 1}, "grid": [[1, 2], [3, 4]]},
        "list": [{"code": "L0"}]
    });
    assert_eq!(pick_json(&v, "data.code").as_deref(), Some("A1"));
    assert_eq!(pick_json(&v, "$.data.code").as_deref(), Some("A1"));
    assert_eq!(pick_json(&v, "data.codes[0]").as_deref(), Some("X"));
    assert_eq!(pick_json(&v, "$.data.codes[1]").as_deref(), Some("Y"));
    assert_eq!(pick_json(&v, "data.grid[1][0]").as_deref(), Some("3"));
    assert_eq!(pick_json(&v, "list[0].code").as_deref(), Some("L0"));
    assert_eq!(pick_json(&v, "data.n").as_deref(), Some("7"));
    assert_eq!(pick_json(&v, "data.ok").as_deref(), Some("true"));
    assert_eq!(pick_json(&v, "data.obj").as_deref(), Some(r#"{"k":1}"#));
    assert_eq!(pick_json(&json!(["a"]), "$[0]").as_deref(), Some("a"));
    assert_eq!(pick_json(&json!("s"), "$").as_deref(), Some("s"));
    assert_eq!(pick_json(&json!(3), ".").as_deref(), Some("3"));
    for missing in [
        "data.none",
        "data.codes[2]",
        "data.nope",
        "data.code.x",
        "data[0]",
    ] {
        assert_eq!(pick_json(&v, missing), None, "{missing}");
    }
    for bad in [
        "data..code",
        "data.codes[",
        "data.codes[x]",
        "data.codes[]",
        "$..a",
    ] {
        assert_eq!(pick_json(&v, bad), None, "{bad}");
    }
}

#[test]
fn extract_content_from_answers() {
    let body = r#"{"data":{"codes":["K-1"]}}"#;
    assert_eq!(
        extract_content(body, Some("data.codes[0]")).as_deref(),
        Some("K-1")
    );
    assert_eq!(extract_content(body, Some("data.codes[1]")), None);
    assert_eq!(extract_content("not json", Some("data")), None);
    assert_eq!(extract_content("  K-2 \n", None).as_deref(), Some("K-2"));
    assert_eq!(extract_content(" \n", None), None);
}

//! Reading the `data` of successful mtop answers: the seller item list (§2.4.3), item detail
//! (§2.4.2) and order detail (§2.4.6). Lenient by design: a missing field is `None`, never an
//! error, because Goofish changes its answers without notice.

use serde_json::Value;

/// One item of the seller's item list (`data.cardList[].cardData`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemCard {
    /// `id`.
    pub item_id: String,
    /// `title`.
    pub title: String,
    /// `priceInfo.price` in fen, when it parses.
    pub price_fen: Option<i64>,
    /// `itemStatus`, as text.
    pub status: String,
    /// `picInfo.picUrl`, made absolute (`https:`) when protocol-relative.
    pub pic_url: Option<String>,
}

/// One page of the seller item list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPage {
    /// The items of the page.
    pub items: Vec<ItemCard>,
}

impl ItemPage {
    /// Whether another page should be read: the page was full (§2.4.3 stops on a short page).
    pub fn is_full(&self, page_size: u32) -> bool {
        u32::try_from(self.items.len()).is_ok_and(|n| n >= page_size && n > 0)
    }
}

/// What the item-detail answer says (`data.itemDO`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDetailInfo {
    /// `title`.
    pub title: String,
    /// `desc`.
    pub description: String,
    /// `soldPrice` in fen.
    pub price_fen: Option<i64>,
    /// Whether `skuList` is non-empty (the item has specs).
    pub multi_spec: bool,
}

/// What the order-detail answer says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderDetailInfo {
    /// `itemInfo.itemId`, else `data.itemId`.
    pub item_id: Option<String>,
    /// `buyerUserId` / `buyerId`, else `data.peerUserId`.
    pub buyer_id: Option<String>,
    /// `itemInfo.skuInfo` (`规格名:规格值`) split at the first `:` (or `：`).
    pub spec: Option<(String, String)>,
    /// `itemInfo.buyAmount`.
    pub quantity: Option<u32>,
    /// The paid amount in fen: the `实付款` row of `orderInfoList`, else `price × buyAmount`.
    pub amount_fen: Option<i64>,
    /// Titles of completed `orderStatusNodeList` nodes.
    pub completed_nodes: Vec<String>,
    /// `orderStatusInfo.title`.
    pub status_title: Option<String>,
}

impl OrderDetailInfo {
    /// "Can ship" (§2.4.6): `已付款` completed and `待发货` not completed.
    pub fn can_ship(&self) -> bool {
        self.completed_nodes.iter().any(|t| t == "已付款")
            && !self.completed_nodes.iter().any(|t| t == "待发货")
    }
}

/// A yuan amount (`"9.90"`, `"¥12"`, `12.5`) in fen; `None` when it does not parse.
pub fn yuan_to_fen(v: &Value) -> Option<i64> {
    let text = match v {
        Value::String(s) => s.trim().trim_start_matches(['¥', '￥']).trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(cents)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads one page of `mtop.idle.web.xyh.item.list`.
pub fn parse_item_list(data: &Value) -> ItemPage {
    let items = data
        .get("cardList")
        .and_then(Value::as_array)
        .map(|cards| {
            cards
                .iter()
                .filter_map(|c| c.get("cardData"))
                .filter_map(|d| {
                    Some(ItemCard {
                        item_id: text(d.get("id"))?,
                        title: text(d.get("title")).unwrap_or_default(),
                        price_fen: d.pointer("/priceInfo/price").and_then(yuan_to_fen),
                        status: text(d.get("itemStatus")).unwrap_or_default(),
                        pic_url: text(d.pointer("/picInfo/picUrl")).map(|u| {
                            if u.starts_with("//") {
                                format!("https:{u}")
                            } else {
                                u
                            }
                        }),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    ItemPage { items }
}

/// Reads `mtop.taobao.idle.pc.detail`; `None` without `data.itemDO`.
pub fn parse_item_detail(data: &Value) -> Option<ItemDetailInfo> {
    let item = data.get("itemDO")?;
    Some(ItemDetailInfo {
        title: text(item.get("title")).unwrap_or_default(),
        description: text(item.get("desc")).unwrap_or_default(),
        price_fen: item.get("soldPrice").and_then(yuan_to_fen),
        multi_spec: item
            .get("skuList")
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty()),
    })
}

fn component<'a>(data: &'a Value, render: &str) -> Option<&'a Value> {
    data.get("components")?
        .as_array()?
        .iter()
        .find(|c| c.get("render").and_then(Value::as_str) == Some(render))?
        .get("data")
}

/// Reads `mtop.idle.web.trade.order.detail`.
pub fn parse_order_detail(data: &Value) -> OrderDetailInfo {
    let info = component(data, "orderInfoVO");
    let item = info.and_then(|i| i.get("itemInfo"));
    let quantity = item
        .and_then(|i| i.get("buyAmount"))
        .and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0);
    let spec = item
        .and_then(|i| text(i.get("skuInfo")))
        .and_then(|s| {
            let (name, value) = s.split_once(':').or_else(|| s.split_once('：'))?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .filter(|(n, v)| !n.is_empty() && !v.is_empty());
    let paid_row = info
        .and_then(|i| i.get("orderInfoList"))
        .and_then(Value::as_array)
        .and_then(|rows| {
            rows.iter().find_map(|r| {
                let label = text(r.get("label").or(r.get("key")).or(r.get("name")))?;
                label
                    .contains("实付")
                    .then(|| r.get("value").or(r.get("text")).and_then(yuan_to_fen))?
            })
        });
    let unit_price = item.and_then(|i| i.get("price")).and_then(yuan_to_fen);
    let amount_fen = paid_row
        .or_else(|| unit_price.and_then(|p| p.checked_mul(i64::from(quantity.unwrap_or(1)))));
    let status = component(data, "orderStatusVO");
    let completed_nodes = status
        .and_then(|s| s.get("orderStatusNodeList"))
        .and_then(Value::as_array)
        .map(|nodes| {
            nodes
                .iter()
                .filter(|n| n.get("completed").and_then(Value::as_bool) == Some(true))
                .filter_map(|n| text(n.get("title")))
                .collect()
        })
        .unwrap_or_default();
    OrderDetailInfo {
        item_id: item
            .and_then(|i| text(i.get("itemId")))
            .or_else(|| text(data.get("itemId"))),
        buyer_id: info
            .and_then(|i| text(i.get("buyerUserId")).or_else(|| text(i.get("buyerId"))))
            .or_else(|| text(data.get("peerUserId"))),
        spec,
        quantity,
        amount_fen,
        completed_nodes,
        status_title: status.and_then(|s| text(s.pointer("/orderStatusInfo/title"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn yuan_amounts() {
        assert_eq!(yuan_to_fen(&json!("9.90")), Some(990));
        assert_eq!(yuan_to_fen(&json!("¥12")), Some(1200));
        assert_eq!(yuan_to_fen(&json!("12.5")), Some(1250));
        assert_eq!(yuan_to_fen(&json!(3)), Some(300));
        assert_eq!(yuan_to_fen(&json!("1.234")), None);
        assert_eq!(yuan_to_fen(&json!("abc")), None);
        assert_eq!(yuan_to_fen(&json!("-1")), None);
        assert_eq!(yuan_to_fen(&json!(null)), None);
    }

    #[test]
    fn order_detail_fields() {
        let data = json!({
        "peerUserId": "2200000000001", "itemId": "900000000001",
        "components": [
            {"render": "orderInfoVO", "data": {
                "itemInfo": {"itemId": "900000000001", "buyAmount": 3, "price": "9.90", "skuInfo": "颜色:红色"},
                "orderInfoList": [{"label": "订单编号", "value": "1"}, {"label": "实付款", "value": "29.70"}],
                "buyerUserId": "2200000000001"}},
            {"render": "orderStatusVO", "data": {"orderStatusNodeList": [
                {"title": "已付款", "completed": true}, {"title": "待发货", "completed": false}],
                "orderStatusInfo": {"title": "待发货"}}}
        ]});
        let d = parse_order_detail(&data);
        assert_eq!(d.item_id.as_deref(), Some("900000000001"));
        assert_eq!(d.buyer_id.as_deref(), Some("2200000000001"));
        assert_eq!(d.spec, Some(("颜色".into(), "红色".into())));
        assert_eq!(d.quantity, Some(3));
        assert_eq!(d.amount_fen, Some(2970));
        assert!(d.can_ship());
        assert_eq!(d.status_title.as_deref(), Some("待发货"));
    }

    #[test]
    fn order_detail_falls_back_and_tolerates_garbage() {
        let data = json!({"peerUserId": 7, "components": [{"render": "orderInfoVO", "data": {
            "itemInfo": {"buyAmount": "2", "price": "5", "skuInfo": ""}}}]});
        let d = parse_order_detail(&data);
        assert_eq!(d.buyer_id.as_deref(), Some("7"));
        assert_eq!(d.amount_fen, Some(1000));
        assert_eq!(d.spec, None);
        assert!(!d.can_ship());
        assert_eq!(parse_order_detail(&json!("x")), OrderDetailInfo::default());
    }

    #[test]
    fn item_list_and_detail() {
        let page = parse_item_list(&json!({"cardList": [
            {"cardType": 1003, "cardData": {"id": 900000000001u64, "title": "激活码", "priceInfo": {"price": "9.9"}, "itemStatus": 0, "picInfo": {"picUrl": "//img/x.jpg"}}},
            {"cardType": 1003, "cardData": {"title": "no id"}}
        ]}));
        assert_eq!(page.items.len(), 1);
        let item = &page.items[0];
        assert_eq!(item.item_id, "900000000001");
        assert_eq!(item.price_fen, Some(990));
        assert_eq!(item.status, "0");
        assert_eq!(item.pic_url.as_deref(), Some("https://img/x.jpg"));
        assert!(!page.is_full(20));
        let d = parse_item_detail(
            &json!({"itemDO": {"title": "t", "desc": "d", "soldPrice": "1.00", "skuList": [{}]}}),
        )
        .unwrap();
        assert_eq!((d.price_fen, d.multi_spec), (Some(100), true));
        assert!(parse_item_detail(&json!({})).is_none());
    }
}

//! Business handlers of the mtop apis (spec §8.2 item 6).

use crate::mtop::{API_TOKEN, Outcome};
use crate::proto::IM_APP_KEY;
use crate::state::{BargainState, ImToken, Inner, Order, OrderStatus, SimState, rand_alnum};
use serde_json::{Value, json};

/// Generic business error for a bad parameter (`[infer]` text).
fn param_error(msg: &str) -> Outcome {
    Outcome::ret(&format!("FAIL_BIZ_PARAM_ERROR::{msg}"))
}

/// Dispatches a validated mtop call.
pub(crate) fn dispatch(
    state: &SimState,
    inner: &mut Inner,
    unb: &str,
    api: &str,
    data: &str,
) -> Outcome {
    let parsed: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    match api {
        API_TOKEN => login_token(state, inner, unb, &parsed),
        "mtop.taobao.idle.pc.detail" => item_detail(inner, &parsed),
        "mtop.idle.web.xyh.item.list" => item_list(inner, unb, &parsed),
        "mtop.taobao.idle.logistic.consign.dummy" => consign(inner, unb, &parsed),
        "mtop.idle.groupon.activity.seller.freeshipping" => {
            free_shipping(inner, unb, data, &parsed)
        }
        "mtop.idle.web.trade.order.detail" => order_detail(inner, unb, &parsed),
        "mtop.taobao.idlemessage.pc.loginuser.get" => Outcome::ok(json!({})),
        "mtop.taobao.idlemessage.pc.user.query" => user_query(inner, unb, &parsed),
        "mtop.taobao.idlemessage.pc.profile.notice.update" => Outcome::ok(json!({"success": true})),
        _ => Outcome::ret("FAIL_SYS_API_NOT_FOUNDED::请求API不存在"),
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

impl SimState {
    /// Mints an IM access token for (unb, did), superseding older ones for the same pair.
    pub(crate) fn mint_im_token(&self, inner: &mut Inner, unb: &str, did: &str) -> (String, i64) {
        let now = self.now_ms();
        for t in inner.tokens.values_mut() {
            if t.unb == unb && t.did == did {
                t.superseded = true;
            }
        }
        let token = format!("oauth_k1:{}", rand_alnum(64));
        let expires_at = now + self.config.im_token_ttl_ms;
        inner.tokens.insert(
            token.clone(),
            ImToken {
                unb: unb.to_string(),
                did: did.to_string(),
                issued_at: now,
                expires_at,
                superseded: false,
            },
        );
        (token, expires_at)
    }
}

fn login_token(state: &SimState, inner: &mut Inner, unb: &str, data: &Value) -> Outcome {
    if str_field(data, "appKey") != Some(IM_APP_KEY) {
        return param_error("appKey错误");
    }
    let Some(did) = str_field(data, "deviceId").filter(|d| d.ends_with(&format!("-{unb}"))) else {
        return param_error("deviceId不合法");
    };
    let (token, exp) = state.mint_im_token(inner, unb, did);
    Outcome::ok(json!({"accessToken": token, "accessTokenExpiredTime": exp}))
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn item_detail(inner: &Inner, data: &Value) -> Outcome {
    let id = data
        .get("itemId")
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .unwrap_or_default();
    for acc in inner.accounts.values() {
        if let Some(item) = acc.item(&id) {
            let quantity: i64 = if item.skus.is_empty() {
                1
            } else {
                item.skus.iter().map(|s| s.stock).sum()
            };
            let image = format!("//img.alicdn.com/fake/item-{}.jpg", item.id);
            let skus: Vec<Value> = item
                .skus
                .iter()
                .map(|s| json!({"propertyList": [{"propertyText": s.name, "valueText": s.value}], "price": s.price_fen, "quantity": s.stock}))
                .collect();
            return Outcome::ok(json!({
                "itemDO": {
                    "itemId": item.id,
                    "title": item.title,
                    "desc": item.description,
                    "soldPrice": yuan(item.price_fen),
                    "quantity": quantity,
                    "skuList": skus,
                    "images": [{"url": image}],
                    "imageInfos": [{"url": image}],
                },
                "sellerDO": {"sellerId": acc.unb, "nick": acc.nick},
            }));
        }
    }
    Outcome::ret("FAIL_BIZ_ITEM_NOT_EXIST::商品不存在")
}

fn item_list(inner: &Inner, unb: &str, data: &Value) -> Outcome {
    let user = data.get("userId").map(|v| {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string())
    });
    if user.as_deref() != Some(unb) {
        return param_error("userId不匹配");
    }
    let page = data
        .get("pageNumber")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1) as usize;
    let size = data
        .get("pageSize")
        .and_then(Value::as_u64)
        .unwrap_or(20)
        .clamp(1, 100) as usize;
    let Some(acc) = inner.accounts.get(unb) else {
        return param_error("userId不匹配");
    };
    let cards: Vec<Value> = acc
        .items
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|i| {
            json!({"cardType": 1003, "cardData": {
                "id": i.id,
                "title": i.title,
                "priceInfo": {"price": yuan(i.price_fen), "preText": "¥"},
                "categoryId": 50_025_969,
                "auctionType": "b",
                "itemStatus": 0,
                "detailUrl": format!("fleamarket://item?id={}", i.id),
                "picInfo": {"picUrl": format!("//img.alicdn.com/fake/item-{}.jpg", i.id), "width": 800, "height": 800},
                "detailParams": {"itemId": i.id},
                "trackParams": {},
            }})
        })
        .collect();
    let next = page * size < acc.items.len();
    Outcome::ok(json!({"cardList": cards, "nextPage": next, "totalCount": acc.items.len()}))
}

fn order_of<'a>(inner: &'a mut Inner, unb: &str, id: &str) -> Option<&'a mut Order> {
    inner.orders.get_mut(id).filter(|o| o.unb == unb)
}

fn id_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn consign(inner: &mut Inner, unb: &str, data: &Value) -> Outcome {
    let id = id_field(data, "orderId").unwrap_or_default();
    let Some(o) = order_of(inner, unb, &id) else {
        return Outcome::ret("FAIL_BIZ_ORDER_NOT_EXIST::订单不存在");
    };
    o.consign_calls += 1;
    if o.status != OrderStatus::Paid || o.shipped {
        return Outcome::ret("FAIL_BIZ_ORDER_STATUS_ERROR::订单状态不允许发货");
    }
    o.shipped = true;
    o.status = OrderStatus::Shipped;
    Outcome::ok(json!({}))
}

fn free_shipping(inner: &mut Inner, unb: &str, raw: &str, data: &Value) -> Outcome {
    let id = id_field(data, "bizOrderId").unwrap_or_default();
    let Some(o) = order_of(inner, unb, &id) else {
        return Outcome::ret("FAIL_BIZ_ORDER_NOT_EXIST::订单不存在");
    };
    o.free_shipping_calls += 1;
    o.free_shipping_data.push(raw.to_string());
    let num = |k: &str| data.get(k).filter(|v| v.is_u64()).map(Value::to_string);
    if num("itemId").as_deref() != Some(o.item_id.as_str()) {
        return param_error("itemId不匹配");
    }
    if num("buyerId").as_deref() != Some(o.buyer_id.as_str()) {
        return param_error("buyerId不匹配");
    }
    o.bargain = BargainState::Done;
    if o.status == OrderStatus::WaitingPayment {
        o.status = OrderStatus::Paid;
    }
    Outcome::ok(json!({}))
}

fn order_detail(inner: &mut Inner, unb: &str, data: &Value) -> Outcome {
    let id = id_field(data, "tid").unwrap_or_default();
    let Some(o) = order_of(inner, unb, &id).map(|o| o.clone()) else {
        return Outcome::ret("FAIL_BIZ_ORDER_NOT_EXIST::订单不存在");
    };
    let paid = o.status != OrderStatus::WaitingPayment;
    let mut nodes = Vec::new();
    match o.bargain {
        BargainState::Pending => nodes.push(json!({"title": "待刀成", "completed": false})),
        BargainState::Done => nodes.push(json!({"title": "已刀成", "completed": true})),
        BargainState::None => {}
    }
    nodes.push(json!({"title": "已付款", "completed": paid}));
    nodes.push(json!({"title": "待发货", "completed": o.shipped}));
    nodes.push(json!({"title": "待收货", "completed": false}));
    nodes.push(json!({"title": "交易成功", "completed": false}));
    let title = match (o.status, o.bargain) {
        (_, BargainState::Pending) => "待刀成",
        (OrderStatus::WaitingPayment, _) => "等待买家付款",
        (OrderStatus::Paid, BargainState::Done) => "已刀成",
        (OrderStatus::Paid, _) => "待发货",
        (OrderStatus::Shipped, _) => "待收货",
    };
    let sku_info = o
        .sku
        .as_ref()
        .map(|s| {
            format!(
                "{}:{}",
                str_field(s, "name").unwrap_or_default(),
                str_field(s, "value").unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let unit = if o.quantity > 0 {
        o.amount_fen / o.quantity
    } else {
        o.amount_fen
    };
    let created = chrono_like(o.created_at);
    Outcome::ok(json!({
        "peerUserId": o.buyer_id,
        "itemId": o.item_id,
        "components": [
            {"render": "orderInfoVO", "data": {
                "itemInfo": {"itemId": o.item_id, "buyAmount": o.quantity, "price": yuan(unit), "skuInfo": sku_info},
                "orderInfoList": [
                    {"label": "订单编号", "value": o.order_id},
                    {"label": "下单时间", "value": created},
                    {"label": "实付款", "value": yuan(o.amount_fen)},
                ],
                "buyerUserId": o.buyer_id,
            }},
            {"render": "addressInfoVO", "data": {"name": "测试买家", "phoneNumber": "138****0000", "address": "浙江省杭州市余杭区测试路1号"}},
            {"render": "orderStatusVO", "data": {"orderStatusNodeList": nodes, "orderStatusInfo": {"title": title}}},
        ],
    }))
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of a ms timestamp, without a date library.
fn chrono_like(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn user_query(inner: &Inner, unb: &str, data: &Value) -> Outcome {
    let cid = id_field(data, "sessionId").unwrap_or_default();
    let cid = cid.trim_end_matches("@goofish");
    let Some(c) = inner.accounts.get(unb).and_then(|a| a.conversation(cid)) else {
        return Outcome::ret("FAIL_BIZ_SESSION_NOT_EXIST::会话不存在");
    };
    Outcome::ok(json!({"userInfo": {
        "fishNick": c.buyer_name,
        "nick": c.buyer_name,
        "logo": format!("//img.alicdn.com/fake/avatar-{}.png", c.buyer_id),
        "userId": c.buyer_id,
    }}))
}

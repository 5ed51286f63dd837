//! mtop HTTP API: request building, signing (§2.1–§2.2, §2.4) and response classification (§2.3).

mod answers;
mod outcome;

pub use answers::{
    ItemCard, ItemDetailInfo, ItemPage, OrderDetailInfo, parse_item_detail, parse_item_list,
    parse_order_detail, yuan_to_fen,
};

pub use outcome::{CAPTCHA_MARKERS, MtopOutcome, classify_response, ret_codes, split_ret};

use crate::constants::{self as c, IM_APP_KEY, JSV, MTOP_APP_KEY};
use crate::json::{q, quote};
use md5::{Digest, Md5};

/// Computes the mtop sign: lowercase hex MD5 of `token&t&34839810&data` (§2.2).
pub fn sign(token: &str, t: &str, data: &str) -> String {
    let mut h = Md5::new();
    h.update(token.as_bytes());
    h.update(b"&");
    h.update(t.as_bytes());
    h.update(b"&");
    h.update(MTOP_APP_KEY.as_bytes());
    h.update(b"&");
    h.update(data.as_bytes());
    let digest = h.finalize();
    let mut out = String::with_capacity(32);
    for b in digest.iter() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// One mtop call: API name, version, the exact `data` string and the API-specific query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MtopRequest {
    /// API name, e.g. `mtop.taobao.idle.pc.detail`.
    pub api: &'static str,
    /// API version, `1.0` or `4.0`.
    pub version: &'static str,
    /// The exact JSON string that is signed and sent as form field `data`.
    pub data: String,
    /// API-specific query parameters appended after the common ones (values not URL-encoded).
    pub extra_query: Vec<(&'static str, &'static str)>,
    /// `spm_cnt` query value, when the API sends one.
    pub spm_cnt: Option<&'static str>,
    /// When true, only `jsv, appKey, t, sign, v, type, accountSite, dataType` are sent (user.query).
    pub minimal_query: bool,
}

impl MtopRequest {
    /// A request with the common query shape and no API-specific extras.
    pub fn new(api: &'static str, version: &'static str, data: String) -> Self {
        Self {
            api,
            version,
            data,
            extra_query: Vec::new(),
            spm_cnt: None,
            minimal_query: false,
        }
    }

    /// URL path: `/h5/<api>/<version>/`.
    pub fn path(&self) -> String {
        format!("/h5/{}/{}/", self.api, self.version)
    }

    /// The full query in reference order, including `sign` (§2.1). Values are not URL-encoded.
    pub fn query(&self, token: &str, t: &str) -> Vec<(String, String)> {
        let mut qv: Vec<(String, String)> = Vec::with_capacity(16 + self.extra_query.len());
        let mut push = |k: &str, v: &str| qv.push((k.to_owned(), v.to_owned()));
        push("jsv", JSV);
        push("appKey", MTOP_APP_KEY);
        push("t", t);
        push("sign", &sign(token, t, &self.data));
        push("v", self.version);
        push("type", "originaljson");
        push("accountSite", "xianyu");
        push("dataType", "json");
        if !self.minimal_query {
            push("timeout", "20000");
            push("api", self.api);
            push("sessionOption", "AutoLoginOnly");
            if let Some(spm) = self.spm_cnt {
                push("spm_cnt", spm);
            }
            for (k, v) in &self.extra_query {
                push(k, v);
            }
        }
        qv
    }

    /// Form body: `data=<form-urlencoded data>`.
    pub fn form_body(&self) -> String {
        let encoded: String = url::form_urlencoded::byte_serialize(self.data.as_bytes()).collect();
        format!("data={encoded}")
    }
}

/// IM login token request; data exactly `{"appKey":"444e…","deviceId":"<did>"}` (§2.4.1).
pub fn login_token(device_id: &str) -> MtopRequest {
    let data = format!(r#"{{"appKey":"{IM_APP_KEY}","deviceId":{}}}"#, q(device_id));
    let mut r = MtopRequest::new(c::API_LOGIN_TOKEN, "1.0", data);
    r.spm_cnt = Some(c::SPM_CNT_IM);
    r.extra_query = vec![
        ("dangerouslySetWindvaneParams", "[object Object]"),
        ("smToken", "token"),
        ("queryToken", "sm"),
        ("sm", "sm"),
        ("spm_pre", "a21ybx.home.sidebar.1.4c053da6vYwnmf"),
        ("log_id", "4c053da6vYwnmf"),
    ];
    r
}

/// Item detail request; data `{"itemId":"<id>"}` (§2.4.2).
pub fn item_detail(item_id: &str) -> MtopRequest {
    let mut r = MtopRequest::new(
        c::API_ITEM_DETAIL,
        "1.0",
        format!(r#"{{"itemId":{}}}"#, q(item_id)),
    );
    r.spm_cnt = Some(c::SPM_CNT_IM);
    r
}

/// Seller item list request; compact ASCII-escaped JSON in reference key order (§2.4.3).
pub fn item_list(unb: &str, page: u32, page_size: u32) -> MtopRequest {
    let data = format!(
        r#"{{"needGroupInfo":false,"pageNumber":{page},"pageSize":{page_size},"groupName":{},"groupId":"58877261","defaultGroup":true,"userId":{}}}"#,
        quote("在售", true),
        quote(unb, true)
    );
    let mut r = MtopRequest::new(c::API_ITEM_LIST, "1.0", data);
    r.spm_cnt = Some(c::SPM_CNT_IM);
    r.extra_query = vec![("spm_pre", "a21ybx.collection.menu.1.272b5141NafCNK")];
    r
}

/// Confirm-shipment request; data exact, including the space after the first comma (§2.4.4).
pub fn consign_dummy(order_id: &str) -> MtopRequest {
    let data = format!(
        r#"{{"orderId":{}, "tradeText":"","picList":[],"newUnconsign":true}}"#,
        q(order_id)
    );
    MtopRequest::new(c::API_CONSIGN_DUMMY, "1.0", data)
}

/// Splices a numeric id unquoted when it is all digits, else as a JSON string (keeps JSON valid).
fn number_or_string(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        s.to_owned()
    } else {
        q(s)
    }
}

/// Bargain free-shipping request; `itemId` and `buyerId` unquoted numbers (§2.4.5).
pub fn free_shipping(order_id: &str, item_id: &str, buyer_id: &str) -> MtopRequest {
    let data = format!(
        r#"{{"bizOrderId":{}, "itemId":{},"buyerId":{}}}"#,
        q(order_id),
        number_or_string(item_id),
        number_or_string(buyer_id)
    );
    MtopRequest::new(c::API_FREE_SHIPPING, "1.0", data)
}

/// Order detail request; data `{"tid":"<orderId>"}` (§2.4.6).
pub fn order_detail(order_id: &str) -> MtopRequest {
    let mut r = MtopRequest::new(
        c::API_ORDER_DETAIL,
        "1.0",
        format!(r#"{{"tid":{}}}"#, q(order_id)),
    );
    r.spm_cnt = Some(c::SPM_CNT_ORDER_DETAIL);
    r
}

/// Login heartbeat request; data `{}` (§2.4.7).
pub fn loginuser_get() -> MtopRequest {
    let mut r = MtopRequest::new(c::API_LOGINUSER_GET, "1.0", "{}".to_owned());
    r.spm_cnt = Some(c::SPM_CNT_ITEM);
    r.extra_query = vec![
        ("spm_pre", "a21ybx.item.want.1.12523da6waCtUp"),
        ("log_id", "12523da6waCtUp"),
    ];
    r
}

/// Peer profile request, v4.0 with the minimal query (§2.4.8).
pub fn user_query(cid: &str) -> MtopRequest {
    let cid = crate::ids::strip_goofish(cid);
    let data = format!(
        r#"{{"type":0,"sessionType":1,"sessionId":{},"isOwner":false}}"#,
        q(cid)
    );
    let mut r = MtopRequest::new(c::API_USER_QUERY, "4.0", data);
    r.minimal_query = true;
    r
}

/// Notification settings request; data `{"oprType":2,"appKeys":["444e…"]}` (§2.4.9).
pub fn notice_update() -> MtopRequest {
    let data = format!(r#"{{"oprType":2,"appKeys":["{IM_APP_KEY}"]}}"#);
    let mut r = MtopRequest::new(c::API_NOTICE_UPDATE, "1.0", data);
    r.spm_cnt = Some(c::SPM_CNT_ITEM);
    r
}

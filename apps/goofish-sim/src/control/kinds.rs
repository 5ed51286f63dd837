//! Arbitrary pushes, the named push kinds of spec §8.4 item 10, and F16 malformed payloads.

use crate::error::ControlError;
use crate::push::{self, ChatMsg};
use crate::state::{Inner, SimState, account_mut};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

/// Body of `POST /_sim/accounts/{unb}/push`.
#[derive(Debug, Clone, Deserialize)]
pub struct PushRequest {
    /// `/s/sync` (default), `/s/para` or `/s/vulcan`.
    pub lwp: Option<String>,
    /// objectType (default 40000).
    pub object_type: Option<i64>,
    /// bizType (default 40).
    pub biz_type: Option<i64>,
    /// The decoded payload (or, with `raw`, the exact `data` string).
    pub payload: Value,
    /// `msgpack` (default), `json` or `raw`.
    pub encoding: Option<String>,
}

/// Body of `POST /_sim/accounts/{unb}/push-kind`.
#[derive(Debug, Clone, Deserialize)]
pub struct PushKindRequest {
    /// One of `red_reminder`, `card_update`, `system_text`, `group_message`, `marketing_tip`,
    /// `manual_seller_message`, `status`, `typing`, `vulcan_hint`.
    pub kind: String,
    /// Conversation (no suffix); defaults to the order's, the (buyer,item) one, or the latest.
    pub cid: Option<String>,
    /// Text override.
    pub text: Option<String>,
    /// Order for card updates.
    pub order_id: Option<String>,
    /// Item id.
    pub item_id: Option<String>,
    /// Buyer id.
    pub buyer_id: Option<String>,
}

fn lwp_static(lwp: Option<&str>) -> Result<&'static str, ControlError> {
    match lwp.unwrap_or("/s/sync") {
        "/s/sync" => Ok("/s/sync"),
        "/s/para" => Ok("/s/para"),
        "/s/vulcan" => Ok("/s/vulcan"),
        o => Err(ControlError::bad_request(
            "invalid_lwp",
            format!("lwp must be /s/sync, /s/para or /s/vulcan, got {o}"),
        )),
    }
}

/// Conversation context of a push: (cid, buyer, buyer name, item).
struct Ctx {
    cid: String,
    buyer: String,
    name: String,
    item: String,
}

impl SimState {
    /// Pushes an arbitrary payload; returns `{frames}`.
    pub fn push_custom(&self, unb: &str, req: PushRequest) -> Result<Value, ControlError> {
        let lwp = lwp_static(req.lwp.as_deref())?;
        let mut inner = self.lock();
        account_mut(&mut inner, unb)?;
        let data = match req.encoding.as_deref().unwrap_or("msgpack") {
            "msgpack" => self.encode(&req.payload, Some(crate::PushEncoding::Msgpack)),
            "json" => self.encode(&req.payload, Some(crate::PushEncoding::Json)),
            "raw" => match &req.payload {
                Value::String(s) => s.clone(),
                _ => {
                    return Err(ControlError::bad_request(
                        "invalid_payload",
                        "raw encoding needs a string payload",
                    ));
                }
            },
            o => {
                return Err(ControlError::bad_request(
                    "invalid_encoding",
                    format!("encoding must be msgpack, json or raw, got {o}"),
                ));
            }
        };
        let el = push::element(
            req.biz_type.unwrap_or(40),
            req.object_type.unwrap_or(40000),
            data.clone(),
        );
        let frames = self.push_elements(&mut inner, unb, lwp, vec![el], None);
        Ok(json!({"frames": frames, "data": data}))
    }

    fn ctx(inner: &mut Inner, unb: &str, req: &PushKindRequest) -> Result<Ctx, ControlError> {
        let order = req
            .order_id
            .as_ref()
            .and_then(|o| inner.orders.get(o))
            .cloned();
        if let (Some(o), None) = (&req.order_id, &order) {
            return Err(ControlError::not_found(
                "order_not_found",
                format!("order {o} not found"),
            ));
        }
        let acc = account_mut(inner, unb)?;
        let cid = req.cid.clone().or(order.as_ref().map(|o| o.cid.clone()));
        let found = match (&cid, &req.buyer_id) {
            (Some(c), _) => acc.conversation(c).cloned(),
            (None, Some(b)) => acc
                .conversations
                .iter()
                .find(|c| &c.buyer_id == b && req.item_id.as_ref().is_none_or(|i| *i == c.item_id))
                .cloned(),
            (None, None) => acc.conversations.last().cloned(),
        };
        if let Some(c) = found {
            return Ok(Ctx {
                cid: c.cid,
                buyer: c.buyer_id,
                name: c.buyer_name,
                item: c.item_id,
            });
        }
        if let Some(c) = cid {
            return Err(ControlError::not_found(
                "conversation_not_found",
                format!("conversation {c} not found"),
            ));
        }
        let buyer = match &req.buyer_id {
            Some(b) => b.clone(),
            None => {
                inner.next_buyer += 1;
                inner.next_buyer.to_string()
            }
        };
        let item = req.item_id.clone().unwrap_or_default();
        let cid = Self::conversation_for(inner, unb, &buyer, None, &item)
            .ok_or_else(|| ControlError::not_found("account_not_found", unb))?;
        Ok(Ctx {
            cid,
            buyer,
            name: "测试买家".into(),
            item,
        })
    }

    /// Pushes one of the named message kinds of spec §8.4 item 10.
    pub fn push_kind(&self, unb: &str, req: PushKindRequest) -> Result<Value, ControlError> {
        let mut inner = self.lock();
        let c = Self::ctx(&mut inner, unb, &req)?;
        let now = self.now_ms();
        let pnm = Self::next_pnm(&mut inner);
        let nick = inner
            .accounts
            .get(unb)
            .map(|a| a.nick.clone())
            .unwrap_or_default();
        let text = req.text.clone();
        let chat = |sender: &str, default: &str, title: &str| {
            let mut m = ChatMsg::text(
                sender,
                &c.cid,
                &pnm,
                now,
                text.as_deref().unwrap_or(default),
                title,
            );
            m.item_id = c.item.clone();
            m.peer_id = c.buyer.clone();
            m
        };
        let frames = match req.kind.as_str() {
            "system_text" => {
                self.push_chat(&mut inner, unb, &chat(&c.buyer, "[你已发货]", &c.name))
            }
            "group_message" => {
                let mut m = chat(&c.buyer, "大家好，这是群消息", "闲鱼群聊");
                m.session_type = "30";
                self.push_chat(&mut inner, unb, &m)
            }
            "marketing_tip" => {
                let mut m = chat(
                    &c.buyer,
                    "闲鱼小贴士：完善商品描述可以提升曝光",
                    "闲鱼小助手",
                );
                m.ext_json = json!({"msgArg1": "MsgTips", "messageId": m.message_id});
                self.push_chat(&mut inner, unb, &m)
            }
            "manual_seller_message" => {
                let mut m = chat(unb, "你好，我是卖家本人", &nick);
                m.need_push = false;
                m.ext_json = json!({"messageId": m.message_id});
                self.push_chat(&mut inner, unb, &m)
            }
            "red_reminder" => {
                let v = push::red_reminder(&c.cid, text.as_deref().unwrap_or("等待卖家发货"), now);
                let el = push::element(40, 40000, self.encode(&v, None));
                self.push_elements(&mut inner, unb, "/s/sync", vec![el], None)
            }
            "card_update" => {
                let t = text.as_deref().unwrap_or("[我已付款，等待你发货]");
                let v = push::card_update(
                    &pnm,
                    &c.cid,
                    t,
                    req.order_id.as_deref(),
                    &c.item,
                    &c.buyer,
                    now,
                );
                let el = push::element(40, 40000, self.encode(&v, None));
                self.push_elements(&mut inner, unb, "/s/sync", vec![el], None)
            }
            "status" => {
                let el = push::element(
                    40,
                    40103,
                    self.encode(&push::status(&pnm, &c.cid, now), None),
                );
                self.push_elements(&mut inner, unb, "/s/sync", vec![el], None)
            }
            "typing" => {
                let uid = req.buyer_id.as_deref().unwrap_or(unb);
                let el = push::element(40, 40006, self.encode(&push::typing(&c.cid, uid), None));
                self.push_elements(&mut inner, unb, "/s/para", vec![el], None)
            }
            "vulcan_hint" => {
                let v = push::vulcan_hint(
                    &c.cid,
                    unb,
                    &c.item,
                    text.as_deref().unwrap_or("宝贝还在吗？"),
                );
                let el = push::element(
                    370,
                    370000,
                    self.encode(&v, Some(crate::PushEncoding::Json)),
                );
                self.push_elements(&mut inner, unb, "/s/vulcan", vec![el], None)
            }
            o => {
                return Err(ControlError::bad_request(
                    "unknown_kind",
                    format!("unknown push kind {o:?}"),
                ));
            }
        };
        Ok(json!({"frames": frames, "cid": c.cid, "message_id": pnm}))
    }

    /// Pushes F16 malformed payloads (`ext`, `truncated`, `non_map`, `unpadded`, `all`).
    pub(crate) fn push_malformed(
        &self,
        inner: &mut Inner,
        unb: &str,
        variant: &str,
        cid: Option<&str>,
    ) -> Result<usize, ControlError> {
        let req = PushKindRequest {
            kind: String::new(),
            cid: cid.map(str::to_string),
            text: None,
            order_id: None,
            item_id: None,
            buyer_id: None,
        };
        let c = Self::ctx(inner, unb, &req)?;
        let now = self.now_ms();
        let variants: Vec<&str> = match variant {
            "all" => vec!["ext", "truncated", "non_map", "unpadded"],
            v @ ("ext" | "truncated" | "non_map" | "unpadded") => vec![v],
            o => {
                return Err(ControlError::bad_request(
                    "invalid_variant",
                    format!("unknown malformed variant {o:?}"),
                ));
            }
        };
        let mut frames = 0;
        for v in variants {
            let pnm = Self::next_pnm(inner);
            let data = match v {
                "ext" => STANDARD.encode([0x81, 0x01, 0xd4, 0x01, 0x02]),
                "non_map" => STANDARD.encode([0x93, 0x01, 0x02, 0x03]),
                "truncated" => {
                    let m =
                        ChatMsg::text(&c.buyer, &c.cid, &pnm, now, "truncated", &c.name).to_map();
                    let bytes = crate::proto::msgpack_bytes(&m);
                    STANDARD.encode(&bytes[..bytes.len() / 2])
                }
                _ => {
                    let mut text = String::from("unpadded base64 message");
                    loop {
                        let mut m = ChatMsg::text(&c.buyer, &c.cid, &pnm, now, &text, &c.name);
                        m.item_id = c.item.clone();
                        let bytes = crate::proto::msgpack_bytes(&m.to_map());
                        if !bytes.len().is_multiple_of(3) {
                            break STANDARD.encode(&bytes).trim_end_matches('=').to_string();
                        }
                        text.push('!');
                    }
                }
            };
            let el = push::element(40, 40000, data);
            frames += self.push_elements(inner, unb, "/s/sync", vec![el], None);
        }
        Ok(frames)
    }
}

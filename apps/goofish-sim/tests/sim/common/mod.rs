//! Shared client-side helpers for the simulator's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use futures_util::{SinkExt, StreamExt};
use goofish_protocol::cookies::CookieJar;
use goofish_protocol::{ids, lwp, mtop, payload};
use goofish_sim::{GoofishSim, SimConfig, SimHandle};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub const UA: &str = goofish_protocol::constants::REG_UA;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn mid() -> String {
    ids::mid(now_ms(), &mut rand::rng())
}

pub struct Sim {
    pub h: SimHandle,
    pub http: reqwest::Client,
}

pub struct MtopResp {
    pub status: u16,
    pub body: Value,
    pub set_cookies: Vec<String>,
    pub text: String,
}

impl MtopResp {
    pub fn ret0(&self) -> String {
        self.body["ret"][0].as_str().unwrap_or_default().to_string()
    }
}

impl Sim {
    pub fn start() -> Self {
        Self::start_with(SimConfig::default())
    }

    pub fn start_with(cfg: SimConfig) -> Self {
        Self {
            h: GoofishSim::start(cfg).unwrap(),
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.h.base_url(), path)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn ok_post(&self, path: &str, body: Value) -> Value {
        let (s, v) = self.post(path, body).await;
        assert_eq!(s, 200, "POST {path} -> {v}");
        v
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        let r = self.http.delete(self.url(path)).send().await.unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn fault(&self, body: Value) -> Value {
        self.ok_post("/_sim/faults", body).await
    }

    /// Creates an account; returns (unb, cookie jar).
    pub async fn account(&self) -> (String, CookieJar) {
        let v = self.ok_post("/_sim/accounts", json!({})).await;
        (
            v["unb"].as_str().unwrap().to_string(),
            CookieJar::parse(v["cookie"].as_str().unwrap()),
        )
    }

    pub async fn item(&self, unb: &str, title: &str, price_fen: i64) -> String {
        let v = self
            .ok_post(
                &format!("/_sim/accounts/{unb}/items"),
                json!({"title": title, "price_fen": price_fen}),
            )
            .await;
        v["item_id"].as_str().unwrap().to_string()
    }

    /// One signed mtop call, with `t` in ms.
    pub async fn mtop(&self, jar: &CookieJar, api: &str, data: &str) -> MtopResp {
        self.mtop_t(jar, api, data, &now_ms().to_string()).await
    }

    pub async fn mtop_t(&self, jar: &CookieJar, api: &str, data: &str, t: &str) -> MtopResp {
        let sign = mtop::sign(jar.m_h5_token(), t, data);
        self.mtop_raw(jar, api, data, t, &sign).await
    }

    pub async fn mtop_raw(
        &self,
        jar: &CookieJar,
        api: &str,
        data: &str,
        t: &str,
        sign: &str,
    ) -> MtopResp {
        let url = format!(
            "{}/h5/{api}/1.0/?jsv=2.7.2&appKey=34839810&t={t}&sign={sign}&v=1.0&type=originaljson&accountSite=xianyu&dataType=json&timeout=20000&api={api}&sessionOption=AutoLoginOnly",
            self.h.base_url()
        );
        let body = format!("data={}", url_encode(data));
        let r = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", jar.to_header())
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let set_cookies = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let text = r.text().await.unwrap();
        MtopResp {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            set_cookies,
            text,
        }
    }

    /// mtop call that merges Set-Cookie and retries once on token errors.
    pub async fn mtop_ok(&self, jar: &mut CookieJar, api: &str, data: &str) -> MtopResp {
        let r = self.mtop(jar, api, data).await;
        for c in &r.set_cookies {
            jar.merge_set_cookie(c, now_ms());
        }
        if r.ret0().starts_with("FAIL_SYS_TOKEN") {
            let r2 = self.mtop(jar, api, data).await;
            for c in &r2.set_cookies {
                jar.merge_set_cookie(c, now_ms());
            }
            return r2;
        }
        r
    }

    /// Gets an IM token; returns (token, did).
    pub async fn im_token(&self, jar: &mut CookieJar, unb: &str) -> (String, String) {
        let did = ids::device_id(unb, &mut rand::rng());
        let data = format!(r#"{{"appKey":"444e9908a51d1cb236a27862abc769c9","deviceId":"{did}"}}"#);
        let r = self
            .mtop_ok(jar, "mtop.taobao.idlemessage.pc.login.token", &data)
            .await;
        assert_eq!(r.ret0(), "SUCCESS::调用成功", "{}", r.text);
        (
            r.body["data"]["accessToken"].as_str().unwrap().to_string(),
            did,
        )
    }

    pub async fn ws(&self, jar: &CookieJar) -> Ws {
        let mut req = self.h.ws_url().into_client_request().unwrap();
        req.headers_mut()
            .insert("cookie", jar.to_header().parse().unwrap());
        let (stream, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        Ws { stream }
    }

    /// Token + connect + /reg (asserting 200) + ackDiff (asserting 200).
    pub async fn online(&self, unb: &str, jar: &mut CookieJar) -> (Ws, String, String) {
        let (token, did) = self.im_token(jar, unb).await;
        let mut ws = self.ws(jar).await;
        let reply = ws.reg(&token, &did).await;
        assert_eq!(reply["code"], 200, "{reply}");
        let m = mid();
        ws.send(&lwp::ack_diff(now_ms(), &m)).await;
        let r = ws.reply_to(&m).await;
        assert_eq!(r["code"], 200);
        (ws, token, did)
    }

    pub async fn journal(&self, query: &str) -> Vec<Value> {
        let (s, v) = self.get(&format!("/_sim/journal{query}")).await;
        assert_eq!(s, 200);
        v.as_array().unwrap().clone()
    }

    pub async fn stats(&self) -> Value {
        self.get("/_sim/stats").await.1
    }
}

pub fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Debug)]
pub enum WsEvent {
    Json(Value),
    Closed(Option<u16>),
    Timeout,
    Error(String),
}

pub struct Ws {
    pub stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Ws {
    pub async fn send(&mut self, text: &str) {
        self.stream.send(Message::text(text)).await.unwrap();
    }

    pub async fn event(&mut self, ms: u64) -> WsEvent {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
        loop {
            match tokio::time::timeout_at(deadline, self.stream.next()).await {
                Err(_) => return WsEvent::Timeout,
                Ok(None) => return WsEvent::Closed(None),
                Ok(Some(Err(e))) => return WsEvent::Error(e.to_string()),
                Ok(Some(Ok(Message::Text(t)))) => {
                    return WsEvent::Json(serde_json::from_str(t.as_str()).unwrap());
                }
                Ok(Some(Ok(Message::Close(c)))) => {
                    return WsEvent::Closed(c.map(|c| u16::from(c.code)));
                }
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    pub async fn next(&mut self, ms: u64) -> Option<Value> {
        match self.event(ms).await {
            WsEvent::Json(v) => Some(v),
            _ => None,
        }
    }

    /// Waits for the response with this mid (skipping and acking pushes).
    pub async fn reply_to(&mut self, mid: &str) -> Value {
        loop {
            let v = self.next(3000).await.expect("no reply");
            if v.get("lwp").is_some() {
                self.ack(&v).await;
                continue;
            }
            if v["headers"]["mid"] == mid {
                return v;
            }
        }
    }

    /// Next push frame (has `lwp`), without acking it.
    pub async fn push(&mut self, ms: u64) -> Option<Value> {
        loop {
            let v = self.next(ms).await?;
            if v.get("lwp").is_some() {
                return Some(v);
            }
        }
    }

    pub async fn ack(&mut self, frame: &Value) {
        let f = lwp::ServerFrame::parse(&frame.to_string()).unwrap();
        self.send(&lwp::ack(&f, &mid())).await;
    }

    pub async fn reg(&mut self, token: &str, did: &str) -> Value {
        let m = mid();
        self.send(&lwp::reg(token, did, UA, &m)).await;
        self.reply_to(&m).await
    }

    pub async fn request(&mut self, frame: &str) -> Value {
        let v: Value = serde_json::from_str(frame).unwrap();
        let m = v["headers"]["mid"].as_str().unwrap().to_string();
        self.send(frame).await;
        self.reply_to(&m).await
    }
}

/// Decodes every `data[]` element of a push frame.
pub fn decode_all(frame: &Value) -> Vec<Result<Value, goofish_protocol::ProtocolError>> {
    frame["body"]["syncPushPackage"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| payload::decode_payload(e["data"].as_str().unwrap()))
        .collect()
}

/// Decodes the single element of a push frame.
pub fn decode_one(frame: &Value) -> Value {
    let mut all = decode_all(frame);
    assert_eq!(all.len(), 1, "{frame}");
    all.remove(0).unwrap()
}

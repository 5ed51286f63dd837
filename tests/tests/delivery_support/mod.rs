//! Fixtures of the delivery tests: a live shop (server + simulator + online account), cards and
//! rules through the API, orders through the simulator, and a local HTTP endpoint that plays an
//! API card's remote service.
#![allow(clippy::unwrap_used, dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use xianyu_tests::{Backend, TestServer, eventually, sim_call, sim_seller};

/// A server and simulator with one online seller account.
pub struct Shop {
    /// The server.
    pub s: TestServer,
    /// The simulator.
    pub sim: goofish_sim::SimHandle,
    /// The simulator's control base URL.
    pub base: String,
    /// A plain HTTP client.
    pub http: reqwest::Client,
    /// The admin's token.
    pub token: String,
    /// The seller's unb.
    pub unb: String,
    /// The first item's id.
    pub item: String,
    /// The account id in our API.
    pub account: i64,
}

impl Shop {
    /// Starts everything; `None` when the backend is unavailable (skipped).
    pub async fn open(backend: Backend, item_title: &str) -> Option<Self> {
        let (s, sim) = TestServer::start_live(backend)?;
        let base = sim.base_url();
        let http = reqwest::Client::new();
        let (unb, cookie, item) = sim_seller(&http, &base, item_title).await;
        let token = s.admin_token().await;
        let (st, a) = s
            .call(
                Method::POST,
                "/api/v1/accounts",
                Some(&token),
                Some(json!({"cookie": cookie})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{a}");
        let account = a["id"].as_i64().unwrap();
        let shop = Self {
            s,
            sim,
            base,
            http,
            token,
            unb,
            item,
            account,
        };
        shop.wait_online().await;
        Some(shop)
    }

    /// Waits until the account is online.
    pub async fn wait_online(&self) {
        let path = format!("/api/v1/accounts/{}/status", self.account);
        eventually(15, "account online", || async {
            let (_, v) = self
                .s
                .call(Method::GET, &path, Some(&self.token), None)
                .await;
            (v["status"] == "online").then_some(())
        })
        .await;
    }

    /// An API call that must answer `want`.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        want: StatusCode,
    ) -> Value {
        let (st, v) = self.s.call(method, path, Some(&self.token), body).await;
        assert_eq!(st, want, "{path}: {v}");
        v
    }

    /// A simulator control call.
    pub async fn sim(&self, path: &str, body: Option<Value>) -> Value {
        sim_call(&self.http, &self.base, path, body).await
    }

    /// Creates a card; returns its id.
    pub async fn card(&self, body: Value) -> i64 {
        self.api(
            Method::POST,
            "/api/v1/cards",
            Some(body),
            StatusCode::CREATED,
        )
        .await["id"]
            .as_i64()
            .unwrap()
    }

    /// Creates a stock card with `lines`; returns its id.
    pub async fn stock_card(&self, name: &str, lines: &[String], template: Option<&str>) -> i64 {
        let id = self
            .card(json!({"name": name, "body": {"type": "stock"}, "message_template": template}))
            .await;
        self.api(
            Method::POST,
            &format!("/api/v1/cards/{id}/stock"),
            Some(json!({"lines": lines.join("\n")})),
            StatusCode::OK,
        )
        .await;
        id
    }

    /// Lines still available on a stock card.
    pub async fn available(&self, card: i64) -> i64 {
        self.api(
            Method::GET,
            &format!("/api/v1/cards/{card}/stock"),
            None,
            StatusCode::OK,
        )
        .await["available"]
            .as_i64()
            .unwrap()
    }

    /// Creates a delivery rule; returns its id.
    pub async fn rule(&self, body: Value) -> i64 {
        self.api(
            Method::POST,
            "/api/v1/delivery-rules",
            Some(body),
            StatusCode::CREATED,
        )
        .await["id"]
            .as_i64()
            .unwrap()
    }

    /// Places an order at the simulator; returns the order id.
    pub async fn order(&self, extra: Value) -> String {
        let mut body = json!({"item_id": self.item, "buyer_id": "2200000000101"});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        let o = self
            .sim(&format!("/_sim/accounts/{}/orders", self.unb), Some(body))
            .await;
        o["order_id"].as_str().unwrap().to_owned()
    }

    /// Pays an order at the simulator.
    pub async fn pay(&self, order: &str) {
        self.sim(&format!("/_sim/orders/{order}/pay"), Some(json!({})))
            .await;
    }

    /// The simulator's view of an order.
    pub async fn sim_order(&self, order: &str) -> Value {
        self.sim(&format!("/_sim/orders/{order}"), None).await
    }

    /// Texts the account sent to `buyer`, in order.
    pub async fn sent_to(&self, buyer: &str) -> Vec<String> {
        let sent = self
            .sim(&format!("/_sim/accounts/{}/sent", self.unb), None)
            .await;
        sent.as_array()
            .unwrap()
            .iter()
            .filter(|m| m["to"] == buyer)
            .map(|m| {
                m["text"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| m["image"]["url"].as_str().unwrap_or("").to_owned())
            })
            .collect()
    }

    /// Waits until `buyer` received `n` messages; returns them.
    pub async fn wait_sent(&self, buyer: &str, n: usize) -> Vec<String> {
        eventually(20, &format!("{n} message(s) to {buyer}"), || async {
            let sent = self.sent_to(buyer).await;
            (sent.len() >= n).then_some(sent)
        })
        .await
    }

    /// Our API's order row for a Xianyu order id (waits until it exists).
    pub async fn api_order(&self, order: &str) -> Value {
        let path = format!("/api/v1/orders?account_id={}&limit=200", self.account);
        let id = eventually(10, "order in the API", || async {
            let v = self.api(Method::GET, &path, None, StatusCode::OK).await;
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["order_id"] == order)
                .map(|o| o["id"].as_i64().unwrap())
        })
        .await;
        self.api(
            Method::GET,
            &format!("/api/v1/orders/{id}"),
            None,
            StatusCode::OK,
        )
        .await
    }

    /// Waits until the order's recorded delivery outcome is `outcome`; returns the order.
    pub async fn wait_outcome(&self, order: &str, outcome: &str) -> Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let o = self.api_order(order).await;
            if o["delivery_outcome"] == outcome {
                return o;
            }
            // the last row seen says where the workflow stopped
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for order {order} {outcome}; last seen: {o}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}

/// What the fake API-card endpoint received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request line, e.g. `POST /codes HTTP/1.1`.
    pub request_line: String,
    /// Header lines, lowercase names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

/// A local HTTP/1.1 endpoint that answers `503` to the first `failures` requests, then `200`
/// with `{"data":{"code":"KEY-<n>"}}`, recording every request.
pub async fn code_endpoint(failures: usize) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/codes", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        let mut served = 0usize;
        while let Ok((mut sock, _)) = listener.accept().await {
            let Some(req) = read_request(&mut sock).await else {
                continue;
            };
            let n = {
                let mut l = log.lock().unwrap();
                l.push(req);
                l.len()
            };
            served += 1;
            let (status, body) = if served <= failures {
                ("503 Service Unavailable", "busy".to_owned())
            } else {
                (
                    "200 OK",
                    json!({"data": {"code": format!("KEY-{n}")}}).to_string(),
                )
            };
            let resp = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    (url, seen)
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        request_line,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    })
}

/// The live-events socket of a server.
pub type Events =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl Shop {
    /// Opens the live-events socket as the admin.
    pub async fn events(&self) -> Events {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = self.s.url("/api/v1/ws/events").replace("http://", "ws://");
        let mut req = url.into_client_request().unwrap();
        req.headers_mut().insert(
            "authorization",
            format!("Bearer {}", self.token).parse().unwrap(),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        let ready = next_event(&mut ws, |_| true).await;
        assert_eq!(ready["type"], "ready");
        ws
    }
}

/// The next event matching `pred` within 20 seconds (others are skipped).
pub async fn next_event(ws: &mut Events, pred: impl Fn(&Value) -> bool) -> Value {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let left = deadline
            .checked_duration_since(std::time::Instant::now())
            .expect("no matching live event within 20 s");
        match tokio::time::timeout(left, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if pred(&v) {
                    return v;
                }
            }
            Ok(Some(Ok(_))) => {}
            other => panic!("live events ended: {other:?}"),
        }
    }
}

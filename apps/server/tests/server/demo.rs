//! `xianyu serve --demo`: the system works end to end without a Xianyu account.
#![allow(clippy::unwrap_used, missing_docs)]

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn demo_mode_shows_a_buyer_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_xianyu"))
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
            .env("XIANYU_DATA_DIR", dir.path())
            .env("XIANYU_CONFIG", dir.path().join("none.toml"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let c = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let pw_file = dir.path().join("demo").join("initial-admin-password");
    let token = loop {
        assert!(Instant::now() < deadline, "demo server did not come up");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let Ok(pw) = std::fs::read_to_string(&pw_file) else {
            continue;
        };
        let Ok(res) = c
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": "admin", "password": pw.trim()}))
            .send()
            .await
        else {
            continue;
        };
        let v: Value = res.json().await.unwrap();
        if let Some(t) = v["token"].as_str() {
            break t.to_owned();
        }
    };
    let get = |path: String| {
        let c = c.clone();
        let token = token.clone();
        async move {
            c.get(path)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let accounts = get(format!("{base}/api/v1/accounts")).await;
    assert_eq!(accounts["items"][0]["remark"], "演示账号 demo");
    let id = accounts["items"][0]["id"].as_i64().unwrap();
    loop {
        assert!(
            Instant::now() < deadline,
            "no automatically answered buyer conversation appeared in demo mode"
        );
        let v = get(format!("{base}/api/v1/accounts/{id}/conversations")).await;
        // the demo rules answer the scripted buyer automatically
        let answered = v["items"].as_array().and_then(|a| {
            a.iter()
                .find(|c| c["last_message"]["direction"] == "auto_reply")
        });
        if let Some(conv) = answered {
            assert!(conv["buyer_name"].as_str().unwrap().starts_with("演示买家"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(
        get(format!("{base}/api/v1/accounts/{id}/status")).await["status"],
        "online"
    );
    // delivery is set up: the scripted buyer's paid orders get a card
    let cards = get(format!("{base}/api/v1/cards")).await;
    let names: Vec<&str> = cards["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["演示激活码", "演示月卡库存"], "{cards}");
    let rules = get(format!("{base}/api/v1/delivery-rules")).await;
    assert_eq!(rules["items"].as_array().unwrap().len(), 2, "{rules}");
}

//! The log collector through the API: tenant isolation of the query, the live tail and the
//! files; secrets planted in records never come out; bad filters get clear codes. Records are
//! planted with the `log` macros of this process, whose logger every test server is attached
//! to (markers are unique, so the other tests' servers do not matter).

#![allow(clippy::unwrap_used)]

use crate::live::next_json;
use futures_util::SinkExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use xianyu_tests::{Backend, TestServer, eventually};

const SECRET: &str = "cookie2=tailsecret42; unb=2219000099999";

fn plant(marker: &str, admins: i64, bobs: i64) {
    log::warn!(target: "xianyu::plant", account = admins; "{marker} admin's account {SECRET}");
    log::warn!(target: "xianyu::plant", account = bobs; "{marker} bob's account {SECRET}");
    log::warn!(target: "xianyu::plant", "{marker} nobody's record Authorization: Bearer zzsecretzz");
}

async fn messages(s: &TestServer, token: &str, query: &str) -> Vec<String> {
    let (st, v) = s
        .call(
            Method::GET,
            &format!("/api/v1/logs?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap().to_owned())
        .collect()
}

async fn account(s: &TestServer, token: &str, unb: &str) -> i64 {
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(token),
            Some(json!({"cookie": format!("unb={unb}; cookie2=x"), "enabled": false})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

#[tokio::test]
async fn each_user_reads_only_their_records_and_no_secret() {
    let Some(s) = TestServer::start(Backend::Sqlite) else {
        return;
    };
    let admin = s.admin_token().await;
    let bob = s.user_token(&admin, "bob").await;
    let a = account(&s, &admin, "2219000000101").await;
    let b = account(&s, &bob, "2219000000102").await;
    let marker = format!("MARK-{}", rand_suffix());
    plant(&marker, a, b);

    let q = format!("q={marker}");
    let mine = eventually(5, "bob's planted record", || async {
        let m = messages(&s, &bob, &q).await;
        (!m.is_empty()).then_some(m)
    })
    .await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(mine[0].contains("bob's account"), "{mine:?}");
    assert!(mine[0].contains("cookie2=[redacted]"), "{mine:?}");
    let all = messages(&s, &admin, &q).await;
    assert_eq!(all.len(), 3, "the admin sees every record: {all:?}");
    for m in &all {
        assert!(
            !m.contains("tailsecret42")
                && !m.contains("2219000099999")
                && !m.contains("zzsecretzz"),
            "{m}"
        );
    }
    // bob's own requests are his; nobody else's
    let (_, v) = s
        .call(
            Method::GET,
            "/api/v1/logs?target=xianyu::http&limit=500",
            Some(&bob),
            None,
        )
        .await;
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let bob_id = s
        .call(Method::GET, "/api/v1/auth/me", Some(&bob), None)
        .await
        .1["id"]
        .clone();
    assert!(
        items
            .iter()
            .all(|r| r["user_id"] == bob_id || r["account_id"] == json!(b)),
        "{v}"
    );
    // filters: level, account, paging
    assert_eq!(
        messages(&s, &admin, &format!("{q}&level=error"))
            .await
            .len(),
        0
    );
    assert_eq!(
        messages(&s, &admin, &format!("{q}&account_id={a}"))
            .await
            .len(),
        1
    );
    let (_, p1) = s
        .call(
            Method::GET,
            &format!("/api/v1/logs?{q}&limit=2"),
            Some(&admin),
            None,
        )
        .await;
    let cursor = p1["next_cursor"].as_str().unwrap().to_owned();
    let older = messages(&s, &admin, &format!("{q}&limit=2&cursor={cursor}")).await;
    assert_eq!(older.len(), 1);
    assert!(
        older[0].contains("admin's account"),
        "oldest last: {older:?}"
    );

    // files: admins only, and the planted secrets are not in them either
    let (st, e) = s
        .call(Method::GET, "/api/v1/logs/files", Some(&bob), None)
        .await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (st, files) = s
        .call(Method::GET, "/api/v1/logs/files", Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{files}");
    let day = files[0]["day"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/logs/files/{day}");
    let (st, _) = s.call(Method::GET, &path, Some(&bob), None).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let res = s
        .client
        .get(s.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&day)
    );
    let text = res.text().await.unwrap();
    assert_eq!(text.matches(&marker).count(), 3, "all three in the file");
    assert!(!text.contains("tailsecret42") && !text.contains("zzsecretzz"));
    assert!(
        text.contains(&format!("account={b} user={bob_id}")),
        "fields, with the account's owner, are in the file"
    );
    // the record about bob's account names him, though the code that logged it named only the
    // account
    let (_, v) = s
        .call(
            Method::GET,
            &format!("/api/v1/logs?{q}&account_id={b}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(v["items"][0]["user_id"], bob_id, "{v}");
}

#[tokio::test]
async fn the_live_tail_shows_a_user_only_their_records() {
    let Some(s) = TestServer::start(Backend::Sqlite) else {
        return;
    };
    let admin = s.admin_token().await;
    let bob = s.user_token(&admin, "bob").await;
    let a = account(&s, &admin, "2219000000201").await;
    let b = account(&s, &bob, "2219000000202").await;
    let marker = format!("TAIL-{}", rand_suffix());
    // browser style: token and filter in the first message
    let url = s.url("/api/v1/ws/logs").replace("http://", "ws://");
    let (mut ws, _) = tokio_tungstenite::connect_async(url.clone()).await.unwrap();
    ws.send(Message::Text(
        json!({"type": "auth", "token": bob, "filter": {"q": marker, "level": "warn"}})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    assert_eq!(next_json(&mut ws, 5).await.unwrap()["type"], "ready");
    plant(&marker, a, b);
    log::warn!(target: "xianyu::plant", account = b; "{marker} END");
    let mut got: Vec<Value> = Vec::new();
    loop {
        let m = next_json(&mut ws, 5).await.expect("the tail goes on");
        if m["type"] != "log" {
            continue;
        }
        let done = m["message"].as_str().unwrap().ends_with("END");
        got.push(m);
        if done {
            break;
        }
    }
    assert_eq!(got.len(), 2, "bob's record and the end: {got:?}");
    assert!(
        got[0]["message"]
            .as_str()
            .unwrap()
            .contains("bob's account")
    );
    assert!(!got[0]["message"].as_str().unwrap().contains("tailsecret42"));
    assert_eq!(got[0]["account_id"], json!(b));

    // a bad filter in the query string is refused before the upgrade
    let bad = format!("{url}?level=loud");
    assert!(tokio_tungstenite::connect_async(bad).await.is_err());
}

#[tokio::test]
async fn bad_log_queries_get_clear_codes() {
    let Some(s) = TestServer::start(Backend::Sqlite) else {
        return;
    };
    let admin = s.admin_token().await;
    for (path, status, code) in [
        (
            "/api/v1/logs?level=loud",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/logs?limit=0",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/logs?cursor=abc",
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        ),
        (
            "/api/v1/logs?from=yesterday",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            "/api/v1/logs/files/20261203",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/logs/files/2001-01-01",
            StatusCode::NOT_FOUND,
            "log_file_not_found",
        ),
    ] {
        let (st, v) = s.call(Method::GET, path, Some(&admin), None).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{path}: {v}"
        );
    }
    let (st, _) = s.call(Method::GET, "/api/v1/logs", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

fn rand_suffix() -> String {
    format!("{:x}", rand::random::<u64>())
}

//! The listing calls (spec §3.11): what arrives while no client is connected is not pushed on
//! reconnect, but the conversation list and the message list return it, newest first, paged.
#![allow(clippy::unwrap_used)]

use crate::common::{Sim, mid};
use goofish_protocol::events::{self, Event};
use goofish_protocol::lwp::history::{
    self, FIRST_PAGE_CURSOR, ListAnswer, list_conversations, list_messages,
};
use serde_json::{Value, json};

fn code_body(v: &Value) -> (i64, Option<&Value>) {
    (v["code"].as_i64().unwrap_or(0), v.get("body"))
}

#[tokio::test]
async fn offline_messages_are_not_pushed_on_reconnect_but_listed_newest_first() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let item = sim.item(&unb, "键盘", 100).await;
    let mut cid = String::new();
    for n in 0..5 {
        let r = sim
            .ok_post(
                &format!("/_sim/accounts/{unb}/buyer-messages"),
                json!({"buyer_id": "2201", "item_id": item, "text": format!("离线 {n}")}),
            )
            .await;
        cid = r["cid"].as_str().unwrap().to_owned();
    }
    let (mut ws, _t, _d) = sim.online(&unb, &mut jar).await;
    assert!(
        ws.push(600).await.is_none(),
        "nothing is pushed on reconnect"
    );

    let convs = ws
        .request(&list_conversations(FIRST_PAGE_CURSOR, 20, &mid()))
        .await;
    let (code, body) = code_body(&convs);
    let ListAnswer::Page(page) = history::conversation_page(code, body) else {
        panic!("a page: {convs}");
    };
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].cid, cid);
    assert!(page.items[0].modified_at.is_some_and(|m| m > 0));

    // two pages of three and two, newest first, the cursor moving back in time
    let mut texts = Vec::new();
    let mut cursor = FIRST_PAGE_CURSOR;
    for expected in [3, 2] {
        let answer = ws.request(&list_messages(&cid, cursor, 3, &mid())).await;
        let (code, body) = code_body(&answer);
        let ListAnswer::Page(page) = history::message_page(code, body) else {
            panic!("a page: {answer}");
        };
        assert_eq!(page.items.len(), expected, "{answer}");
        for payload in &page.items {
            let Event::Chat(m) = events::classify(payload, &unb) else {
                panic!("a chat: {payload}");
            };
            assert!(!m.own);
            assert_eq!(m.item_id.as_deref(), Some(item.as_str()));
            assert!(events::dedupe_key(payload).is_some());
            texts.push(m.text);
        }
        assert_eq!(page.has_more, expected == 3);
        cursor = page.next_cursor.unwrap();
    }
    assert_eq!(texts, ["离线 4", "离线 3", "离线 2", "离线 1", "离线 0"]);

    let unknown = ws
        .request(&list_messages("999999", FIRST_PAGE_CURSOR, 3, &mid()))
        .await;
    assert_eq!(unknown["code"], 404, "{unknown}");
}

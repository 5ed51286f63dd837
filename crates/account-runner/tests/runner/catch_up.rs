//! Catch-up (spec §3.11): what arrives while the account has no live session is not pushed
//! again, so after every registration the runner lists it and feeds it through the pipeline
//! exactly once; messages older than the freshness window are stored but not answered, and a
//! chat the seller answered meanwhile is left alone.
#![allow(clippy::unwrap_used)]

use crate::common::{Env, hold_for, wait_for};
use goofish_sim::{DropMode, PushKindRequest};
use std::time::Duration;
use xianyu_domain::MessageDirection;
use xianyu_runner::{AccountChange, Origin};

const SECS: fn(u64) -> Duration = Duration::from_secs;

/// Replies the simulator received in the chat `cid`.
fn replies(env: &Env, cid: &str) -> usize {
    env.sim
        .state()
        .sent_messages(&env.unb)
        .unwrap()
        .iter()
        .filter(|m| m.cid == cid)
        .count()
}

fn buyer_records(env: &Env, text: &str) -> usize {
    env.mem
        .records_of(MessageDirection::Buyer)
        .iter()
        .filter(|r| r.text == text)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_while_disconnected_is_answered_once_after_the_reconnect() {
    let env = Env::new(false, true);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    // the next two registrations fail, so the account stays away for a few backoffs
    env.fault("reject_reg", |f| f.times = Some(2));
    env.fault("drop_socket", |f| f.mode = Some(DropMode::Rst));
    // no session is live now: the simulator keeps the message and does not push it later
    let (cid, _) = env.buyer_says("断线时的消息");
    assert_eq!(env.live_sessions(), 0);
    env.wait_online(&sup, SECS(10)).await;
    wait_for("the caught-up message answered", SECS(10), || {
        replies(&env, &cid) == 1
    })
    .await;
    hold_for("answered once", Duration::from_millis(800), || {
        replies(&env, &cid) == 1 && env.rec.settled_texts() == ["断线时的消息"]
    })
    .await;
    assert_eq!(buyer_records(&env, "断线时的消息"), 1, "stored once");
    assert_eq!(env.rec.chats(Origin::Buyer).len(), 1, "handed on once");

    // a later reconnect lists it again, and the dedupe keeps it answered once
    env.fault("drop_socket", |f| f.mode = Some(DropMode::Close));
    env.wait_online(&sup, SECS(10)).await;
    hold_for("still answered once", Duration::from_millis(800), || {
        replies(&env, &cid) == 1 && env.rec.chats(Origin::Buyer).len() == 1
    })
    .await;
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_catches_up_fresh_messages_and_only_stores_old_or_answered_ones() {
    let env = Env::new(false, true);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    env.mem.set_enabled(env.id, false);
    sup.apply(AccountChange::Disabled(env.id)).await.unwrap();
    wait_for("socket closed", SECS(5), || env.live_sessions() == 0).await;

    let st = env.sim.state();
    let say = |buyer: &str, text: &str| env.buyer_says_as(buyer, text).0;
    // two hours ago, beyond the 30-minute window
    st.advance_clock(-2 * 3600 * 1000);
    let old = say("2200000000011", "两小时前");
    st.advance_clock(2 * 3600 * 1000);
    // the seller answered this one from the phone while the tool was down
    let handled = say("2200000000012", "卖家已回");
    st.push_kind(
        &env.unb,
        PushKindRequest {
            kind: "manual_seller_message".into(),
            cid: Some(handled.clone()),
            text: None,
            order_id: None,
            item_id: None,
            buyer_id: None,
        },
    )
    .unwrap();
    let fresh = say("2200000000013", "刚刚发的");

    env.mem.set_enabled(env.id, true);
    sup.apply(AccountChange::Enabled(env.id)).await.unwrap();
    env.wait_online(&sup, SECS(10)).await;
    wait_for("fresh message answered", SECS(10), || {
        replies(&env, &fresh) == 1
    })
    .await;
    hold_for("nothing else answered", Duration::from_millis(800), || {
        replies(&env, &old) == 0
            && replies(&env, &handled) == 0
            && env.rec.settled_texts() == ["刚刚发的"]
    })
    .await;
    assert_eq!(
        buyer_records(&env, "两小时前"),
        1,
        "the old message is stored"
    );
    assert_eq!(buyer_records(&env, "卖家已回"), 1, "the answered one too");
    assert!(
        env.mem.pauses.lock().unwrap().is_empty(),
        "a caught-up own message is no takeover"
    );
    sup.shutdown().await;
}

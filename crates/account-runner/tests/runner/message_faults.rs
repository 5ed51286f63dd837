//! Message-level failures F8–F11, F16 (spec §8.5) and persisted dedupe across a restart.
#![allow(clippy::unwrap_used)]

use crate::common::{BUYER, Env, hold_for, wait_for};
use goofish_protocol::events::Event;
use goofish_protocol::lwp::SendContent;
use goofish_sim::{JournalKind, PushRequest};
use serde_json::Value;
use std::time::Duration;
use xianyu_domain::MessageDirection;
use xianyu_runner::{Origin, RunnerEvent, SendVerdict};

const SECS: fn(u64) -> Duration = Duration::from_secs;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f8_duplicate_pushes_are_acked_but_processed_once() {
    let env = Env::new(false, true);
    env.fault("duplicate_push", |f| f.resend_unacked_after_ms = Some(200));
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    env.buyer_says("在吗");
    wait_for("reply", SECS(5), || {
        env.sim.state().sent_messages(&env.unb).unwrap().len() == 1
    })
    .await;
    // Give duplicates (and the duplicated echo) time to arrive.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(env.rec.chats(Origin::Buyer).len(), 1);
    assert_eq!(env.rec.settled_texts().len(), 1);
    assert_eq!(env.sim.state().sent_messages(&env.unb).unwrap().len(), 1);
    assert!(
        env.rec.chats(Origin::ManualSeller).is_empty(),
        "duplicate echo is no takeover"
    );
    assert_eq!(env.mem.records_of(MessageDirection::Buyer).len(), 1);
    assert!(
        env.sim.state().stats().pushes_sent >= 4,
        "buyer message and echo, each twice"
    );
    wait_for("every frame acked", SECS(3), || {
        let stats = env.sim.state().stats();
        stats.acks_matched == stats.pushes_sent
    })
    .await;
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f9_batched_push_elements_are_all_processed() {
    let env = Env::new(false, false);
    env.fault("batch_push", |_| {});
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    env.buyer_says("批量");
    wait_for("chat and status", SECS(5), || {
        env.rec.chats(Origin::Buyer).len() == 1
            && env.rec.count(|_, e| matches!(e, Event::Status { .. })) == 1
    })
    .await;
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f10_own_echo_is_not_a_takeover_and_replies_continue() {
    let env = Env::new(false, true);
    env.fault("echo", |f| f.enabled = Some(true));
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    env.buyer_says("第一");
    wait_for("echo", SECS(5), || {
        env.rec.chats(Origin::OwnEcho).len() == 1
    })
    .await;
    env.buyer_says("第二");
    wait_for("second reply", SECS(5), || {
        env.sim.state().sent_messages(&env.unb).unwrap().len() == 2
    })
    .await;
    wait_for("second echo", SECS(5), || {
        env.rec.chats(Origin::OwnEcho).len() == 2
    })
    .await;
    assert!(env.rec.chats(Origin::ManualSeller).is_empty());
    assert!(env.mem.pauses.lock().unwrap().is_empty());
    assert!(
        env.mem
            .records_of(MessageDirection::SellerManual)
            .is_empty()
    );
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f11_content_filter_rejection_is_reported() {
    let env = Env::new(false, false);
    env.fault("reject_send", |f| f.times = Some(1));
    let sup = env.start().await;
    let mut feed = sup.subscribe();
    env.wait_online(&sup, SECS(5)).await;
    let (cid, _) = env.buyer_says("在吗");
    let verdict = sup
        .send(env.id, &cid, BUYER, SendContent::Text("违规".into()))
        .await
        .unwrap();
    let SendVerdict::Rejected { reason } = verdict else {
        panic!("expected a rejection, got {verdict:?}")
    };
    assert!(
        reason.contains("CSI_FORBID") && reason.contains("消息包含违规内容"),
        "{reason}"
    );
    assert!(env.sim.state().sent_messages(&env.unb).unwrap().is_empty());
    assert!(
        env.mem
            .records_of(MessageDirection::SellerManual)
            .is_empty()
    );
    let mut saw_rejection = false;
    while let Ok(ev) = feed.try_recv() {
        if let RunnerEvent::MessageSent {
            verdict: SendVerdict::Rejected { .. },
            ..
        } = ev
        {
            saw_rejection = true;
        }
    }
    assert!(saw_rejection);
    // The next send goes through, image included.
    let verdict = sup
        .send(
            env.id,
            &cid,
            BUYER,
            SendContent::Image {
                url: "https://img.alicdn.com/imgextra/i1/O1CN01test.jpg".into(),
                width: 800,
                height: 600,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        verdict,
        SendVerdict::Accepted {
            message_id: Some(_)
        }
    ));
    let sent = env.sim.state().sent_messages(&env.unb).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind, "image");
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f16_malformed_payloads_are_dropped_without_killing_the_connection() {
    let env = Env::new(false, false);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    env.buyer_says("先来一条");
    wait_for("first", SECS(5), || env.rec.chats(Origin::Buyer).len() == 1).await;
    let regs = env.registrations();
    env.fault("malformed", |f| f.variant = Some("all".into()));
    // The unpadded element is valid apart from padding and must be decoded.
    wait_for("unpadded decoded", SECS(5), || {
        env.rec
            .chats(Origin::Buyer)
            .iter()
            .any(|m| m.text.starts_with("unpadded base64"))
    })
    .await;
    env.buyer_says("之后");
    wait_for("after malformed", SECS(5), || {
        env.rec
            .chats(Origin::Buyer)
            .iter()
            .any(|m| m.text == "之后")
    })
    .await;
    assert_eq!(env.registrations(), regs, "same connection");
    assert_eq!(env.live_sessions(), 1);
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persisted_dedupe_survives_a_restart() {
    let env = Env::new(false, true);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    env.buyer_says("只回一次");
    wait_for("reply", SECS(5), || {
        env.sim.state().sent_messages(&env.unb).unwrap().len() == 1
    })
    .await;
    let data = env
        .sim
        .state()
        .journal(Some(&env.unb), Some(JournalKind::Ws), None)
        .into_iter()
        .filter(|e| e.dir == Some("out") && e.lwp.as_deref() == Some("/s/sync"))
        .filter_map(|e| e.frame)
        .find_map(|f| {
            f.pointer("/body/syncPushPackage/data/0/data")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap();
    wait_for("echo acked", SECS(5), || {
        env.rec.chats(Origin::OwnEcho).len() == 1
    })
    .await;
    sup.shutdown().await;

    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    let pushed = env
        .sim
        .state()
        .push_custom(
            &env.unb,
            PushRequest {
                lwp: None,
                object_type: None,
                biz_type: None,
                payload: Value::String(data),
                encoding: Some("raw".into()),
            },
        )
        .unwrap();
    assert_eq!(
        pushed["frames"], 1,
        "the duplicate reached the live session"
    );
    hold_for("no second reaction", Duration::from_millis(900), || {
        env.rec.chats(Origin::Buyer).len() == 1
    })
    .await;
    assert_eq!(env.rec.settled_texts().len(), 1);
    assert_eq!(env.sim.state().sent_messages(&env.unb).unwrap().len(), 1);
    wait_for("the duplicate is still acked", SECS(3), || {
        let stats = env.sim.state().stats();
        stats.acks_matched == stats.pushes_sent
    })
    .await;
    sup.shutdown().await;
}

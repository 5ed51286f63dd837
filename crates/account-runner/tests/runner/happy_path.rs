//! Happy path against the in-process simulator (spec §8.6 scenario 1).
#![allow(clippy::unwrap_used)]

use crate::common::{BUYER, Env, wait_for};
use goofish_protocol::events::Event;
use goofish_protocol::lwp::SendContent;
use goofish_sim::{JournalKind, PushKindRequest};
use serde_json::json;
use std::time::Duration;
use xianyu_domain::MessageDirection;
use xianyu_runner::{Origin, SendVerdict};

const SECS: fn(u64) -> Duration = Duration::from_secs;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_online_message_handled_once_acked_once_and_replied() {
    let env = Env::new(false, true);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    let before = env.sim.state().stats();

    let (cid, _) = env.buyer_says("在吗");
    wait_for("auto reply sent", SECS(5), || {
        env.sim.state().sent_messages(&env.unb).unwrap().len() == 1
    })
    .await;
    wait_for("echo dispatched", SECS(5), || {
        env.rec.chats(Origin::OwnEcho).len() == 1
    })
    .await;
    let sent = env.sim.state().sent_messages(&env.unb).unwrap();
    assert_eq!(sent[0].cid, cid);
    assert_eq!(sent[0].to, BUYER);
    assert_eq!(sent[0].text.as_deref(), Some("自动回复：在吗"));
    assert_eq!(env.rec.chats(Origin::Buyer).len(), 1);
    assert_eq!(env.rec.settled_texts(), vec!["在吗".to_owned()]);
    // The echo of our own reply is not a manual takeover.
    assert!(env.rec.chats(Origin::ManualSeller).is_empty());
    assert!(env.mem.pauses.lock().unwrap().is_empty());
    // Every push (buyer message + echo) acked exactly once.
    wait_for("both pushes acked", SECS(3), || {
        let after = env.sim.state().stats();
        after.acks_matched - before.acks_matched == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = env.sim.state().stats();
    let pushes = after.pushes_sent - before.pushes_sent;
    assert_eq!(pushes, 2);
    assert_eq!(after.acks_received - before.acks_received, pushes);
    assert_eq!(after.acks_matched - before.acks_matched, pushes);

    // A second buyer message in the same chat gets a reply too.
    env.buyer_says("还有货吗");
    wait_for("second reply", SECS(5), || {
        env.sim.state().sent_messages(&env.unb).unwrap().len() == 2
    })
    .await;
    assert_eq!(env.mem.records_of(MessageDirection::Buyer).len(), 2);
    wait_for("auto replies recorded", SECS(3), || {
        env.mem.records_of(MessageDirection::AutoReply).len() == 2
    })
    .await;
    // Online status was published with a frame time.
    let st = sup.status(env.id).unwrap();
    assert!(st.last_frame_at.is_some());
    sup.shutdown().await;
    assert!(sup.running().is_empty());
    wait_for("socket closed", SECS(3), || env.live_sessions() == 0).await;
    assert_eq!(
        env.mem.last_status(env.id).unwrap().status,
        xianyu_domain::AccountStatus::Offline
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_send_arrives_with_the_exact_spec_frame() {
    let env = Env::new(false, false);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    let (cid, _) = env.buyer_says("你好吗");
    wait_for("buyer message", SECS(5), || {
        env.rec.chats(Origin::Buyer).len() == 1
    })
    .await;
    let verdict = sup
        .send(env.id, &cid, BUYER, SendContent::Text("你好".into()))
        .await
        .unwrap();
    let SendVerdict::Accepted { message_id } = verdict else {
        panic!("not accepted: {verdict:?}")
    };
    let message_id = message_id.unwrap();
    let sent = env.sim.state().sent_messages(&env.unb).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].message_id, message_id);
    let frame = env
        .sim
        .state()
        .journal(Some(&env.unb), Some(JournalKind::Ws), None)
        .into_iter()
        .filter(|e| e.dir == Some("in"))
        .find(|e| e.lwp.as_deref() == Some("/r/MessageSend/sendByReceiverScope"))
        .and_then(|e| e.frame)
        .unwrap();
    let mid = frame["headers"]["mid"].as_str().unwrap().to_owned();
    let uuid = frame["body"][0]["uuid"].as_str().unwrap().to_owned();
    assert!(mid.ends_with(" 0") && mid.len() >= 15, "{mid}");
    assert!(
        uuid.starts_with('-') && uuid.ends_with('1') && uuid.len() == 15,
        "{uuid}"
    );
    let expected = json!({
        "lwp": "/r/MessageSend/sendByReceiverScope",
        "headers": {"mid": mid},
        "body": [
            {
                "uuid": uuid,
                "cid": format!("{cid}@goofish"),
                "conversationType": 1,
                "content": {"contentType": 101, "custom": {"type": 1,
                    "data": "eyJjb250ZW50VHlwZSI6IDEsICJ0ZXh0IjogeyJ0ZXh0IjogIuS9oOWlvSJ9fQ=="}},
                "redPointPolicy": 0,
                "extension": {"extJson": "{}"},
                "ctx": {"appVersion": "1.0", "platform": "web"},
                "mtags": {},
                "msgReadStatusSetting": 1
            },
            {"actualReceivers": [format!("{BUYER}@goofish"), format!("{}@goofish", env.unb)]}
        ]
    });
    assert_eq!(frame, expected);
    // The echo of a dashboard send is ours, not a takeover.
    wait_for("echo", SECS(5), || {
        env.rec.chats(Origin::OwnEcho).len() == 1
    })
    .await;
    assert!(env.rec.chats(Origin::ManualSeller).is_empty());
    assert_eq!(env.mem.records_of(MessageDirection::Dashboard).len(), 1);
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debounce_only_the_last_message_of_a_burst_counts() {
    let env = Env::new(false, true);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    for t in ["一", "二", "三"] {
        env.buyer_says(t);
    }
    wait_for("three events", SECS(5), || {
        env.rec.chats(Origin::Buyer).len() == 3
    })
    .await;
    wait_for("settled", SECS(5), || !env.rec.settled_texts().is_empty()).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(env.rec.settled_texts(), vec!["三".to_owned()]);
    assert_eq!(env.sim.state().sent_messages(&env.unb).unwrap().len(), 1);
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_seller_message_pauses_auto_replies_in_that_chat() {
    let env = Env::new(false, true);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    let (cid, _) = env.buyer_says("在吗");
    wait_for("first reply", SECS(5), || {
        env.sim.state().sent_messages(&env.unb).unwrap().len() == 1
    })
    .await;
    env.sim
        .state()
        .push_kind(
            &env.unb,
            PushKindRequest {
                kind: "manual_seller_message".into(),
                cid: Some(cid.clone()),
                text: Some("我来人工回复".into()),
                order_id: None,
                item_id: None,
                buyer_id: None,
            },
        )
        .unwrap();
    wait_for("takeover", SECS(5), || {
        env.rec.chats(Origin::ManualSeller).len() == 1
    })
    .await;
    let until = env.mem.pauses.lock().unwrap()[&(env.id, cid.clone())];
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(until > now + 9 * 60_000 && until <= now + 10 * 60_000 + 1000);
    env.buyer_says("人呢");
    // Pause minutes are a live setting: 0 means a takeover no longer pauses.
    if let Some(a) = env.mem.accounts.lock().unwrap().get_mut(&env.id) {
        a.0.pause_minutes = 0;
    }
    sup.apply(xianyu_runner::AccountChange::SettingsChanged(env.id))
        .await
        .unwrap();
    wait_for("second buyer message", SECS(5), || {
        env.rec.chats(Origin::Buyer).len() == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        env.rec.settled_texts().len(),
        1,
        "paused chat must not be settled"
    );
    assert_eq!(env.sim.state().sent_messages(&env.unb).unwrap().len(), 1);
    let buyer_events = env
        .rec
        .count(|o, e| *o == Origin::Buyer && matches!(e, Event::Chat(_)));
    assert_eq!(buyer_events, 2);
    sup.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_reg_ackdiff_and_heartbeat_follow_the_spec() {
    let env = Env::new(false, false);
    let sup = env.start().await;
    env.wait_online(&sup, SECS(5)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let journal = env
        .sim
        .state()
        .journal(Some(&env.unb), Some(JournalKind::Ws), None);
    let connect = journal
        .iter()
        .find(|e| e.outcome.as_deref() == Some("connect"))
        .unwrap();
    let names = connect.cookie_names.clone().unwrap();
    for n in ["unb", "cookie2", "_m_h5_tk", "_m_h5_tk_enc"] {
        assert!(
            names.iter().any(|x| x == n),
            "cookie {n} sent on the handshake"
        );
    }
    let inbound: Vec<_> = journal
        .iter()
        .filter(|e| e.dir == Some("in") && e.lwp.is_some())
        .collect();
    assert_eq!(inbound[0].lwp.as_deref(), Some("/reg"));
    assert_eq!(inbound[1].lwp.as_deref(), Some("/r/SyncStatus/ackDiff"));
    assert_eq!(
        inbound[2].lwp.as_deref(),
        Some("/!"),
        "first heartbeat right after /reg"
    );
    let reg = inbound[0].frame.clone().unwrap();
    let h = &reg["headers"];
    assert_eq!(h["app-key"], "444e9908a51d1cb236a27862abc769c9");
    assert_eq!(h["cache-header"], "app-key token ua wv");
    assert_eq!(h["wv"], "im:3,au:3,sy:6");
    assert_eq!(h["sync"], "0,0;0;0;");
    assert_eq!(h["dt"], "j");
    let did = h["did"].as_str().unwrap();
    assert!(goofish_protocol::ids::is_device_id(did) && did.ends_with(&env.unb));
    let tokens = env.summary()["registered_tokens"].clone();
    assert_eq!(
        tokens[0]["did"].as_str(),
        Some(did),
        "token requested with the same did"
    );
    let diff = inbound[1].frame.clone().unwrap();
    let pts = diff["body"][0]["pts"].as_i64().unwrap();
    let ts = diff["body"][0]["timestamp"].as_i64().unwrap();
    assert_eq!(pts, ts * 1000);
    let heartbeats = inbound
        .iter()
        .filter(|e| e.lwp.as_deref() == Some("/!"))
        .count();
    assert!(heartbeats >= 2, "heartbeat every 200 ms in tests");
    sup.shutdown().await;
}

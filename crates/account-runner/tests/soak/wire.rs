//! Not a soak: the wire observer the load bench relies on. It lives in this binary because the
//! observer is process-wide and no other test here runs beside it (the soak is `--ignored`).

use crate::common::{self, wait_for};
use goofish_protocol::events::ChatMessage;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xianyu_domain::AccountId;

/// Records what the process-wide wire observer reports.
#[derive(Default)]
struct Wire {
    received: Mutex<Vec<(AccountId, String, bool, Instant)>>,
    written: Mutex<Vec<(AccountId, String, Instant)>>,
}

impl xianyu_runner::WireObserver for Wire {
    fn chat_received(&self, account: AccountId, message: &ChatMessage, read_at: Instant) {
        self.received.lock().unwrap().push((
            account,
            message.message_id.clone(),
            message.own,
            read_at,
        ));
    }
    fn send_written(&self, account: AccountId, cid: &str, written_at: Instant) {
        self.written
            .lock()
            .unwrap()
            .push((account, cid.to_owned(), written_at));
    }
}

/// Not a soak: checks the wire observer the load bench relies on (the only test in this
/// binary that installs it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wire_observer_reports_the_push_read_and_the_reply_write() {
    let wire = Arc::new(Wire::default());
    assert!(xianyu_runner::set_wire_observer(wire.clone()));
    assert!(
        !xianyu_runner::set_wire_observer(Arc::new(Wire::default())),
        "only the first observer is installed"
    );
    let env = common::Env::new(false, true);
    let sup = env.start().await;
    env.wait_online(&sup, Duration::from_secs(5)).await;
    let (cid, pnm) = env.buyer_says("在吗");
    wait_for("reply and its echo", Duration::from_secs(5), || {
        wire.received.lock().unwrap().iter().any(|r| r.2)
    })
    .await;
    sup.shutdown().await;
    let received = wire.received.lock().unwrap().clone();
    let written = wire.written.lock().unwrap().clone();
    let buyer: Vec<_> = received.iter().filter(|r| !r.2).collect();
    assert_eq!(buyer.len(), 1, "{received:?}");
    assert_eq!((buyer[0].0, buyer[0].1.as_str()), (env.id, pnm.as_str()));
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(
        (written[0].0, written[0].1.as_str()),
        (env.id, cid.as_str())
    );
    // The reply went out after the push was read and the 300 ms debounce window had passed;
    // its echo came back after the write.
    let latency = written[0].2.duration_since(buyer[0].3);
    assert!(
        latency >= Duration::from_millis(300) && latency < Duration::from_secs(3),
        "{latency:?}"
    );
    let echo = received.iter().find(|r| r.2).unwrap();
    assert!(echo.3 > written[0].2);
}

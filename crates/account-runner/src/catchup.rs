//! Catch-up after every registration: the IM does not push again what arrived while the
//! account had no live session (spec §3.11), so the newest conversations and their messages
//! are listed and every message since the horizon is fed to the dispatcher, oldest first.
//! The dispatcher's persisted dedupe decides what was seen already; [`mark`] decides what is
//! answered.

use crate::connection::{CatchUpMark, Inbound, fresh_mid};
use crate::error::{Result, RunnerError};
use crate::now_ms;
use crate::sender::SessionCmd;
use goofish_protocol::events::{self, Event};
use goofish_protocol::lwp::history::{self, FIRST_PAGE_CURSOR, ListAnswer, Page};
use serde_json::Value;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use xianyu_domain::AccountId;

const TARGET: &str = "xianyu_runner::catchup";
/// Entries per listing page.
const PAGE: u32 = 20;
/// At most this many conversation pages per catch-up (200 conversations).
const CONVERSATION_PAGES: usize = 10;
/// At most this many message pages per conversation (100 messages).
const MESSAGE_PAGES: usize = 5;
/// Back-off steps on the IM's rate limit (spec §3.11: retried after 2/4/6 s).
const RATE_LIMIT_BACKOFF: [u64; 3] = [2, 4, 6];
/// How long one listing call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// One catch-up run of one session.
pub(crate) struct CatchUp {
    pub account: AccountId,
    pub unb: String,
    /// The session's command channel (listing requests go through the live socket).
    pub cmds: mpsc::Sender<SessionCmd>,
    pub inbound: mpsc::UnboundedSender<Inbound>,
    /// Messages at or after this time (ms) are fed; older ones are not listed further.
    pub horizon_ms: i64,
    /// Buyer messages before this time (ms) are stored only.
    pub fresh_after_ms: i64,
    pub delay: Duration,
}

/// What a run found, for the log.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct CatchUpReport {
    pub conversations: usize,
    pub messages: usize,
}

/// How a caught-up chat message is treated: answered only when it is fresh and the seller has
/// not written in the chat after it (a human or an earlier session already handled it).
pub(crate) fn mark(created_at_ms: i64, fresh_after_ms: i64, last_own_ms: i64) -> CatchUpMark {
    if created_at_ms >= fresh_after_ms && created_at_ms > last_own_ms {
        CatchUpMark::Answer
    } else {
        CatchUpMark::StoreOnly
    }
}

/// The inbound items of one conversation's listed payloads (any order), oldest first.
pub(crate) fn inbound_of(
    payloads: Vec<Value>,
    unb: &str,
    horizon_ms: i64,
    fresh_after_ms: i64,
) -> Vec<Inbound> {
    let mut items: Vec<(i64, Value, Event)> = payloads
        .into_iter()
        .map(|p| {
            let event = events::classify(&p, unb);
            let at = p.pointer("/1/5").and_then(Value::as_i64).unwrap_or(0);
            (at, p, event)
        })
        .filter(|(at, _, _)| *at >= horizon_ms)
        .collect();
    items.sort_by_key(|(at, _, _)| *at);
    let last_own = items
        .iter()
        .filter(|(_, _, e)| matches!(e, Event::Chat(m) if m.own))
        .map(|(at, _, _)| *at)
        .max()
        .unwrap_or(i64::MIN);
    items
        .into_iter()
        .map(|(at, payload, event)| Inbound {
            dedupe_key: events::dedupe_key(&payload),
            catch_up: Some(mark(at, fresh_after_ms, last_own)),
            event,
        })
        .collect()
}

impl CatchUp {
    /// Lists and feeds; errors end the run (the next registration catches up again).
    pub(crate) async fn run(self) {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        match self.catch_up().await {
            Ok(r) if r.messages > 0 => {
                log::info!(target: TARGET, account = self.account.0; "caught up {} message(s) in {} conversation(s)", r.messages, r.conversations)
            }
            Ok(_) => {}
            Err(e) => {
                log::warn!(target: TARGET, account = self.account.0; "catch-up stopped: {}", e.code())
            }
        }
    }

    async fn catch_up(&self) -> Result<CatchUpReport> {
        let mut report = CatchUpReport::default();
        let mut cursor = FIRST_PAGE_CURSOR;
        for _ in 0..CONVERSATION_PAGES {
            let frame = |mid: &str| history::list_conversations(cursor, PAGE, mid);
            let page = self.list(frame, history::conversation_page).await?;
            let mut older = false;
            for conv in &page.items {
                if conv.modified_at.is_some_and(|m| m < self.horizon_ms) {
                    older = true;
                    continue;
                }
                let payloads = self.messages(&conv.cid).await?;
                let items = inbound_of(payloads, &self.unb, self.horizon_ms, self.fresh_after_ms);
                report.conversations += 1;
                report.messages += items.len();
                for item in items {
                    if self.inbound.send(item).is_err() {
                        return Err(RunnerError::Shutdown);
                    }
                }
            }
            match page.next_cursor {
                Some(next) if page.has_more && !older && next < cursor => cursor = next,
                _ => break,
            }
        }
        Ok(report)
    }

    /// The conversation's messages back to the horizon (newest first, bounded).
    async fn messages(&self, cid: &str) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        let mut cursor = FIRST_PAGE_CURSOR;
        for _ in 0..MESSAGE_PAGES {
            let frame = |mid: &str| history::list_messages(cid, cursor, PAGE, mid);
            let page = self.list(frame, history::message_page).await?;
            let reached = page.items.iter().any(|p| {
                p.pointer("/1/5")
                    .and_then(Value::as_i64)
                    .is_some_and(|at| at < self.horizon_ms)
            });
            out.extend(page.items);
            match page.next_cursor {
                Some(next) if page.has_more && !reached && next < cursor => cursor = next,
                _ => break,
            }
        }
        Ok(out)
    }

    /// One listing call through the session, with the rate-limit back-off.
    async fn list<T>(
        &self,
        frame: impl Fn(&str) -> String,
        read: fn(i64, Option<&Value>) -> ListAnswer<T>,
    ) -> Result<Page<T>> {
        for (attempt, wait) in RATE_LIMIT_BACKOFF.iter().copied().chain([0]).enumerate() {
            let mid = fresh_mid();
            let (tx, rx) = oneshot::channel();
            let cmd = SessionCmd::Rpc {
                frame: frame(&mid),
                mid,
                reply: tx,
            };
            if self.cmds.send(cmd).await.is_err() {
                return Err(RunnerError::NotConnected(self.account));
            }
            let (code, body) = tokio::time::timeout(CALL_TIMEOUT, rx)
                .await
                .map_err(|_| RunnerError::Timeout("a catch-up listing"))?
                .map_err(|_| RunnerError::NotConnected(self.account))??;
            match read(code, body.as_ref()) {
                ListAnswer::Page(p) => return Ok(p),
                ListAnswer::RateLimited if attempt < RATE_LIMIT_BACKOFF.len() => {
                    log::info!(target: TARGET, account = self.account.0; "listing rate-limited, retry in {wait} s");
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                }
                ListAnswer::RateLimited => break,
                ListAnswer::Failed(reason) => {
                    return Err(RunnerError::Mtop {
                        code: "LWP_LIST".into(),
                        message: reason,
                    });
                }
            }
        }
        Err(RunnerError::Mtop {
            code: history::RATE_LIMIT_CODE.into(),
            message: "listing still rate-limited".into(),
        })
    }
}

/// Where the catch-up of a new session starts: a margin before the previous session's last
/// frame (a push in flight on a dying socket is caught too), or the look-back at start-up.
pub(crate) fn horizon(last_frame_ms: Option<i64>, now: i64, lookback: Duration) -> i64 {
    const MARGIN_MS: i64 = 120_000;
    let floor = now - i64::try_from(lookback.as_millis()).unwrap_or(i64::MAX / 2);
    last_frame_ms.map_or(floor, |at| (at - MARGIN_MS).max(floor))
}

/// `now_ms() - max_age`, the start of the freshness window.
pub(crate) fn fresh_after(max_age: Duration) -> i64 {
    now_ms() - i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chat(at: i64, sender: &str, id: &str) -> Value {
        json!({"1": {"1": {"1": format!("{sender}@goofish")}, "2": "9@goofish", "3": id, "5": at,
            "6": {"3": {"4": 1, "5": r#"{"contentType":1,"text":{"text":"hi"}}"#}},
            "10": {"reminderContent": "hi", "senderUserId": sender, "reminderTitle": "x"}}})
    }

    #[test]
    fn only_fresh_unanswered_buyer_messages_are_answered() {
        assert_eq!(mark(100, 50, i64::MIN), CatchUpMark::Answer);
        assert_eq!(mark(40, 50, i64::MIN), CatchUpMark::StoreOnly, "too old");
        assert_eq!(
            mark(100, 50, 120),
            CatchUpMark::StoreOnly,
            "seller wrote later"
        );
        assert_eq!(mark(130, 50, 120), CatchUpMark::Answer, "buyer wrote again");
    }

    #[test]
    fn a_conversation_is_fed_oldest_first_from_the_horizon() {
        let listed = vec![
            chat(300, "7", "c.PNM"),
            chat(200, "1", "b.PNM"),
            chat(100, "7", "a.PNM"),
            chat(10, "7", "old.PNM"),
        ];
        let items = inbound_of(listed, "1", 50, 0);
        let keys: Vec<_> = items.iter().map(|i| i.dedupe_key.clone()).collect();
        assert_eq!(
            keys,
            [
                Some("a.PNM".into()),
                Some("b.PNM".into()),
                Some("c.PNM".into())
            ]
        );
        let marks: Vec<_> = items.iter().map(|i| i.catch_up).collect();
        assert_eq!(
            marks,
            [
                Some(CatchUpMark::StoreOnly),
                Some(CatchUpMark::StoreOnly),
                Some(CatchUpMark::Answer)
            ]
        );
    }

    #[test]
    fn the_horizon_is_bounded_by_the_lookback() {
        let day = Duration::from_secs(86_400);
        assert_eq!(horizon(None, 100_000_000, day), 100_000_000 - 86_400_000);
        assert_eq!(horizon(Some(99_000_000), 100_000_000, day), 98_880_000);
        assert_eq!(horizon(Some(1), 100_000_000, day), 100_000_000 - 86_400_000);
    }
}

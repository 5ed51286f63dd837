//! Automatic replies: the [`AutoReplies`] event handler answers the last buyer message of a
//! burst in a chat that is not paused.
//!
//! The reply path of one buyer message (design §3): the dispatcher dedupes and records it and,
//! after the debounce window, calls `on_chat_settled` with the chat's pause read once →
//! [`AutoReplies`] takes the account's built rules from its cache (or builds them from
//! [`ReplyBook::reply_config`]) and reads the chat memory and item facts in one blocking call →
//! [`decide`](decide::decide) builds the engine's context and asks the pure domain engine →
//! the reply (text, or an image through the shared image path) goes out through the live
//! connection → the decision, its explanation and Goofish's verdict are recorded, with the
//! once-per-conversation memory, in one [`ReplyBook::record_reply`].

mod decide;

pub use decide::{DEFAULT_BUYER_NAME, Incoming};

use crate::blocking;
use crate::error::{Result, RunnerError};
use crate::events::RunnerEvent;
use crate::handler::{EventContext, EventHandler, HandlerFuture};
use crate::sender::SendVerdict;
use decide::{Circumstances, ReplySnapshot};
use goofish_protocol::events::{ChatMessage, Event};
use goofish_protocol::lwp::SendContent;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use xianyu_domain::replies::{Decision, ReplyBook, ReplyOut, ReplyRecord};
use xianyu_domain::{AccountId, ImageStore, MessageDirection};

const TARGET: &str = "xianyu_runner::replies";

/// The automatic-reply use case; plug it into the runner's [`crate::HandlerChain`].
pub struct AutoReplies {
    book: Arc<dyn ReplyBook>,
    images: Arc<dyn ImageStore>,
    /// Built rules per account.
    cache: Mutex<HashMap<AccountId, Arc<ReplySnapshot>>>,
    /// Bumped by every invalidation: a snapshot loaded across one is not cached (it may be
    /// older than the change that invalidated).
    generation: AtomicU64,
}

impl AutoReplies {
    /// Replies over `book`, with image replies sent from `images`.
    pub fn new(book: Arc<dyn ReplyBook>, images: Arc<dyn ImageStore>) -> Arc<Self> {
        Arc::new(Self {
            book,
            images,
            cache: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        })
    }

    /// Forgets the built rules of an account; call after its rules, settings or remark changed.
    pub fn rules_changed(&self, account: AccountId) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&account);
    }

    /// The account's built rules, from the cache or built now.
    async fn snapshot(&self, account: AccountId) -> Result<Arc<ReplySnapshot>> {
        if let Some(hit) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&account)
        {
            return Ok(hit.clone());
        }
        let before = self.generation.load(Ordering::SeqCst);
        let book = self.book.clone();
        let cfg = blocking(move || book.reply_config(account)).await?;
        let remark = cfg.remark.clone();
        let rules = cfg.build().map_err(RunnerError::InvalidRules)?;
        let snapshot = Arc::new(ReplySnapshot { rules, remark });
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::SeqCst) == before {
            cache.insert(account, snapshot.clone());
        }
        Ok(snapshot)
    }

    /// What the account would answer to `msg` now, and why: the live decision for a chat
    /// that is not paused and has no memory yet (the reply preview).
    pub async fn preview(&self, account: AccountId, msg: &Incoming) -> Result<Decision> {
        let snapshot = self.snapshot(account).await?;
        let item = match msg.item_id.clone() {
            Some(id) => {
                let book = self.book.clone();
                blocking(move || book.item_facts(account, &id)).await?
            }
            None => None,
        };
        let c = Circumstances {
            item,
            now_ms: crate::now_ms(),
            ..Circumstances::default()
        };
        Ok(decide::decide(&snapshot, msg, &c))
    }

    /// Decides, sends and records the answer to the settled message `m`.
    async fn reply(&self, ctx: EventContext, m: ChatMessage) -> Result<()> {
        let account = ctx.account;
        let msg = Incoming::from_chat(&m);
        let snapshot = self.snapshot(account).await?;
        let (book, cid, buyer, item_id) = (
            self.book.clone(),
            m.cid.clone(),
            msg.buyer_id.clone(),
            msg.item_id.clone(),
        );
        let (memory, item) = blocking(move || {
            let memory = book.chat_memory(account, &cid, &buyer)?;
            let item = match item_id {
                Some(id) => book.item_facts(account, &id)?,
                None => None,
            };
            Ok((memory, item))
        })
        .await?;
        let c = Circumstances {
            item,
            paused: ctx.is_paused(),
            memory,
            now_ms: crate::now_ms(),
        };
        let decision = decide::decide(&snapshot, &msg, &c);
        ctx.sender
            .count(xianyu_domain::metrics::MetricEvent::AutoReply {
                source: decision.source(),
            });
        let content = match &decision.reply {
            Some(ReplyOut::Text(t)) => SendContent::Text(t.clone()),
            Some(ReplyOut::Image { image_ref }) => {
                crate::images::image_message(&self.images, &ctx.sender, image_ref).await?
            }
            None => return Ok(()),
        };
        let shown = match &content {
            SendContent::Image { url, .. } => url.clone(),
            SendContent::Text(t) => t.clone(),
        };
        let verdict = ctx
            .sender
            .send(&m.cid, &m.sender_id, content, MessageDirection::AutoReply)
            .await?;
        let verdict_name = verdict.name();
        let record = ReplyRecord {
            account,
            cid: m.cid.clone(),
            buyer_id: m.sender_id.clone(),
            message_id: Some(m.message_id.clone()),
            reply_text: shown,
            reply_message_id: match &verdict {
                SendVerdict::Accepted { message_id } => message_id.clone(),
                _ => None,
            },
            decision_json: serde_json::to_string(&decision).unwrap_or_default(),
            verdict: verdict_name.to_owned(),
            remember_once: decision.remember_once.filter(|_| verdict.is_ok()),
        };
        let book = self.book.clone();
        blocking(move || book.record_reply(&record)).await?;
        ctx.sender.publish(RunnerEvent::ReplyRecorded {
            account,
            cid: m.cid.clone(),
            message_id: m.message_id.clone(),
            verdict: verdict_name.to_owned(),
        });
        log::info!(target: TARGET, account = account.0; "auto reply ({verdict_name}) in chat {}", m.cid);
        Ok(())
    }
}

impl EventHandler for Arc<AutoReplies> {
    fn on_event(&self, _ctx: EventContext, _event: Event) -> HandlerFuture {
        Box::pin(async {})
    }

    fn on_chat_settled(&self, ctx: EventContext, message: ChatMessage) -> HandlerFuture {
        let me = self.clone();
        Box::pin(async move {
            let account = ctx.account;
            if let Err(e) = me.reply(ctx, message).await {
                log::warn!(target: TARGET, account = account.0; "auto reply not sent: {e}");
            }
        })
    }
}

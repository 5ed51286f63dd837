//! The runner's event handler for automatic replies: for the last buyer message of a burst in
//! a non-paused chat, decide with the account's rule set (built once per rule change), send the
//! reply through the live connection, log it with the explanation of the decision, and
//! remember once-per-conversation replies.

use goofish_protocol::events::{ChatMessage, Event, texts};
use goofish_protocol::lwp::SendContent;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use xianyu_domain::AccountId;
use xianyu_domain::PortError;
use xianyu_domain::ports::MessageDirection;
use xianyu_domain::replies::{MessageContext, ReplyOut, RuleSet};
use xianyu_persistence::Store;
use xianyu_runner::{
    AccountSender, EventContext, EventHandler, HandlerFuture, RunnerError, SendVerdict,
};

const TARGET: &str = "xianyu::replies";

/// Built rule sets per account; API handlers invalidate an account when its rules change.
#[derive(Default)]
pub struct RuleCache {
    sets: Mutex<HashMap<AccountId, (Arc<RuleSet>, String)>>,
}

impl RuleCache {
    /// Forgets the rule set of an account (its rules or settings changed).
    pub fn invalidate(&self, account: AccountId) {
        self.sets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&account);
    }

    /// The account's rule set and remark, built from the database when not cached.
    fn get(&self, store: &Store, account: AccountId) -> Result<(Arc<RuleSet>, String), String> {
        if let Some(hit) = self
            .sets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&account)
        {
            return Ok(hit.clone());
        }
        let cfg = store.reply_config(account).map_err(|e| e.to_string())?;
        let set = RuleSet::build(cfg.keywords, cfg.item_replies, cfg.defaults, cfg.settings)
            .map_err(|e| e.to_string())?;
        let entry = (Arc::new(set), cfg.remark);
        self.sets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account, entry.clone());
        Ok(entry)
    }
}

/// Answers buyers automatically.
pub struct AutoReplyHandler {
    store: Store,
    cache: Arc<RuleCache>,
    /// Where uploaded reply images are stored; without it, image replies must be CDN URLs.
    uploads_dir: Option<Arc<Path>>,
}

impl AutoReplyHandler {
    /// A handler over the store and a shared rule cache.
    pub fn new(store: Store, cache: Arc<RuleCache>) -> Self {
        Self {
            store,
            cache,
            uploads_dir: None,
        }
    }

    /// Lets image replies refer to uploads (by id) stored in `dir` (`<data_dir>/uploads`).
    pub fn with_uploads_dir(mut self, dir: PathBuf) -> Self {
        self.uploads_dir = Some(Arc::from(dir));
        self
    }
}

impl EventHandler for AutoReplyHandler {
    fn on_event(&self, _ctx: EventContext, _event: Event) -> HandlerFuture {
        Box::pin(async {})
    }

    fn on_chat_settled(&self, ctx: EventContext, message: ChatMessage) -> HandlerFuture {
        let store = self.store.clone();
        let cache = self.cache.clone();
        let uploads = self.uploads_dir.clone();
        Box::pin(async move {
            if let Err(e) = reply(store, cache, uploads, ctx, message).await {
                log::warn!(target: TARGET, "{e}");
            }
        })
    }
}

/// Epoch milliseconds to Asia/Shanghai local time.
fn local(ms: i64) -> Option<chrono::NaiveDateTime> {
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000).map(|t| t.naive_utc())
}

async fn reply(
    store: Store,
    cache: Arc<RuleCache>,
    uploads: Option<Arc<Path>>,
    ctx: EventContext,
    m: ChatMessage,
) -> Result<(), String> {
    let account = ctx.account;
    let (s2, c2, cid, buyer, item_id) = (
        store.clone(),
        cache.clone(),
        m.cid.clone(),
        m.sender_id.clone(),
        m.item_id.clone(),
    );
    let (rules, remark, once_used, last, item) = tokio::task::spawn_blocking(move || {
        let (rules, remark) = c2.get(&s2, account)?;
        let once = s2.used_once(account, &cid).map_err(|e| e.to_string())?;
        let last = s2
            .last_auto_reply_to(account, &buyer)
            .map_err(|e| e.to_string())?;
        let item = match item_id {
            Some(id) => s2.item_facts(account, &id).map_err(|e| e.to_string())?,
            None => None,
        };
        Ok::<_, String>((rules, remark, once, last, item))
    })
    .await
    .map_err(|e| e.to_string())??;
    let text = match &m.content {
        goofish_protocol::events::ChatContent::Text(t) => t.clone(),
        _ => m.text.clone(),
    };
    let item_price = item
        .as_ref()
        .and_then(|i| i.price_fen)
        .map(xianyu_domain::replies::format_price_fen);
    let decision = rules.decide(&MessageContext {
        text: &text,
        buyer_id: &m.sender_id,
        buyer_name: m.sender_name.as_deref().unwrap_or("买家"),
        item_id: m.item_id.as_deref(),
        item_title: item
            .as_ref()
            .map(|i| i.title.as_str())
            .filter(|t| !t.is_empty()),
        item_price: item_price.as_deref(),
        account_remark: &remark,
        now_local: xianyu_domain::clock::local_time(chrono::Utc::now().timestamp_millis())
            .unwrap_or_default(),
        paused: ctx.is_paused(),
        is_system_text: texts::is_system_text(&m.text),
        once_used: &once_used,
        last_auto_reply_to_buyer: last.and_then(local),
    });
    let content = match &decision.reply {
        Some(ReplyOut::Text(t)) => SendContent::Text(t.clone()),
        Some(ReplyOut::Image { image_ref }) => {
            image_content(&store, &ctx.sender, uploads.as_deref(), account, image_ref).await?
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
        .await
        .map_err(|e| format!("account {account}: auto reply not sent: {e}"))?;
    let verdict_name = match &verdict {
        SendVerdict::Accepted { .. } => "accepted",
        SendVerdict::Rejected { .. } => "rejected",
        SendVerdict::Unconfirmed => "unconfirmed",
    };
    let decision_json = serde_json::to_string(&decision).unwrap_or_default();
    let remember = decision.remember_once.filter(|_| verdict.is_ok());
    let (cid, buyer, message_id) = (m.cid.clone(), m.sender_id.clone(), m.message_id.clone());
    tokio::task::spawn_blocking(move || {
        store.record_auto_reply(
            account,
            &cid,
            &buyer,
            Some(&message_id),
            &shown,
            &decision_json,
            verdict_name,
        )?;
        if let Some(rule) = remember {
            store.remember_once(account, &cid, rule)?;
        }
        Ok::<_, xianyu_persistence::StoreError>(())
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    log::info!(target: TARGET, "account {account}: auto reply ({verdict_name}) in chat {}", m.cid);
    Ok(())
}

/// The image message for `image_ref`: a CDN URL as it is, or an upload id (when uploads are
/// configured) through [`upload_content`].
pub(crate) async fn image_content(
    store: &Store,
    sender: &AccountSender,
    uploads: Option<&Path>,
    account: AccountId,
    image_ref: &str,
) -> Result<SendContent, String> {
    if image_ref.starts_with("http") || image_ref.starts_with("//") {
        return Ok(SendContent::Image {
            url: image_ref.to_owned(),
            width: 800,
            height: 600,
        });
    }
    match uploads {
        Some(dir) if crate::routes::uploads::images::is_upload_id(image_ref) => {
            upload_content(store, sender, dir, account, image_ref)
                .await
                .map_err(|e| format!("account {account}: image not sent: {e}"))
        }
        _ => Err(format!(
            "account {account}: image {image_ref:?} is neither a Goofish CDN URL nor an upload id"
        )),
    }
}

/// The image message for upload `upload_id` sent through `account`: the upload must belong to
/// the account's owner; its Goofish CDN URL for this account is used when remembered, else the
/// stored JPEG is uploaded with the account's cookies (spec §2.5) and the URL remembered.
pub(crate) async fn upload_content(
    store: &Store,
    sender: &AccountSender,
    dir: &Path,
    account: AccountId,
    upload_id: &str,
) -> Result<SendContent, RunnerError> {
    let port = |e: String| RunnerError::Port(PortError(e));
    let (s2, id, dir) = (store.clone(), upload_id.to_owned(), dir.to_path_buf());
    let (record, remembered, jpeg) = tokio::task::spawn_blocking(move || {
        let record = s2
            .upload_for_account(account, &id)
            .map_err(|e| format!("account {account}: upload {id}: {e}"))?;
        let remembered = s2
            .cdn_url(&id, account)
            .map_err(|e| format!("account {account}: upload {id}: {e}"))?;
        let jpeg = match remembered {
            Some(_) => None,
            None => Some(
                crate::routes::uploads::images::read_file(&dir, &record.file_name)
                    .map_err(|e| format!("account {account}: upload {id}: {e}"))?,
            ),
        };
        Ok::<_, String>((record, remembered, jpeg))
    })
    .await
    .map_err(|e| port(e.to_string()))?
    .map_err(port)?;
    let url = match (remembered, jpeg) {
        (Some(url), _) => url,
        (None, jpeg) => {
            let url = sender
                .upload_image(&record.file_name, jpeg.unwrap_or_default())
                .await?;
            let (s2, id, u) = (store.clone(), record.id.clone(), url.clone());
            tokio::task::spawn_blocking(move || s2.remember_cdn_url(&id, account, &u))
                .await
                .map_err(|e| port(e.to_string()))?
                .map_err(|e| port(format!("remember CDN URL: {e}")))?;
            url
        }
    };
    Ok(SendContent::Image {
        url,
        width: u32::try_from(record.width).unwrap_or(800),
        height: u32::try_from(record.height).unwrap_or(600),
    })
}

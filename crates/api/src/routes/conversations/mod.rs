//! Conversations and messages of the caller's accounts, and sending through the live
//! connection.

pub mod dto;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::routes::common::{Page, PageQuery};
use crate::routes::conversations::dto::{
    AutoReplyView, ConversationView, MessageView, SendMessageRequest, SendResult,
};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use goofish_protocol::lwp::SendContent;
use xianyu_domain::AccountId;
use xianyu_runner::{RunnerError, SendVerdict};

/// List an account's conversations, most recent first.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id"), PageQuery),
    responses((status = 200, body = Page<ConversationView>), (status = 404, description = "account_not_found", body = ErrorEnvelope))
)]
#[get("/accounts/{id}/conversations")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let account = AccountId(id.into_inner());
    let limit = query.limit_or(50)?;
    let before = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => {
            let (at, id) = c
                .split_once('_')
                .ok_or_else(crate::routes::common::bad_cursor)?;
            Some((
                at.parse()
                    .map_err(|_| crate::routes::common::bad_cursor())?,
                id.parse()
                    .map_err(|_| crate::routes::common::bad_cursor())?,
            ))
        }
    };
    let store = state.store.clone();
    let rows = blocking(move || {
        store
            .list_conversations(user.id, account, before, limit + 1)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    let cursor = |c: &xianyu_persistence::Conversation| format!("{}_{}", c.last_at, c.id);
    Ok(
        HttpResponse::Ok().json(Page::from_rows(rows, limit, cursor, |c| {
            ConversationView::from(c)
        })),
    )
}

/// Messages of a conversation, newest first.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "conversation id"), PageQuery),
    responses((status = 200, body = Page<MessageView>), (status = 404, description = "conversation_not_found", body = ErrorEnvelope))
)]
#[get("/conversations/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let limit = query.limit_or(50)?;
    let before = query.id_cursor()?;
    let store = state.store.clone();
    let rows = blocking(move || {
        store
            .conversation_messages(user.id, id, before, limit + 1)
            .or_not_found(ErrorCode::ConversationNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |m| m.id.to_string(),
        |m| MessageView::from(m),
    )))
}

/// One conversation of the caller.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "conversation id")),
    responses((status = 200, body = ConversationView), (status = 404, description = "conversation_not_found", body = ErrorEnvelope))
)]
#[get("/conversations/{id}")]
pub async fn get_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, id) = (state.store.clone(), id.into_inner());
    let conv = blocking(move || {
        store
            .get_conversation(user.id, id)
            .or_not_found(ErrorCode::ConversationNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ConversationView::from(&conv)))
}

/// The conversation of an account with Goofish's conversation id `cid` (what live events and
/// orders carry).
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id"), ("cid" = String, Path, description = "Goofish conversation id")),
    responses((status = 200, body = ConversationView), (status = 404, description = "conversation_not_found", body = ErrorEnvelope))
)]
#[get("/accounts/{id}/conversations/by-cid/{cid}")]
pub async fn conversation_by_cid(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (account, cid) = path.into_inner();
    let store = state.store.clone();
    let conv = blocking(move || {
        store
            .conversation_by_cid(user.id, AccountId(account), &cid)
            .or_not_found(ErrorCode::ConversationNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ConversationView::from(&conv)))
}

/// Send a text or an image to the buyer through the account's live connection, and report
/// Goofish's verdict. A content-filter rejection answers 422 `message_rejected` with the reason.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "conversation id")),
    request_body = SendMessageRequest,
    responses(
        (status = 200, body = SendResult),
        (status = 400, description = "invalid_message", body = ErrorEnvelope),
        (status = 404, description = "conversation_not_found, upload_not_found", body = ErrorEnvelope),
        (status = 409, description = "account_offline, buyer_unknown", body = ErrorEnvelope),
        (status = 422, description = "message_rejected", body = ErrorEnvelope),
        (status = 502, description = "upload_login_page, upload_failed (sending an upload)", body = ErrorEnvelope),
    )
)]
#[post("/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: super::Body<SendMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let req = body.into_inner()?;
    let upload = req.upload_id.clone();
    let content = match &upload {
        Some(_) if req.text.is_none() && req.image_url.is_none() => None,
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::InvalidMessage,
                "give exactly one of text, image_url or upload_id",
            ));
        }
        None => Some(req.into_content()?),
    };
    let store = state.store.clone();
    let conv = blocking(move || {
        store
            .get_conversation(user.id, id)
            .or_not_found(ErrorCode::ConversationNotFound)
    })
    .await?;
    let content = match (content, upload) {
        (Some(c), _) => c,
        (None, upload) => upload_content(&state, &user, conv.account_id, upload).await?,
    };
    let buyer = conv.buyer_id.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::BuyerUnknown,
            "the buyer of this conversation is not known yet",
        )
    })?;
    let verdict = state
        .runner
        .send(conv.account_id, &conv.cid, &buyer, content)
        .await
        .map_err(|e| match e {
            RunnerError::NotRunning(_) | RunnerError::NotConnected(_) => ApiError::new(
                ErrorCode::AccountOffline,
                "the account is not connected; check its status",
            ),
            other => ApiError::new(ErrorCode::SendFailed, other.to_string()),
        })?;
    match verdict {
        SendVerdict::Rejected { reason } => Err(ApiError::new(ErrorCode::MessageRejected, reason)),
        other => Ok(HttpResponse::Ok().json(SendResult::from(other))),
    }
}

/// Lift the manual-takeover pause of a conversation: auto-replies resume at once.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "conversation id")),
    responses((status = 204), (status = 404, description = "conversation_not_found", body = ErrorEnvelope))
)]
#[delete("/conversations/{id}/pause")]
pub async fn lift_pause(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let store = state.store.clone();
    let conv = blocking(move || {
        let conv = store
            .get_conversation(user.id, id)
            .or_not_found(ErrorCode::ConversationNotFound)?;
        store
            .lift_chat_pause(user.id, conv.account_id, &conv.cid)
            .or_not_found(ErrorCode::ConversationNotFound)?;
        Ok::<_, ApiError>(conv)
    })
    .await?;
    state.runner.chat_resumed(conv.account_id, &conv.cid);
    Ok(HttpResponse::NoContent().finish())
}

/// The image message of an upload of the caller, sent through `account` (see
/// [`crate::runner_host::RunnerHost::image_message`]).
async fn upload_content(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    upload: Option<String>,
) -> Result<SendContent, ApiError> {
    let not_found = || ApiError::new(ErrorCode::UploadNotFound, "upload not found");
    let upload = upload
        .filter(|u| crate::routes::uploads::images::is_upload_id(u))
        .ok_or_else(not_found)?;
    let (store, uid, u) = (state.store.clone(), user.id, upload.clone());
    blocking(move || {
        store
            .get_upload(uid, &u)
            .or_not_found(ErrorCode::UploadNotFound)
    })
    .await?;
    state
        .runner
        .image_message(account, &upload)
        .await
        .map_err(|e| match e {
            RunnerError::NotRunning(_) | RunnerError::NotConnected(_) => ApiError::new(ErrorCode::AccountOffline,
                "the account is not connected; check its status",
            ),
            RunnerError::UploadLoginPage => ApiError::new(ErrorCode::UploadLoginPage,
                "Goofish answered the image upload with its login page: the account's cookie is no longer valid",
            ),
            other => ApiError::new(ErrorCode::UploadFailed, other.to_string()),
        })
}

impl dto::SendMessageRequest {
    /// Validates the body into what the connection sends.
    fn into_content(self) -> Result<SendContent, ApiError> {
        let invalid = |m: &str| ApiError::new(ErrorCode::InvalidMessage, m.to_owned());
        match (self.text, self.image_url) {
            (Some(t), None) if !t.trim().is_empty() && t.chars().count() <= 5000 => {
                Ok(SendContent::Text(t))
            }
            (Some(_), None) => Err(invalid("text must be 1-5000 characters")),
            (None, Some(url))
                if url.starts_with("https://")
                    || url.starts_with("http://")
                    || url.starts_with("//") =>
            {
                Ok(SendContent::Image {
                    url,
                    width: self.width.unwrap_or(800),
                    height: self.height.unwrap_or(600),
                })
            }
            (None, Some(_)) => Err(invalid(
                "image_url must be an http(s) URL of an uploaded image",
            )),
            _ => Err(invalid("give exactly one of text, image_url or upload_id")),
        }
    }
}

/// The automatic replies of a conversation, newest first, each with the buyer message it
/// answered, the sent message and why it was sent.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "conversation id"), PageQuery),
    responses((status = 200, body = Page<AutoReplyView>), (status = 404, description = "conversation_not_found", body = ErrorEnvelope))
)]
#[get("/conversations/{id}/auto-replies")]
pub async fn list_auto_replies(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let limit = query.limit_or(50)?;
    let before = query.id_cursor()?;
    let store = state.store.clone();
    let rows = blocking(move || {
        let conv = store
            .get_conversation(user.id, id)
            .or_not_found(ErrorCode::ConversationNotFound)?;
        store
            .auto_replies_of(user.id, conv.account_id, &conv.cid, before, limit + 1)
            .or_not_found(ErrorCode::ConversationNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.to_string(),
        |r| AutoReplyView::from(r),
    )))
}

//! Cards (卡券) of the caller and their stock lines. HTTP-fetch header values are secrets:
//! never returned (`***`), kept when a PATCH sends `***` back.

pub mod dto;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::routes::Body;
use crate::routes::cards::dto::{
    AppendStockRequest, AppendStockResult, CardView, CreateCardRequest, StockLineView, StockQuery,
    StockView, UpdateCardRequest,
};
use crate::routes::common::{Page, PageQuery};
use crate::state::AppState;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, get, patch, post, web};
use futures_util::StreamExt;
use xianyu_domain::delivery::{CardId, CardKind, MAX_CARD_TEXT_CHARS, stock_lines};
use xianyu_persistence::MAX_STOCK_LINES_PER_CALL;

/// Largest stock upload body (10,000 lines of up to ~200 bytes).
pub const STOCK_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Maps a store error of a card operation (`card_not_found` for a missing or foreign card).
/// List the caller's cards, oldest first (stock cards with their line counts).
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<CardView>)))]
#[get("/cards")]
pub async fn list_cards(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit_or(100)?;
    let after = query.id_cursor()?;
    let (store, uid) = (state.store.clone(), user.id);
    let (rows, counts) = blocking(move || {
        let rows = store.list_cards(uid, after, limit + 1)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.card.id.0).collect();
        let counts = store.stock_counts_for(uid, &ids)?;
        Ok((rows, counts))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.card.id.0.to_string(),
        |r| CardView::new(r, counts.get(&r.card.id.0).copied()),
    )))
}

/// Create a card.
#[utoipa::path(tag = "cards", security(("bearer" = [])), request_body = CreateCardRequest,
    responses((status = 201, body = CardView), (status = 400, description = "invalid_request (unknown type), invalid_card_name, invalid_card_text, invalid_delay, invalid_url, invalid_timeout, invalid_retries, invalid_header, body_with_get, content_in_body, message_without_content, invalid_json_path, invalid_image_ref, unknown_placeholder, unbalanced_brace", body = ErrorEnvelope)))]
#[post("/cards")]
pub async fn create_card(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<CreateCardRequest>,
) -> Result<HttpResponse, ApiError> {
    let card = body.into_inner()?.into_card(user.id)?;
    let (store, uid) = (state.store.clone(), user.id);
    let saved = blocking(move || {
        let saved = store.create_card(uid, &card)?;
        let counts = store.stock_counts(uid, saved.card.id)?;
        Ok(CardView::new(&saved, Some(counts)))
    })
    .await?;
    Ok(HttpResponse::Created().json(saved))
}

async fn view(state: &AppState, user: &AuthUser, id: CardId) -> Result<CardView, ApiError> {
    let (store, uid) = (state.store.clone(), user.id);
    blocking(move || {
        let r = store
            .get_card(uid, id)
            .or_not_found(ErrorCode::CardNotFound)?;
        let counts = store
            .stock_counts(uid, id)
            .or_not_found(ErrorCode::CardNotFound)?;
        Ok(CardView::new(&r, Some(counts)))
    })
    .await
}

/// One card.
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(("id" = i64, Path, description = "card id")),
    responses((status = 200, body = CardView), (status = 404, description = "card_not_found", body = ErrorEnvelope)))]
#[get("/cards/{id}")]
pub async fn get_card(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(view(&state, &user, CardId(*id)).await?))
}

/// Change a card. A new `body` replaces the old one whole; header values sent as `***` keep
/// the stored values. Changing a stock card to another kind keeps its lines.
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(("id" = i64, Path, description = "card id")), request_body = UpdateCardRequest,
    responses((status = 200, body = CardView), (status = 400, description = "the create codes", body = ErrorEnvelope), (status = 404, description = "card_not_found", body = ErrorEnvelope)))]
#[patch("/cards/{id}")]
pub async fn update_card(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<UpdateCardRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner()?;
    let (store, uid, id) = (state.store.clone(), user.id, CardId(*id));
    blocking(move || {
        let stored = store
            .get_card(uid, id)
            .or_not_found(ErrorCode::CardNotFound)?;
        let card = req.apply(stored.card)?;
        store
            .update_card(uid, &card)
            .or_not_found(ErrorCode::CardNotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&state, &user, id).await?))
}

/// Delete a card and its stock lines; refused with 409 `card_in_use` while delivery rules
/// use it.
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(("id" = i64, Path, description = "card id")),
    responses((status = 204), (status = 404, description = "card_not_found", body = ErrorEnvelope), (status = 409, description = "card_in_use", body = ErrorEnvelope)))]
#[delete("/cards/{id}")]
pub async fn delete_card(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, uid, id) = (state.store.clone(), user.id, CardId(*id));
    blocking(move || {
        store
            .get_card(uid, id)
            .or_not_found(ErrorCode::CardNotFound)?;
        let rules = store.rules_using_card(uid, id)?;
        if !rules.is_empty() {
            return Err(ApiError::new(
                ErrorCode::CardInUse,
                format!("delivery rules {rules:?} use this card; delete or change them first"),
            ));
        }
        store
            .delete_card(uid, id)
            .or_not_found(ErrorCode::CardNotFound)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reads a JSON body of up to `limit` bytes (larger than the API-wide limit).
async fn json_body<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<T, ApiError> {
    if !req.content_type().contains("json") {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        ));
    }
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::new(ErrorCode::InvalidJson, e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("request body exceeds {limit} bytes"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        let code = if e.is_data() {
            ErrorCode::InvalidRequest
        } else {
            ErrorCode::InvalidJson
        };
        ApiError::new(code, e.to_string())
    })
}

/// Add stock lines to a stock card: one per line, trimmed, blank lines dropped, at most
/// 10,000 per call (body up to 2 MB).
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(("id" = i64, Path, description = "card id")), request_body = AppendStockRequest,
    responses((status = 200, body = AppendStockResult), (status = 400, description = "no_stock_lines, too_many_stock_lines, stock_line_too_long", body = ErrorEnvelope),
        (status = 404, description = "card_not_found", body = ErrorEnvelope), (status = 409, description = "not_a_stock_card", body = ErrorEnvelope), (status = 413, description = "payload_too_large", body = ErrorEnvelope)))]
#[post("/cards/{id}/stock")]
pub async fn append_stock(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: AppendStockRequest = json_body(&req, payload, STOCK_BODY_LIMIT).await?;
    let lines = stock_lines(&body.lines);
    let count = lines.len();
    if let Some(n) = lines
        .iter()
        .position(|l| l.chars().count() > MAX_CARD_TEXT_CHARS)
    {
        return Err(ApiError::new(
            ErrorCode::StockLineTooLong,
            format!(
                "line {} is longer than {MAX_CARD_TEXT_CHARS} characters",
                n + 1
            ),
        ));
    }
    if count == 0 {
        return Err(ApiError::new(
            ErrorCode::NoStockLines,
            "lines has no non-blank line",
        ));
    }
    if count > MAX_STOCK_LINES_PER_CALL {
        return Err(ApiError::new(
            ErrorCode::TooManyStockLines,
            format!("at most {MAX_STOCK_LINES_PER_CALL} lines per call (got {count})"),
        ));
    }
    let (store, uid, id) = (state.store.clone(), user.id, CardId(*id));
    let result = blocking(move || {
        let card = store
            .get_card(uid, id)
            .or_not_found(ErrorCode::CardNotFound)?;
        if !matches!(card.card.kind, CardKind::Stock { .. }) {
            return Err(ApiError::new(
                ErrorCode::NotAStockCard,
                "only stock cards take stock lines",
            ));
        }
        let added = store
            .append_stock(uid, id, &body.lines)
            .or_not_found(ErrorCode::CardNotFound)?;
        let available = store
            .stock_counts(uid, id)
            .or_not_found(ErrorCode::CardNotFound)?
            .available;
        Ok(AppendStockResult { added, available })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// A card's stock counts; with `?lines=true` also a page of its lines (unconsumed only unless
/// `consumed=true`).
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(("id" = i64, Path, description = "card id"), StockQuery),
    responses((status = 200, body = StockView), (status = 404, description = "card_not_found", body = ErrorEnvelope)))]
#[get("/cards/{id}/stock")]
pub async fn get_stock(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<StockQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit_or(100)?;
    let after = page.id_cursor()?;
    let (with_lines, consumed) = (
        query.lines.unwrap_or(false),
        query.consumed.unwrap_or(false),
    );
    let (store, uid, id) = (state.store.clone(), user.id, CardId(*id));
    let view = blocking(move || {
        let counts = store
            .stock_counts(uid, id)
            .or_not_found(ErrorCode::CardNotFound)?;
        let (lines, next_cursor) = if with_lines {
            let rows = store
                .list_stock(uid, id, consumed, after, limit + 1)
                .or_not_found(ErrorCode::CardNotFound)?;
            let page = Page::from_rows(
                rows,
                limit,
                |l| l.id.to_string(),
                |l| StockLineView::from(l),
            );
            (Some(page.items), page.next_cursor)
        } else {
            (None, None)
        };
        Ok(StockView {
            counts: counts.into(),
            lines,
            next_cursor,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete one unconsumed stock line (consumed lines record what was delivered and stay).
#[utoipa::path(tag = "cards", security(("bearer" = [])), params(("id" = i64, Path, description = "card id"), ("line_id" = i64, Path, description = "stock line id")),
    responses((status = 204), (status = 404, description = "card_not_found, stock_line_not_found", body = ErrorEnvelope), (status = 409, description = "stock_line_consumed", body = ErrorEnvelope)))]
#[delete("/cards/{id}/stock/{line_id}")]
pub async fn delete_stock_line(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, line_id) = path.into_inner();
    let (store, uid, id) = (state.store.clone(), user.id, CardId(id));
    blocking(move || {
        store
            .get_card(uid, id)
            .or_not_found(ErrorCode::CardNotFound)?;
        let deleted = store
            .delete_stock_line(uid, id, line_id)
            .or_not_found(ErrorCode::StockLineNotFound)?;
        if deleted {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::StockLineConsumed,
                "this line was delivered and cannot be deleted",
            ))
        }
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

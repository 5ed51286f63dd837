//! Keyword rules as Excel: export, import (dry run by default, merge or replace) and the
//! template, compatible with the reference system's sheet. The format lives in
//! [`crate::xlsx_rules`]; these handlers scope, plan and store.

pub(crate) mod sheet;

use self::sheet::{self as xlsx_rules, RowError, XlsxError, rule_key};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::state::AppState;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xianyu_domain::AccountId;
use xianyu_domain::replies::{KeywordRule, RuleSet};
use xianyu_persistence::Store;

/// The xlsx media type.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx workbook, as raw bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct XlsxFile(pub Vec<u8>);

impl From<XlsxError> for ApiError {
    fn from(e: XlsxError) -> Self {
        match e {
            XlsxError::Write(m) => ApiError::internal(m),
            XlsxError::TooLarge => ApiError::coded(e.code(), e),
            other => ApiError::coded(other.code(), other),
        }
    }
}

fn xlsx_response(file: XlsxFile, filename: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(XLSX_MIME)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .body(file.0)
}

/// Export the account's keyword rules as an .xlsx workbook.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")),
    responses((status = 200, description = "the workbook (sheet 关键词数据)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxFile), (status = 404, body = ErrorEnvelope)))]
#[get("/accounts/{id}/keywords.xlsx")]
pub async fn export_keywords_xlsx(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let bytes = blocking(move || {
        let rules: Vec<KeywordRule> = store
            .list_rules(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        Ok(xlsx_rules::export(&rules)?)
    })
    .await?;
    Ok(xlsx_response(
        XlsxFile(bytes),
        format!("keywords-{}.xlsx", account.0),
    ))
}

/// Download the import template (the reference system's three example rows).
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")),
    responses((status = 200, description = "the template workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxFile), (status = 404, body = ErrorEnvelope)))]
#[get("/accounts/{id}/keywords-template.xlsx")]
pub async fn keywords_template_xlsx(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let bytes = blocking(move || {
        store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        Ok(xlsx_rules::template()?)
    })
    .await?;
    Ok(xlsx_response(
        XlsxFile(bytes),
        format!("keywords-template-{}.xlsx", account.0),
    ))
}

/// `?apply=&replace=` of the import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Write the rules (default false: a dry run that only reports).
    #[serde(default)]
    pub apply: bool,
    /// Delete the keyword rules that are not in the file (default false: merge).
    #[serde(default)]
    pub replace: bool,
}

/// What an import did, or (dry run) would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// Whether anything was written (only with `apply=true` and no row errors).
    pub applied: bool,
    /// Whether rules missing from the file are (or would be) deleted.
    pub replace: bool,
    /// Non-empty data rows read.
    pub rows: usize,
    /// Rows without errors.
    pub valid: usize,
    /// Per-row errors; any error means nothing is written.
    pub errors: Vec<RowError>,
    /// Rules created (or to be created).
    pub created: usize,
    /// Existing rules (same item and keyword set) changed (or to be changed).
    pub updated: usize,
    /// Existing rules already equal to their row.
    pub unchanged: usize,
    /// Rules deleted (or to be deleted) by `replace=true`.
    pub deleted: usize,
}

/// Import keyword rules from an .xlsx body (raw bytes, at most 2 MB, 5,000 rows).
///
/// Dry run unless `apply=true`; merges (a row whose item and keyword set equal an existing
/// rule's updates it, others are created) unless `replace=true`, which also deletes the
/// keyword rules not in the file. Nothing is written when any row has an error.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id"), ImportQuery),
    request_body(content = XlsxFile, description = "the .xlsx file (sheet 关键词数据 or the first; columns 关键词, 商品ID, 关键词内容, 匹配方式, 回复类型, 图片, 优先级)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportReport), (status = 400, description = "invalid_xlsx, missing_column, too_many_rows", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, description = "rule_set_too_large", body = ErrorEnvelope), (status = 413, description = "payload_too_large", body = ErrorEnvelope),
        (status = 415, description = "unsupported_media_type", body = ErrorEnvelope)))]
#[post("/accounts/{id}/keywords.xlsx")]
pub async fn import_keywords_xlsx(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<ImportQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    check_content_type(&req)?;
    let bytes = read_body(&req, payload).await?;
    let ImportQuery { apply, replace } = query.into_inner();
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    let report = blocking(move || {
        store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        let parsed = xlsx_rules::parse(&bytes)?;
        import(&store, uid, account, parsed, apply, replace)
    })
    .await?;
    if report.applied {
        state.runner.rules_changed(account);
    }
    Ok(HttpResponse::Ok().json(report))
}

fn check_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let ct = ct
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    if ct.eq_ignore_ascii_case(XLSX_MIME) || ct.eq_ignore_ascii_case("application/octet-stream") {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "send the .xlsx file as the raw body ({XLSX_MIME} or application/octet-stream)"
            ),
        ))
    }
}

async fn read_body(req: &HttpRequest, mut payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::from(XlsxError::TooLarge);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > xlsx_rules::MAX_BYTES) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
        if body.len() + chunk.len() > xlsx_rules::MAX_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Plans the merge (or replace) against the stored rules, checks the result builds, and
/// writes it when `apply` and every row is valid.
fn import(
    store: &Store,
    uid: xianyu_domain::UserId,
    account: AccountId,
    parsed: Vec<xlsx_rules::ParsedRow>,
    apply: bool,
    replace: bool,
) -> Result<ImportReport, ApiError> {
    let rows = parsed.len();
    let (rules, errors): (Vec<_>, Vec<_>) =
        parsed.into_iter().map(|r| r.rule).partition(Result::is_ok);
    let rules: Vec<KeywordRule> = rules.into_iter().flatten().collect();
    let errors: Vec<RowError> = errors.into_iter().filter_map(Result::err).collect();
    let existing: Vec<KeywordRule> = store
        .list_rules(uid, account)
        .or_not_found(ErrorCode::AccountNotFound)?;
    let mut claimed = vec![false; existing.len()];
    let (mut creates, mut updates, mut unchanged) = (Vec::new(), Vec::new(), 0);
    for mut rule in rules.iter().cloned() {
        let key = rule_key(&rule);
        let hit = existing
            .iter()
            .enumerate()
            .position(|(i, e)| !claimed[i] && rule_key(e) == key);
        match hit {
            Some(i) => {
                claimed[i] = true;
                rule.id = existing[i].id;
                if rule == existing[i] {
                    unchanged += 1;
                } else {
                    updates.push(rule);
                }
            }
            None => creates.push(rule),
        }
    }
    let deletes: Vec<i64> = if replace {
        existing
            .iter()
            .zip(&claimed)
            .filter(|(_, c)| !**c)
            .map(|(e, _)| e.id)
            .collect()
    } else {
        Vec::new()
    };
    let mut report = ImportReport {
        applied: false,
        replace,
        rows,
        valid: rules.len(),
        errors,
        created: creates.len(),
        updated: updates.len(),
        unchanged,
        deleted: deletes.len(),
    };
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let mut cfg = store
        .reply_config(account)
        .or_not_found(ErrorCode::AccountNotFound)?;
    cfg.keywords
        .retain(|k| !deletes.contains(&k.id) && !updates.iter().any(|u| u.id == k.id));
    cfg.keywords.extend(updates.iter().cloned());
    cfg.keywords.extend(creates.iter().cloned());
    RuleSet::build(cfg.keywords, cfg.item_replies, cfg.defaults, cfg.settings)
        .map_err(ApiError::from)?;
    if !apply {
        return Ok(report);
    }
    // Create first (one transaction), then update, then delete: a failure part-way leaves
    // more rules than asked for, never fewer.
    if !creates.is_empty() {
        store
            .create_rules(uid, account, &creates)
            .or_not_found(ErrorCode::AccountNotFound)?;
    }
    for rule in &updates {
        store
            .update_rule(uid, account, rule)
            .or_not_found(ErrorCode::AccountNotFound)?;
    }
    if !deletes.is_empty() {
        store
            .delete_rules::<KeywordRule>(uid, account, &deletes)
            .or_not_found(ErrorCode::AccountNotFound)?;
    }
    report.applied = true;
    Ok(report)
}

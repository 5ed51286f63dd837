//! Reply images of the calling user: upload (validated by content, size and dimensions,
//! re-encoded to JPEG and stored under the data dir with a random name), fetch (owner only)
//! and delete. A rule's image reply refers to an upload by its id; the first send through an
//! account uploads it to the Goofish CDN and remembers the CDN URL.

pub(crate) mod images;
mod store;

pub use store::UploadedImages;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use futures_util::StreamExt;
use images::MAX_UPLOAD_BYTES;
use serde::Serialize;
use utoipa::ToSchema;
use xianyu_persistence::UploadRecord;

/// How many bytes of non-`file` parts and multipart framing are tolerated on top of the image.
const FORM_OVERHEAD_BYTES: usize = 64 * 1024;

/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The image (JPEG, PNG, GIF or WebP, at most 5 MB and 8000×8000 pixels).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A stored upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    /// Upload id (32 hex digits); use it as `image_ref` of an image reply.
    pub id: String,
    /// Width of the stored JPEG in pixels.
    pub width: u32,
    /// Height of the stored JPEG in pixels.
    pub height: u32,
    /// Size of the stored JPEG in bytes.
    pub bytes: u64,
    /// Where the owner can fetch it: `/api/v1/uploads/<id>`.
    pub url: String,
}

impl UploadView {
    fn from_record(r: &UploadRecord) -> Self {
        Self {
            id: r.id.clone(),
            width: u32::try_from(r.width).unwrap_or(0),
            height: u32::try_from(r.height).unwrap_or(0),
            bytes: u64::try_from(r.bytes).unwrap_or(0),
            url: format!("/api/v1/uploads/{}", r.id),
        }
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::UploadNotFound, "upload not found")
}

/// Reads the `file` part, enforcing the size limit while streaming.
async fn read_file_part(mut form: Multipart) -> Result<Vec<u8>, ApiError> {
    let bad_form = |m: String| ApiError::new(ErrorCode::InvalidUpload, m);
    let mut file: Option<Vec<u8>> = None;
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| bad_form(format!("malformed multipart body: {e}")))?;
        let is_file = field.name() == Some("file");
        if is_file && file.is_some() {
            return Err(bad_form("send exactly one part named `file`".into()));
        }
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| bad_form(format!("malformed multipart body: {e}")))?;
            total += chunk.len();
            if (is_file && buf.len() + chunk.len() > MAX_UPLOAD_BYTES)
                || total > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
            {
                return Err(images::ImageError::TooLarge.into());
            }
            if is_file {
                buf.extend_from_slice(&chunk);
            }
        }
        if is_file {
            file = Some(buf);
        }
    }
    file.ok_or_else(|| bad_form("missing multipart part `file`".into()))
}

/// Upload an image for replies (multipart/form-data, one part `file`). The type is recognised
/// by content (JPEG, PNG, GIF, WebP); at most 5 MB and 8000×8000 pixels. The image is
/// re-encoded to JPEG (quality 85, longest side at most 1920) and stored privately.
#[utoipa::path(tag = "uploads", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = UploadView),
        (status = 400, description = "unsupported_image, image_dimensions, invalid_upload", body = ErrorEnvelope),
        (status = 413, description = "image_too_large", body = ErrorEnvelope)
    ))]
#[post("/uploads")]
pub async fn create_upload(
    state: web::Data<AppState>,
    user: AuthUser,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let bytes = read_file_part(form).await?;
    let processed = blocking(move || images::process(&bytes).map_err(ApiError::from)).await?;
    let id = images::new_upload_id();
    let record = UploadRecord {
        file_name: images::file_name(&id),
        id,
        user_id: user.id.0,
        width: i32::try_from(processed.width).unwrap_or(i32::MAX),
        height: i32::try_from(processed.height).unwrap_or(i32::MAX),
        bytes: i64::try_from(processed.jpeg.len()).unwrap_or(i64::MAX),
        created_at: chrono::Utc::now().timestamp_millis(),
    };
    let (store, dir, rec) = (state.store.clone(), state.uploads_dir.clone(), record);
    let saved = blocking(move || {
        images::write_file(&dir, &rec.file_name, &processed.jpeg).map_err(ApiError::internal)?;
        if let Err(e) = store.create_upload(&rec) {
            let _ = images::remove_file(&dir, &rec.file_name);
            return Err(e.into());
        }
        Ok(rec)
    })
    .await?;
    log::info!(target: "xianyu::uploads", "user {}: upload {} stored", user.id, saved.id);
    Ok(HttpResponse::Created().json(UploadView::from_record(&saved)))
}

/// Fetch an uploaded image (JPEG). Only its owner can fetch it.
#[utoipa::path(tag = "uploads", security(("bearer" = [])),
    params(("id" = String, Path, description = "upload id")),
    responses(
        (status = 200, content_type = "image/jpeg", description = "the stored JPEG"),
        (status = 404, description = "upload_not_found", body = ErrorEnvelope)
    ))]
#[get("/uploads/{id}")]
pub async fn get_upload(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if !images::is_upload_id(&id) {
        return Err(not_found());
    }
    let (store, dir) = (state.store.clone(), state.uploads_dir.clone());
    let jpeg = blocking(move || {
        let rec = store
            .get_upload(user.id, &id)
            .or_not_found(ErrorCode::UploadNotFound)?;
        images::read_file(&dir, &rec.file_name).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                not_found()
            } else {
                ApiError::internal(e)
            }
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(jpeg))
}

/// Delete an uploaded image (and its remembered CDN URLs). Rules that still refer to it
/// fail to send their image.
#[utoipa::path(tag = "uploads", security(("bearer" = [])),
    params(("id" = String, Path, description = "upload id")),
    responses((status = 204), (status = 404, description = "upload_not_found", body = ErrorEnvelope)))]
#[delete("/uploads/{id}")]
pub async fn delete_upload(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if !images::is_upload_id(&id) {
        return Err(not_found());
    }
    let (store, dir) = (state.store.clone(), state.uploads_dir.clone());
    blocking(move || {
        let rec = store
            .delete_upload(user.id, &id)
            .or_not_found(ErrorCode::UploadNotFound)?;
        images::remove_file(&dir, &rec.file_name).map_err(ApiError::internal)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

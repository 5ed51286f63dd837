//! The reply preview: which rule would answer a message, and why the levels before it did not.

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode, OrNotFound, blocking};
use crate::routes::Body;
use crate::routes::replies::dto::{PreviewRequest, PreviewResponse};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use xianyu_domain::AccountId;
use xianyu_runner::{Incoming, RunnerError};

/// Which rule would answer a message, why the ones before it did not, and the rendered reply.
#[utoipa::path(tag = "replies", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = PreviewRequest, responses((status = 200, body = PreviewResponse)))]
#[post("/accounts/{id}/replies/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Body<PreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner()?;
    let (store, uid, account) = (state.store.clone(), user.id, AccountId(*id));
    blocking(move || {
        store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    let msg = Incoming {
        buyer_id: req.buyer_id.unwrap_or_else(|| "0".to_owned()),
        buyer_name: req.buyer_name,
        item_id: req.item_id,
        text: req.message,
    };
    let d = state
        .runner
        .preview(account, msg)
        .await
        .map_err(|e| match e {
            RunnerError::InvalidRules(e) => ApiError::from(e),
            other => ApiError::internal(other),
        })?;
    let v = serde_json::to_value(&d).unwrap_or_default();
    Ok(HttpResponse::Ok().json(PreviewResponse {
        reply: v.get("reply").cloned().unwrap_or_default(),
        fired: v.get("fired").cloned().unwrap_or_default(),
        steps: v.get("steps").cloned().unwrap_or_default(),
        explanation: d.explain(),
    }))
}

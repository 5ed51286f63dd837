//! `/api/v1/settings` (admin only): global switches.

use crate::auth::AdminUser;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xianyu_persistence::REGISTRATION_OPEN;

/// Read the global settings.
#[utoipa::path(tag = "settings", security(("bearer" = [])), responses((status = 200, body = SettingsView), (status = 403, body = ErrorEnvelope)))]
#[get("/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let registration_open = blocking(move || Ok(store.registration_open()?)).await?;
    Ok(HttpResponse::Ok().json(SettingsView { registration_open }))
}

/// Change global settings.
#[utoipa::path(tag = "settings", security(("bearer" = [])), request_body = SettingsPatch, responses((status = 200, body = SettingsView), (status = 403, body = ErrorEnvelope)))]
#[patch("/settings")]
pub async fn update_settings(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: super::Body<SettingsPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let store = state.store.clone();
    let registration_open = blocking(move || {
        if let Some(open) = patch.registration_open {
            store.set_setting(REGISTRATION_OPEN, if open { "true" } else { "false" })?;
        }
        Ok(store.registration_open()?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SettingsView { registration_open }))
}

/// Global settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsView {
    /// Whether anyone may create a user through `POST /api/v1/auth/register`.
    pub registration_open: bool,
}

/// `PATCH /api/v1/settings` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// Open or close self-registration.
    pub registration_open: Option<bool>,
}

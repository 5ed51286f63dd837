//! Request and response bodies of the login routes.

use crate::routes::users::dto::ApiRole;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The user summary returned at login.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginUser {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: ApiRole,
    /// The password was set by someone else: ask the user to choose their own.
    pub must_change_password: bool,
}

/// `POST /api/v1/auth/login` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A successful login.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// When the token and its session expire.
    pub expires_at: DateTime<Utc>,
    /// Who logged in.
    pub user: LoginUser,
}

/// `POST /api/v1/auth/password` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password in use.
    pub current_password: String,
    /// The new password (8–128 characters).
    pub new_password: String,
}

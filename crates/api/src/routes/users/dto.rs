//! Request and response bodies of the user routes.

use crate::routes::common::utc;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xianyu_domain::{Role, User};

/// A role as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiRole {
    /// Manages users and settings.
    Admin,
    /// Manages own accounts.
    User,
}

impl From<Role> for ApiRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => ApiRole::Admin,
            Role::User => ApiRole::User,
        }
    }
}

impl From<ApiRole> for Role {
    fn from(r: ApiRole) -> Self {
        match r {
            ApiRole::Admin => Role::Admin,
            ApiRole::User => Role::User,
        }
    }
}

/// A dashboard user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: ApiRole,
    /// Whether the user may log in.
    pub enabled: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// The password was set by someone else (generated, or reset by an admin): the dashboard
    /// asks the user to choose their own.
    pub must_change_password: bool,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.0,
            username: u.username.clone(),
            role: u.role.into(),
            enabled: u.enabled,
            created_at: utc(u.created_at),
            must_change_password: u.must_change_password,
        }
    }
}

/// `POST /api/v1/auth/register` and `POST /api/v1/users` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3–32 characters of letters, digits, `_`, `.`, `-`.
    pub username: String,
    /// 8–128 characters.
    pub password: String,
    /// Role (admins only; default `user`).
    pub role: Option<ApiRole>,
}

/// `PATCH /api/v1/users/{id}` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// New password; revokes the user's sessions.
    pub password: Option<String>,
    /// New role.
    pub role: Option<ApiRole>,
    /// Enable or disable; disabling revokes the user's sessions.
    pub enabled: Option<bool>,
}

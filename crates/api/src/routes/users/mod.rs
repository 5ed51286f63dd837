//! `/api/v1/users` (admin only).

pub mod dto;

use crate::auth::{AdminUser, hash_password};
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::routes::auth::username_taken;
use crate::routes::common::Page;
use crate::routes::users::dto::{CreateUserRequest, UpdateUserRequest, UserView};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use xianyu_domain::{Password, Role, UserId, Username};
use xianyu_persistence::UserUpdate;

fn last_admin() -> ApiError {
    ApiError::new(
        ErrorCode::LastAdmin,
        "at least one enabled admin must remain",
    )
}

/// List all users.
#[utoipa::path(tag = "users", security(("bearer" = [])), responses((status = 200, body = Page<UserView>), (status = 403, body = ErrorEnvelope)))]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let users = blocking(move || Ok(store.admin_list_users()?)).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: users.iter().map(UserView::from).collect(),
        next_cursor: None,
    }))
}

/// Create a user.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses((status = 201, body = UserView), (status = 409, description = "username_taken", body = ErrorEnvelope))
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: super::Body<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let username = Username::parse(&body.username)?;
    let password = Password::parse(&body.password)?;
    let role: Role = body.role.map_or(Role::User, Into::into);
    let store = state.store.clone();
    let user = blocking(move || {
        let hash = hash_password(password.expose())?;
        let user = store
            .create_user(username.as_str(), &hash, role)
            .map_err(username_taken)?;
        // The admin chose this password: the new user is asked to choose their own.
        let update = UserUpdate {
            must_change_password: Some(true),
            ..UserUpdate::default()
        };
        Ok(store.update_user(user.id, &update)?)
    })
    .await?;
    log::info!(target: "xianyu::users", "user {} created with role {}", user.id, user.role);
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

/// Change a user's password, role or enabled flag. A new password or disabling revokes the
/// user's sessions; the last enabled admin cannot be demoted or disabled.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = UpdateUserRequest,
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, description = "user_not_found", body = ErrorEnvelope), (status = 409, description = "last_admin", body = ErrorEnvelope))
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<i64>,
    body: super::Body<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let uid = UserId(id.into_inner());
    let body = body.into_inner()?;
    let password = body.password.as_deref().map(Password::parse).transpose()?;
    let role: Option<Role> = body.role.map(Into::into);
    let enabled = body.enabled;
    let store = state.store.clone();
    let user = blocking(move || {
        let current = store
            .get_user(uid)
            .or_not_found(ErrorCode::UserNotFound)?
            .to_user();
        let loses_admin = current.role == Role::Admin
            && current.enabled
            && (role == Some(Role::User) || enabled == Some(false));
        if loses_admin && store.enabled_admin_count()? <= 1 {
            return Err(last_admin());
        }
        let hash = password
            .as_ref()
            .map(|p| hash_password(p.expose()))
            .transpose()?;
        let update = UserUpdate {
            password_hash: hash.as_deref(),
            // A password an admin set for someone else is temporary.
            must_change_password: hash.as_ref().map(|_| uid != admin.0.id),
            role,
            enabled,
        };
        let user = store.update_user(uid, &update)?;
        if hash.is_some() || enabled == Some(false) {
            store.revoke_user_sessions(uid, None)?;
        }
        Ok(user)
    })
    .await?;
    state.sessions.forget_user(uid);
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// Delete a user with all their accounts and sessions. Admins cannot delete themselves.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")),
    responses((status = 204), (status = 404, description = "user_not_found", body = ErrorEnvelope), (status = 409, description = "cannot_delete_self", body = ErrorEnvelope))
)]
#[delete("/users/{id}")]
pub async fn delete_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let uid = UserId(id.into_inner());
    if uid == admin.0.id {
        return Err(ApiError::new(
            ErrorCode::CannotDeleteSelf,
            "you cannot delete your own user",
        ));
    }
    let store = state.store.clone();
    blocking(move || {
        let current = store
            .get_user(uid)
            .or_not_found(ErrorCode::UserNotFound)?
            .to_user();
        if current.role == Role::Admin && current.enabled && store.enabled_admin_count()? <= 1 {
            return Err(last_admin());
        }
        store
            .admin_delete_user(uid)
            .or_not_found(ErrorCode::UserNotFound)
    })
    .await?;
    state.sessions.forget_user(uid);
    log::info!(target: "xianyu::users", "user {uid} deleted");
    Ok(HttpResponse::NoContent().finish())
}

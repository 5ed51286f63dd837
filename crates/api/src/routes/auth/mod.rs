//! `/api/v1/auth`: login, logout, who am I, password change, self-registration.

pub mod dto;

use crate::auth::{AuthUser, dummy_hash, hash_password, verify_password};
use crate::error::ErrorCode;
use crate::error::{ApiError, ErrorEnvelope, blocking};
use crate::routes::auth::dto::{ChangePasswordRequest, LoginRequest, LoginResponse, LoginUser};
use crate::routes::users::dto::{CreateUserRequest, UserView};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use xianyu_domain::{Password, Role, Username};
use xianyu_persistence::{StoreError, UserUpdate};

fn invalid_credentials() -> ApiError {
    ApiError::new(ErrorCode::InvalidCredentials, "wrong username or password")
}

/// Log in with username and password.
///
/// Failed attempts are limited per client IP and per username; past the limit the answer is 429
/// with `retry_after` seconds. The message never says which of the two was wrong.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "invalid_credentials", body = ErrorEnvelope),
        (status = 429, description = "rate_limited", body = ErrorEnvelope),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: super::Body<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = req.peer_addr().map(|a| a.ip());
    let LoginRequest { username, password } = body.into_inner()?;
    if let Err(wait) = state.limiter.check(ip, &username) {
        return Err(ApiError::rate_limited(wait));
    }
    let store = state.store.clone();
    let name = username.clone();
    let user = blocking(move || {
        let found = store.find_user_by_username(&name)?;
        let hash = found
            .as_ref()
            .map_or(dummy_hash(), |u| u.password_hash.as_str());
        let ok = verify_password(&password, hash);
        Ok(found.filter(|u| ok && u.enabled))
    })
    .await?;
    let Some(user) = user else {
        state.limiter.record_failure(ip, &username);
        log::warn!(target: "xianyu::auth", "failed login for a username from {ip:?}");
        return Err(invalid_credentials());
    };
    state.limiter.record_success(&username);
    let expires = chrono::Utc::now() + chrono::Duration::hours(i64::from(state.session_hours));
    let store = state.store.clone();
    let uid = xianyu_domain::UserId(user.id);
    let session = blocking(move || Ok(store.create_session(uid, expires.naive_utc())?)).await?;
    let token = state.jwt.issue(uid, &session, expires.timestamp())?;
    log::info!(target: "xianyu::auth", user = user.id; "logged in");
    Ok(HttpResponse::Ok().json(LoginResponse {
        token,
        expires_at: expires,
        user: LoginUser {
            id: user.id,
            role: user.role.parse::<Role>().unwrap_or(Role::User).into(),
            username: user.username,
            must_change_password: user.must_change_password,
        },
    }))
}

/// End the current session; its token stops working at once.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses((status = 204), (status = 401, body = ErrorEnvelope)))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let session = user.session.clone();
    blocking(move || Ok(store.revoke_session(user.id, &session)?)).await?;
    state.sessions.forget_session(&user.session.0);
    Ok(HttpResponse::NoContent().finish())
}

/// The calling user.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses((status = 200, body = UserView), (status = 401, body = ErrorEnvelope)))]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let row = blocking(move || Ok(store.get_user(user.id)?)).await?;
    Ok(HttpResponse::Ok().json(UserView::from(&row.to_user())))
}

/// Change the caller's password; every other session of the caller is revoked.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204),
        (status = 400, description = "weak_password", body = ErrorEnvelope),
        (status = 403, description = "wrong_password", body = ErrorEnvelope),
        (status = 429, description = "rate_limited", body = ErrorEnvelope),
    )
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: super::Body<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = req.peer_addr().map(|a| a.ip());
    if let Err(wait) = state.limiter.check(ip, &user.username) {
        return Err(ApiError::rate_limited(wait));
    }
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner()?;
    let new_password = Password::parse(&new_password)?;
    if new_password.expose() == current_password {
        return Err(ApiError::new(
            ErrorCode::SamePassword,
            "the new password must differ from the current one",
        ));
    }
    let store = state.store.clone();
    let uid = user.id;
    let ok = blocking(move || {
        let row = store.get_user(uid)?;
        Ok(verify_password(&current_password, &row.password_hash))
    })
    .await?;
    if !ok {
        state.limiter.record_failure(ip, &user.username);
        return Err(ApiError::new(
            ErrorCode::WrongPassword,
            "the current password is wrong",
        ));
    }
    let store = state.store.clone();
    blocking(move || {
        let hash = hash_password(new_password.expose())?;
        let update = UserUpdate {
            password_hash: Some(&hash),
            must_change_password: Some(false),
            ..UserUpdate::default()
        };
        store.update_user(uid, &update)?;
        store.revoke_user_sessions(uid, Some(&user.session))?;
        Ok(())
    })
    .await?;
    state.sessions.forget_user(uid);
    log::info!(target: "xianyu::auth", user = uid.0; "password changed");
    Ok(HttpResponse::NoContent().finish())
}

/// Create a user account for oneself, when an admin has opened registration.
#[utoipa::path(
    tag = "auth",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserView),
        (status = 403, description = "registration_closed", body = ErrorEnvelope),
        (status = 409, description = "username_taken", body = ErrorEnvelope),
    )
)]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    body: super::Body<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    if body.role.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "role cannot be chosen when registering",
        ));
    }
    let username = Username::parse(&body.username)?;
    let password = Password::parse(&body.password)?;
    let store = state.store.clone();
    let user = blocking(move || {
        if !store.registration_open()? {
            return Err(ApiError::new(
                ErrorCode::RegistrationClosed,
                "registration is closed",
            ));
        }
        let hash = hash_password(password.expose())?;
        store
            .create_user(username.as_str(), &hash, Role::User)
            .map_err(username_taken)
    })
    .await?;
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

/// Maps a username conflict to `username_taken`.
pub fn username_taken(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict(_) => {
            ApiError::new(ErrorCode::UsernameTaken, "this username is taken")
        }
        other => other.into(),
    }
}

/// Whether self-registration is open (the login page offers it only then).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationView {
    /// `POST /api/v1/auth/register` accepts new users.
    pub open: bool,
}

/// Whether anyone may create a user for themselves right now. Needs no login.
#[utoipa::path(tag = "auth", responses((status = 200, body = RegistrationView)))]
#[get("/auth/registration")]
pub async fn registration(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let open = blocking(move || Ok(store.registration_open()?)).await?;
    Ok(HttpResponse::Ok().json(RegistrationView { open }))
}

//! Passwords (bcrypt), access tokens (HS256 JWT bound to a session row) and the `AuthUser` /
//! `AdminUser` extractors that make authentication part of a handler's signature.

use crate::ApiError;
use crate::error::ErrorCode;
use crate::error::read;
use crate::session_cache::CachedSession;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use xianyu_domain::{Role, SessionId, UserId};

/// bcrypt cost: about 50–80 ms per hash on one core, deliberately slow for attackers.
pub const BCRYPT_COST: u32 = 10;

/// Hashes a password with bcrypt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    bcrypt::hash(password, BCRYPT_COST).map_err(ApiError::internal)
}

/// Checks a password against a bcrypt hash (false on a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    bcrypt::verify(password, hash).unwrap_or(false)
}

/// A hash of a random password, verified against when a username does not exist, so that the
/// answer takes as long as for a real user.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        bcrypt::hash(crate::bootstrap::random_password(), BCRYPT_COST).unwrap_or_default()
    })
}

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id, as a decimal string (JWT `sub` is a string).
    pub sub: String,
    /// Session id; the token dies with the session.
    pub sid: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expiry (Unix seconds).
    pub exp: i64,
}

/// HS256 signing and verification keys.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    /// Builds keys from a shared secret.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Signs a token for a session.
    pub fn issue(&self, user: UserId, session: &SessionId, exp: i64) -> Result<String, ApiError> {
        let claims = Claims {
            sub: user.0.to_string(),
            sid: session.0.clone(),
            iat: chrono::Utc::now().timestamp(),
            exp,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// Verifies signature and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::new(
                    ErrorCode::TokenExpired,
                    "the access token has expired; log in again",
                ),
                _ => ApiError::new(ErrorCode::InvalidToken, "the access token is invalid"),
            })
    }
}

/// The authenticated caller, resolved from the bearer token and a live session row.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The caller's id.
    pub id: UserId,
    /// The caller's username.
    pub username: String,
    /// The caller's role (read from the database on every request).
    pub role: Role,
    /// The session the token belongs to.
    pub session: SessionId,
}

/// Marker put into request extensions so the request log can name the user.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoggedUser(pub UserId);

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MissingToken,
                "an Authorization: Bearer token is required",
            )
        })?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::new(ErrorCode::InvalidToken, "the access token is invalid"))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::new(
            ErrorCode::MissingToken,
            "an Authorization: Bearer token is required",
        )),
    }
}

async fn authenticate(req: HttpRequest) -> Result<AuthUser, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("AppState missing"))?;
    let auth = authenticate_token(&state, &bearer(&req)?).await?;
    req.extensions_mut().insert(LoggedUser(auth.id));
    Ok(auth)
}

/// Whether the request carries an `Authorization` header at all.
pub(crate) fn has_authorization(req: &HttpRequest) -> bool {
    req.headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
}

/// Resolves a bearer token to the caller: signature, expiry, then a live session (cached
/// briefly).
pub(crate) async fn authenticate_token(
    state: &AppState,
    token: &str,
) -> Result<AuthUser, ApiError> {
    let claims = state.jwt.verify(token)?;
    let claimed_user = claims.sub.parse::<i64>().ok();
    let session = SessionId(claims.sid);
    let cached = match state.sessions.get(&session.0) {
        Some(hit) => hit,
        None => {
            let sid = session.clone();
            let store = state.store.clone();
            let live = read(&state.store, move || Ok(store.live_session(&sid)?)).await?;
            let (_, user) = live.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::SessionRevoked,
                    "the session has ended; log in again",
                )
            })?;
            let fresh = CachedSession {
                user: UserId(user.id),
                role: user.role.parse().unwrap_or(Role::User),
                username: user.username,
            };
            state.sessions.put(&session.0, fresh.clone());
            fresh
        }
    };
    if claimed_user != Some(cached.user.0) {
        return Err(ApiError::new(
            ErrorCode::InvalidToken,
            "the access token is invalid",
        ));
    }
    Ok(AuthUser {
        id: cached.user,
        role: cached.role,
        username: cached.username,
        session,
    })
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

/// An authenticated caller with the admin role; anyone else gets 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = authenticate(req).await?;
            if user.role == Role::Admin {
                Ok(AdminUser(user))
            } else {
                Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "this action needs the admin role",
                ))
            }
        })
    }
}

//! The storage error type.

use thiserror::Error;

/// What can go wrong when reading or writing the store. Each variant has a stable code.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The row does not exist (or belongs to another user).
    #[error("not found")]
    NotFound,
    /// A unique constraint was violated; the string names what already exists.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The database cannot be reached or a connection could not be taken from the pool.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(String),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// A database URL or setting is malformed.
    #[error("invalid database configuration: {0}")]
    Config(String),
    /// A stored secret could not be decrypted (wrong key or corrupted data).
    #[error("stored secret cannot be decrypted: wrong XIANYU_SECRET_KEY or corrupted data")]
    Decrypt,
}

impl StoreError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Conflict(_) => "conflict",
            Self::Unavailable(_) => "database_unavailable",
            Self::Database(_) => "database_error",
            Self::Migration(_) => "migration_failed",
            Self::Config(_) => "invalid_database_config",
            Self::Decrypt => "secret_decrypt_failed",
        }
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StoreError::Conflict("row")
            }
            Error::DatabaseError(kind, info)
                if matches!(kind, DatabaseErrorKind::ClosedConnection)
                    || is_connection_loss(info.message()) =>
            {
                StoreError::Unavailable(info.message().to_owned())
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

/// Whether a driver message means the server went away (PostgreSQL reports a dropped or
/// restarted server as a generic error with these texts).
fn is_connection_loss(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "terminating connection",
        "server closed the connection",
        "connection to server",
        "no connection to the server",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

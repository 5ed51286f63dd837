//! One connection type over SQLite and PostgreSQL, its r2d2 pool, and the embedded migrations.

use crate::StoreError;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub(crate) enum AnyConnection {
    /// PostgreSQL (scale-out).
    Pg(PgConnection),
    /// SQLite (embedded default).
    Sqlite(SqliteConnection),
}

/// Runs the same expression on whichever concrete connection `$conn` holds. For the few
/// statements (RETURNING, upserts) that the multi-backend cannot express directly.
macro_rules! with_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::connection::AnyConnection::Pg($c) => $body,
            $crate::connection::AnyConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use with_backend;

/// Runs `$body` (which sees the concrete connection as `$c`) in a transaction that serializes
/// writers: `BEGIN IMMEDIATE` on SQLite — a deferred `BEGIN` that reads first and writes later
/// fails at once with `database is locked` (`SQLITE_BUSY_SNAPSHOT`) when another connection
/// wrote in between, whatever the busy timeout, so every write transaction goes through here — a plain transaction on PostgreSQL where the body
/// takes row locks through [`RowLock`]. `$err` is the transaction's error type.
macro_rules! write_tx {
    ($conn:expr, $err:ty, |$c:ident| $body:expr) => {
        match $conn {
            $crate::connection::AnyConnection::Pg($c) => $c.transaction::<_, $err, _>(|$c| $body),
            $crate::connection::AnyConnection::Sqlite($c) => {
                $c.immediate_transaction::<_, $err, _>(|$c| $body)
            }
        }
    };
}
pub(crate) use write_tx;

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, one file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend's name as shown in `/health`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// Detects the backend from a database URL and returns the URL the driver expects.
    pub fn from_url(url: &str) -> Result<(Backend, String), StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok((Backend::Postgres, url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(StoreError::Config(format!(
                "unsupported DATABASE_URL scheme (use sqlite://PATH or postgres://…): {}",
                redact_url(url)
            )));
        }
        Ok((Backend::Sqlite, path.to_owned()))
    }
}

/// Hides a password in a database URL, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Pool sizing.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Most connections held open at once.
    pub max_size: u32,
    /// How long a request waits for a free connection.
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 8,
            connection_timeout: Duration::from_secs(5),
        }
    }
}

pub(crate) type Pool = r2d2::Pool<AnyManager>;
pub(crate) type PooledConn = r2d2::PooledConnection<AnyManager>;

/// Opens connections for the pool and prepares each SQLite connection (WAL, busy timeout,
/// foreign keys).
#[derive(Debug)]
pub(crate) struct AnyManager {
    backend: Backend,
    url: String,
}

const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
     PRAGMA synchronous = NORMAL;";

impl ManageConnection for AnyManager {
    type Connection = AnyConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<AnyConnection, StoreError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url)
                .map(AnyConnection::Pg)
                .map_err(|e| StoreError::Unavailable(e.to_string())),
            Backend::Sqlite => {
                let mut c = SqliteConnection::establish(&self.url)
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                c.batch_execute(SQLITE_PRAGMAS)?;
                Ok(AnyConnection::Sqlite(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        diesel::sql_query("SELECT 1").execute(conn)?;
        Ok(())
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

pub(crate) fn build_pool(url: &str, options: PoolOptions) -> Result<(Backend, Pool), StoreError> {
    let (backend, driver_url) = Backend::from_url(url)?;
    if backend == Backend::Sqlite {
        prepare_sqlite_file(&driver_url)?;
    }
    let manager = AnyManager {
        backend,
        url: driver_url,
    };
    // r2d2 starts three helper threads by default; opening spare connections and reaping idle
    // ones is rare work, one thread does it.
    let helper = scheduled_thread_pool::ScheduledThreadPool::builder()
        .num_threads(1)
        .thread_name_pattern("r2d2-worker-{}")
        .build();
    let pool = r2d2::Pool::builder()
        .thread_pool(std::sync::Arc::new(helper))
        .max_size(options.max_size)
        .min_idle(Some(1))
        .connection_timeout(options.connection_timeout)
        .test_on_check_out(false)
        .build(manager)
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok((backend, pool))
}

/// Creates the parent directory and switches the file to WAL mode once (it is persistent).
fn prepare_sqlite_file(path: &str) -> Result<(), StoreError> {
    let parent = std::path::Path::new(path).parent();
    if let Some(parent) = parent.filter(|p| path != ":memory:" && !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut c =
        SqliteConnection::establish(path).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    c.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")?;
    Ok(())
}

pub(crate) fn run_migrations(conn: &mut AnyConnection) -> Result<usize, StoreError> {
    let applied = match conn {
        AnyConnection::Pg(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    }
    .map_err(|e| StoreError::Migration(e.to_string()))?;
    if applied > 0 {
        log::info!(target: "xianyu::persistence", "applied {applied} migration(s)");
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            Backend::from_url("sqlite://data/x.db").ok(),
            Some((Backend::Sqlite, "data/x.db".into()))
        );
        assert_eq!(
            Backend::from_url("x.db").ok(),
            Some((Backend::Sqlite, "x.db".into()))
        );
        assert_eq!(
            Backend::from_url("postgres://u:p@h/db").map(|b| b.0).ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://h/db").is_err());
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
    }
}

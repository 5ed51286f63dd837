//! `xianyu-persistence`: storage for Xianyu Auto Reply on SQLite (embedded default) or
//! PostgreSQL (scale-out), through one diesel schema and one code path.
//!
//! It depends only on `xianyu-domain` among internal crates, and it is the only crate that names
//! diesel. Migrations for both backends are embedded and run by [`Store::open`]. Secrets (account
//! cookies) are encrypted with AES-256-GCM by [`SecretBox`] before they reach the database, and
//! every query on user-owned rows is scoped by the acting user.

mod accounts;
mod catalog;
mod connection;
mod conversations;
mod crypto;
mod error;
mod orders;
mod replies;
mod runner_ports;
mod schema;
mod sessions;
mod settings;
mod stats;
pub mod testing;
mod uploads;
mod users;
mod verifications;

pub use accounts::NewAccount;
pub use catalog::{
    CardRecord, ItemDetailUpdate, ItemFilter, ItemPatch, ItemRecord, MAX_ITEM_DESCRIPTION_CHARS,
    MAX_RULE_REMARK_CHARS, MAX_STOCK_LINES_PER_CALL, RuleRecord, StockCounts, StockLine,
    card_kind_name,
};
pub use connection::{Backend, PoolOptions, redact_url};
pub use conversations::{Conversation, StoredMessage};
pub use crypto::{KEY_LEN, SecretBox};
pub use error::StoreError;
pub use orders::{
    DaySummary, DeliveryFilter, DeliveryRecord, OrderDetails, OrderEvent, OrderFilter, OrderRecord,
};
pub use replies::{AutoReplyEntry, StoredRule};
pub use sessions::SessionRecord;
pub use settings::REGISTRATION_OPEN;
pub use stats::DayTotals;
pub use uploads::UploadRecord;
pub use users::{UserRecord, UserUpdate};
pub use verifications::MAX_VERIFICATIONS_LISTED;

use connection::{AnyConnection, Pool};

/// A handle to the database: a connection pool plus the key that seals secrets. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    backend: Backend,
    secrets: SecretBox,
}

impl Store {
    /// Connects to `database_url` (`sqlite://path`, a plain path, or `postgres://…`), runs the
    /// embedded migrations, and returns a ready store.
    pub fn open(
        database_url: &str,
        secrets: SecretBox,
        options: PoolOptions,
    ) -> Result<Self, StoreError> {
        let (backend, pool) = connection::build_pool(database_url, options)?;
        let store = Store {
            pool,
            backend,
            secrets,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Which database engine this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs pending migrations; returns how many were applied.
    pub fn migrate(&self) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        connection::run_migrations(&mut conn)
    }

    /// Checks that the database answers a trivial query.
    pub fn ping(&self) -> Result<(), StoreError> {
        use diesel::RunQueryDsl;
        let mut conn = self.conn()?;
        diesel::sql_query("SELECT 1").execute(&mut *conn)?;
        Ok(())
    }

    /// Connections of the pool: `(open, idle)`.
    pub fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }

    fn conn(&self) -> Result<connection::PooledConn, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

#[allow(dead_code)]
fn _assert_send_sync(s: Store) -> impl Send + Sync {
    let _: &AnyConnection;
    s
}

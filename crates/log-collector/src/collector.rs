//! The process-wide logger and the collectors attached to it.
//!
//! [`install`] sets the one `log::Log` of the process: it applies env_logger's filter
//! (`RUST_LOG`), redacts each record once, prints it in env_logger's format and hands the same
//! redacted record to every attached [`Collector`]. A server creates a collector over its data
//! directory and attaches it; several servers in one process (tests) each see every record.

use crate::files::{self, FileConfig, FileSink};
use crate::owners::Owners;
use crate::ring::Ring;
use crate::{Entry, LogError, LogFile, LogPage, LogQuery, LogRecord, LogScope};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock, Weak};

/// What one look of a live tail found.
#[derive(Debug, Default)]
pub struct TailBatch {
    /// New records, oldest first.
    pub entries: Vec<Entry>,
    /// Records that left the ring before this tail read them.
    pub missed: u64,
}

/// A live tail: a reader's position in a collector's ring. It reads what is new when it looks
/// (every few hundred ms), so a record costs the logger no wake-up of any reader, and a reader
/// that stalls only misses what the ring let go of (counted), never holds the logger up.
#[derive(Debug)]
pub struct Tail {
    after: u64,
}

impl Tail {
    /// Up to `limit` records logged since the last look.
    pub fn poll(&mut self, logs: &Collector, limit: usize) -> TailBatch {
        let (entries, missed) = logs.ring.after(self.after, limit);
        if let Some(last) = entries.last() {
            self.after = last.id;
        } else if missed > 0 {
            self.after = logs.ring.newest_id();
        }
        if missed > 0 {
            logs.tail_dropped.fetch_add(missed, Ordering::Relaxed);
        }
        TailBatch { entries, missed }
    }
}

/// Settings of a collector.
#[derive(Debug, Clone)]
pub struct CollectorConfig {
    /// Records kept in memory (`XIANYU_LOG_BUFFER`, default 20,000).
    pub buffer: usize,
    /// Where the daily files go (`<data dir>/logs`); `None` writes no files.
    pub dir: Option<PathBuf>,
    /// Days of files kept (`XIANYU_LOG_RETENTION_DAYS`, default 14).
    pub retention_days: u32,
    /// The most one day's file may hold (`XIANYU_LOG_FILE_MAX_MB`, default 64 MiB).
    pub max_file_bytes: u64,
    /// Records queued for the file writer before the oldest are dropped.
    pub file_queue: usize,
}

impl Default for CollectorConfig {
    fn default() -> Self {
        Self {
            buffer: 20_000,
            dir: None,
            retention_days: 14,
            max_file_bytes: 64 * 1024 * 1024,
            file_queue: 8_192,
        }
    }
}

/// Records a collector had to let go of, per sink.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DropCounts {
    /// Evicted from the full ring (the oldest go first).
    pub ring_evicted: u64,
    /// Not written to a file (queue full, file at its size cap, disk error).
    pub file: u64,
    /// Missed by live tails that fell a whole ring behind.
    pub tail: u64,
}

/// One server's view of the process's records: ring, live tail and files.
pub struct Collector {
    ring: Ring,
    owners: Owners,
    tail_dropped: AtomicU64,
    files: Option<FileSink>,
    dir: Option<PathBuf>,
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector")
            .field("records", &self.ring.len())
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Collector {
    /// A collector (not yet attached): creates the log directory and applies the retention.
    pub fn new(cfg: CollectorConfig) -> Result<Arc<Self>, LogError> {
        let owners = Owners::default();
        let files = match &cfg.dir {
            Some(dir) => Some(FileSink::start(
                FileConfig {
                    dir: dir.clone(),
                    retention_days: cfg.retention_days,
                    max_file_bytes: cfg.max_file_bytes,
                    queue: cfg.file_queue,
                },
                now_ms(),
                owners.clone(),
            )?),
            None => None,
        };
        Ok(Arc::new(Self {
            ring: Ring::new(cfg.buffer),
            owners,
            tail_dropped: AtomicU64::new(0),
            files,
            dir: cfg.dir,
        }))
    }

    /// Starts receiving the records of the installed logger.
    pub fn attach(self: &Arc<Self>) {
        let mut list = ATTACHED.write().unwrap_or_else(PoisonError::into_inner);
        list.retain(|w| w.strong_count() > 0);
        list.push(Arc::downgrade(self));
    }

    /// Stops receiving records (a stopped server).
    pub fn detach(self: &Arc<Self>) {
        let me = Arc::downgrade(self);
        ATTACHED
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|w| w.strong_count() > 0 && !w.ptr_eq(&me));
    }

    /// Takes one (already redacted) record into every sink; never waits on a consumer.
    pub fn accept(&self, record: Arc<LogRecord>) {
        self.ring.push(record.clone());
        if let Some(f) = &self.files {
            f.push(record);
        }
    }

    /// A page of the ring, newest first (see [`LogQuery`], [`LogScope`]).
    pub fn query(
        &self,
        query: &LogQuery,
        scope: &LogScope,
        before: Option<u64>,
        limit: usize,
    ) -> LogPage {
        self.ring.query(query, scope, before, limit)
    }

    /// A live tail of every record from now on (see [`Tail`]).
    pub fn tail(&self) -> Tail {
        Tail {
            after: self.ring.newest_id(),
        }
    }

    /// Records let go of so far, per sink.
    pub fn drops(&self) -> DropCounts {
        DropCounts {
            ring_evicted: self.ring.evicted(),
            file: self.files.as_ref().map_or(0, FileSink::dropped),
            tail: self.tail_dropped.load(Ordering::Relaxed),
        }
    }

    /// Notes who owns `account`: records about it then name that user (views, files).
    pub fn set_owner(&self, account: i64, user: i64) {
        self.owners.set(account, user);
    }

    /// Forgets a deleted account's owner.
    pub fn forget_account(&self, account: i64) {
        self.owners.forget(account);
    }

    /// The user a record concerns: its own `user` field, else the owner of its account.
    pub fn user_of(&self, record: &LogRecord) -> Option<i64> {
        self.owners.user_of(record)
    }

    /// Records in memory now.
    pub fn buffered(&self) -> usize {
        self.ring.len()
    }

    /// The daily files, newest first (none when files are off).
    pub fn files(&self) -> Result<Vec<LogFile>, LogError> {
        self.dir.as_deref().map_or(Ok(Vec::new()), files::list)
    }

    /// The path of one day's file, if it exists.
    pub fn file_path(&self, day: NaiveDate) -> Result<PathBuf, LogError> {
        let missing = || LogError::NoSuchFile(day.to_string());
        let path = self
            .dir
            .as_ref()
            .ok_or_else(missing)?
            .join(files::file_name(day));
        if path.is_file() {
            Ok(path)
        } else {
            Err(missing())
        }
    }

    /// Waits until every record accepted so far is in its file.
    pub fn flush(&self) {
        if let Some(f) = &self.files {
            f.flush();
        }
    }
}

static ATTACHED: RwLock<Vec<Weak<Collector>>> = RwLock::new(Vec::new());
static LOGGER: OnceLock<Dispatcher> = OnceLock::new();

/// The process's logger: filter, redaction, console, then the attached collectors.
struct Dispatcher {
    console: env_logger::Logger,
}

impl log::Log for Dispatcher {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.console.enabled(metadata)
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.console.matches(record) {
            return;
        }
        let r = Arc::new(LogRecord::capture(record, now_ms()));
        let fields: Vec<(&str, i64)> = [("account", r.account_id), ("user", r.user_id)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        self.console.log(
            &log::Record::builder()
                .args(format_args!("{}", r.message))
                .level(record.level())
                .target(record.target())
                .module_path(record.module_path())
                .file(record.file())
                .line(record.line())
                .key_values(&fields)
                .build(),
        );
        let list = ATTACHED.read().unwrap_or_else(PoisonError::into_inner);
        for c in list.iter().filter_map(Weak::upgrade) {
            c.accept(r.clone());
        }
    }

    fn flush(&self) {
        self.console.flush();
    }
}

/// Installs the process's logger with `console` (an env_logger builder: its filter applies to
/// every sink, its format to the console). Once per process.
pub fn install(mut console: env_logger::Builder) -> Result<(), LogError> {
    let logger = console.build();
    let max = logger.filter();
    if LOGGER.set(Dispatcher { console: logger }).is_err() {
        return Err(LogError::AlreadyInstalled);
    }
    let Some(dispatcher) = LOGGER.get() else {
        return Err(LogError::AlreadyInstalled);
    };
    log::set_logger(dispatcher).map_err(|_| LogError::AlreadyInstalled)?;
    log::set_max_level(max);
    Ok(())
}

/// Whether [`install`] succeeded in this process (collectors receive records).
pub fn is_installed() -> bool {
    LOGGER.get().is_some()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

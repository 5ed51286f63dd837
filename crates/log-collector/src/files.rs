//! Daily log files `<dir>/xianyu-YYYY-MM-DD.log` (the sellers' calendar day, Asia/Shanghai),
//! written by one background thread from a bounded queue: a slow disk drops the oldest queued
//! records (counted) instead of slowing the caller. Files past the retention are deleted when
//! the writer starts and when the day turns; a file that reaches the size cap takes no more
//! records that day (counted).

use crate::owners::Owners;
use crate::{LogError, LogRecord};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use xianyu_domain::clock::{local_day, local_time};

/// One day's log file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogFile {
    /// The day it covers (`YYYY-MM-DD`).
    pub day: NaiveDate,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The file name of a day's log.
pub fn file_name(day: NaiveDate) -> String {
    format!("xianyu-{}.log", day.format("%Y-%m-%d"))
}

/// The day of a log file name; `None` for other files.
pub fn parse_file_name(name: &str) -> Option<NaiveDate> {
    let day = name.strip_prefix("xianyu-")?.strip_suffix(".log")?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// The log files in `dir`, newest first.
pub(crate) fn list(dir: &Path) -> Result<Vec<LogFile>, LogError> {
    let mut files = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(day) = parse_file_name(&name) {
            let bytes = entry.metadata()?.len();
            files.push(LogFile { day, name, bytes });
        }
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.day));
    Ok(files)
}

/// Deletes the files of days more than `days` before `today`; returns how many went.
pub(crate) fn apply_retention(dir: &Path, today: NaiveDate, days: u32) -> Result<usize, LogError> {
    let mut deleted = 0;
    for f in list(dir)? {
        if (today - f.day).num_days() > i64::from(days) {
            std::fs::remove_file(dir.join(&f.name))?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// One line of a log file: local time, level, target, fields, message (newlines escaped, so a
/// record is always one line).
pub(crate) fn line(r: &LogRecord, user: Option<i64>) -> String {
    let time = local_time(r.time_ms).map_or_else(String::new, |t| {
        t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
    });
    let mut out = format!("{time} {:<5} {}", r.level, r.target);
    if let Some(a) = r.account_id {
        out.push_str(&format!(" account={a}"));
    }
    if let Some(u) = user {
        out.push_str(&format!(" user={u}"));
    }
    out.push_str(": ");
    out.push_str(&r.message.replace('\n', "\\n"));
    out.push('\n');
    out
}

/// Settings of the file sink.
#[derive(Debug, Clone)]
pub(crate) struct FileConfig {
    pub dir: PathBuf,
    pub retention_days: u32,
    pub max_file_bytes: u64,
    pub queue: usize,
}

struct Queue {
    records: VecDeque<Arc<LogRecord>>,
    /// Taken by the writer and not yet written.
    in_flight: usize,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    idle: Condvar,
    dropped: AtomicU64,
}

/// The queue and its writer thread; dropping it writes what is queued and stops the thread.
pub(crate) struct FileSink {
    shared: Arc<Shared>,
    capacity: usize,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl FileSink {
    /// Creates the directory, applies the retention and starts the writer.
    pub(crate) fn start(cfg: FileConfig, now_ms: i64, owners: Owners) -> Result<Self, LogError> {
        std::fs::create_dir_all(&cfg.dir)?;
        apply_retention(&cfg.dir, local_day(now_ms), cfg.retention_days)?;
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                records: VecDeque::new(),
                in_flight: 0,
                closed: false,
            }),
            wake: Condvar::new(),
            idle: Condvar::new(),
            dropped: AtomicU64::new(0),
        });
        let capacity = cfg.queue.max(1);
        let s = shared.clone();
        let writer = std::thread::Builder::new()
            .name("xianyu-log-files".into())
            .spawn(move || Writer::new(cfg, s, owners).run())?;
        Ok(Self {
            shared,
            capacity,
            writer: Some(writer),
        })
    }

    /// Queues a record; drops the oldest queued one when the queue is full.
    pub(crate) fn push(&self, r: Arc<LogRecord>) {
        let mut q = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if q.records.len() >= self.capacity {
            q.records.pop_front();
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
        }
        // The writer only sleeps on an empty queue: wake it on the first record, not on each
        // (a wake-up is a system call).
        let was_empty = q.records.is_empty();
        q.records.push_back(r);
        drop(q);
        if was_empty {
            self.shared.wake.notify_one();
        }
    }

    /// Records dropped (queue full or file at its cap).
    pub(crate) fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Waits until everything queued so far is written and flushed.
    pub(crate) fn flush(&self) {
        let mut q = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while !q.records.is_empty() || q.in_flight > 0 {
            q = self
                .shared
                .idle
                .wait(q)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Drop for FileSink {
    fn drop(&mut self) {
        self.shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.shared.wake.notify_one();
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

struct Writer {
    cfg: FileConfig,
    owners: Owners,
    shared: Arc<Shared>,
    open: Option<(NaiveDate, BufWriter<File>, u64)>,
    /// The day whose file reached the cap (its marker line is written).
    capped: Option<NaiveDate>,
}

impl Writer {
    fn new(cfg: FileConfig, shared: Arc<Shared>, owners: Owners) -> Self {
        Self {
            cfg,
            owners,
            shared,
            open: None,
            capped: None,
        }
    }

    fn run(mut self) {
        loop {
            let batch: Vec<Arc<LogRecord>> = {
                let mut q = self
                    .shared
                    .queue
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                while q.records.is_empty() && !q.closed {
                    q = self
                        .shared
                        .wake
                        .wait(q)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                if q.records.is_empty() {
                    return;
                }
                let batch: Vec<_> = q.records.drain(..).collect();
                q.in_flight = batch.len();
                batch
            };
            for r in &batch {
                self.write(r);
            }
            if let Some((_, f, _)) = &mut self.open {
                let _ = f.flush();
            }
            let mut q = self
                .shared
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            q.in_flight = 0;
            drop(q);
            self.shared.idle.notify_all();
        }
    }

    fn write(&mut self, r: &LogRecord) {
        let day = local_day(r.time_ms);
        if self.open.as_ref().is_none_or(|(d, _, _)| *d != day) && !self.open_day(day) {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let text = line(r, self.owners.user_of(r));
        let Some((_, file, size)) = &mut self.open else {
            return;
        };
        if *size + text.len() as u64 > self.cfg.max_file_bytes {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            if self.capped != Some(day) {
                self.capped = Some(day);
                let _ = file.write_all(
                    b"-- size cap reached: later records of this day are only in memory\n",
                );
            }
            return;
        }
        match file.write_all(text.as_bytes()) {
            Ok(()) => *size += text.len() as u64,
            Err(_) => {
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Opens (appends to) the day's file; a new day also applies the retention.
    fn open_day(&mut self, day: NaiveDate) -> bool {
        if let Some((_, f, _)) = &mut self.open {
            let _ = f.flush();
        }
        self.open = None;
        let _ = apply_retention(&self.cfg.dir, day, self.cfg.retention_days);
        let path = self.cfg.dir.join(file_name(day));
        let Ok(file) = OpenOptions::new().create(true).append(true).open(&path) else {
            return false;
        };
        let size = file.metadata().map_or(0, |m| m.len());
        self.open = Some((day, BufWriter::new(file), size));
        true
    }
}

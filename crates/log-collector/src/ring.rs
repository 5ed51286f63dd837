//! The bounded in-memory ring of recent records. A push never waits on a reader for longer
//! than one `VecDeque` operation: queries copy the shared pointers out in short chunks and
//! filter outside the lock.

use crate::{Entry, LogQuery, LogRecord, LogScope};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// How many pointers a query copies per lock.
const CHUNK: usize = 512;

/// One page of a query, newest first.
#[derive(Debug, Clone, Default)]
pub struct LogPage {
    /// The matching records.
    pub entries: Vec<Entry>,
    /// Pass as `before` for the next (older) page; `None` when there is none.
    pub next_cursor: Option<u64>,
}

pub(crate) struct Ring {
    capacity: usize,
    inner: Mutex<Inner>,
    evicted: AtomicU64,
}

struct Inner {
    /// Id of the record at the front.
    front_id: u64,
    records: VecDeque<Arc<LogRecord>>,
}

impl Ring {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            inner: Mutex::new(Inner {
                front_id: 1,
                records: VecDeque::with_capacity(capacity.clamp(1, 65_536)),
            }),
            evicted: AtomicU64::new(0),
        }
    }

    /// Stores `record`, evicting the oldest when full; returns its id.
    pub(crate) fn push(&self, record: Arc<LogRecord>) -> u64 {
        let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if g.records.len() == self.capacity {
            g.records.pop_front();
            g.front_id += 1;
            self.evicted.fetch_add(1, Ordering::Relaxed);
        }
        g.records.push_back(record);
        g.front_id + g.records.len() as u64 - 1
    }

    /// Up to `limit` records newer than `after`, oldest first, and how many newer ones were
    /// evicted before they could be read (a reader that fell a whole ring behind).
    pub(crate) fn after(&self, after: u64, limit: usize) -> (Vec<Entry>, u64) {
        let g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let missed = g.front_id.saturating_sub(after.saturating_add(1));
        let first = after.saturating_add(1).max(g.front_id);
        let start = usize::try_from(first - g.front_id).unwrap_or(usize::MAX);
        let entries = g
            .records
            .iter()
            .enumerate()
            .skip(start)
            .take(limit)
            .map(|(i, r)| Entry {
                id: g.front_id + i as u64,
                record: r.clone(),
            })
            .collect();
        (entries, missed)
    }

    /// The id of the newest record (0 when empty and nothing was ever pushed).
    pub(crate) fn newest_id(&self) -> u64 {
        let g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        g.front_id + g.records.len() as u64 - 1
    }

    /// Records evicted to make room.
    pub(crate) fn evicted(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }

    /// Records held now.
    pub(crate) fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .records
            .len()
    }

    /// Up to `limit` records older than `before` (all when `None`) that `scope` allows and
    /// `query` matches, newest first.
    pub(crate) fn query(
        &self,
        query: &LogQuery,
        scope: &LogScope,
        before: Option<u64>,
        limit: usize,
    ) -> LogPage {
        let limit = limit.max(1);
        let mut entries = Vec::new();
        let mut upto = before.unwrap_or(u64::MAX);
        loop {
            let chunk: Vec<Entry> = {
                let g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
                let end_id = g.front_id + g.records.len() as u64; // one past the newest
                let upto_id = upto.min(end_id);
                if upto_id <= g.front_id {
                    break;
                }
                let end = usize::try_from(upto_id - g.front_id).unwrap_or(usize::MAX);
                let start = end.saturating_sub(CHUNK);
                (start..end)
                    .rev()
                    .map(|i| Entry {
                        id: g.front_id + i as u64,
                        record: g.records[i].clone(),
                    })
                    .collect()
            };
            let Some(last) = chunk.last().map(|e| e.id) else {
                break;
            };
            for e in chunk {
                if scope.allows(&e.record) && query.matches(&e.record) {
                    entries.push(e);
                    if entries.len() == limit {
                        let next = entries.last().map(|e| e.id);
                        return LogPage {
                            entries,
                            next_cursor: next,
                        };
                    }
                }
            }
            upto = last;
        }
        LogPage {
            entries,
            next_cursor: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(i: i64) -> Arc<LogRecord> {
        Arc::new(LogRecord {
            time_ms: i,
            level: if i % 2 == 0 {
                log::Level::Warn
            } else {
                log::Level::Info
            },
            target: "t".into(),
            message: format!("record {i}"),
            account_id: Some(i % 3),
            user_id: None,
        })
    }

    #[test]
    fn keeps_the_newest_and_counts_evictions() {
        let ring = Ring::new(3);
        for i in 0..5 {
            ring.push(rec(i));
        }
        assert_eq!((ring.len(), ring.evicted()), (3, 2));
        let page = ring.query(&LogQuery::default(), &LogScope::Everything, None, 10);
        let times: Vec<i64> = page.entries.iter().map(|e| e.record.time_ms).collect();
        assert_eq!(times, vec![4, 3, 2]);
        assert_eq!(page.entries[0].id, 5);
        assert_eq!(page.next_cursor, None);
    }

    #[test]
    fn a_reader_gets_what_is_newer_and_learns_what_it_missed() {
        let ring = Ring::new(3);
        assert_eq!(ring.newest_id(), 0);
        ring.push(rec(0));
        let (e, missed) = ring.after(0, 10);
        assert_eq!((e.len(), e[0].id, missed), (1, 1, 0));
        for i in 1..6 {
            ring.push(rec(i));
        }
        // ids 4, 5, 6 are held; 2 and 3 went before the reader came back
        let (e, missed) = ring.after(1, 10);
        assert_eq!(e.iter().map(|e| e.id).collect::<Vec<_>>(), vec![4, 5, 6]);
        assert_eq!(missed, 2);
        let (e, missed) = ring.after(6, 10);
        assert!(e.is_empty() && missed == 0);
        assert_eq!(ring.after(4, 1).0[0].id, 5);
    }

    #[test]
    fn pages_through_older_records_with_the_cursor() {
        let ring = Ring::new(5_000);
        for i in 0..2_000 {
            ring.push(rec(i));
        }
        let q = LogQuery {
            min_level: Some(log::Level::Warn),
            ..LogQuery::default()
        };
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = ring.query(&q, &LogScope::Everything, cursor, 300);
            seen.extend(page.entries.iter().map(|e| e.record.time_ms));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let want: Vec<i64> = (0..2_000).rev().filter(|i| i % 2 == 0).collect();
        assert_eq!(seen, want);
    }
}

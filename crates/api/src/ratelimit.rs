//! Throttling of failed logins per client IP and per username (in memory, per process).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures a username may collect within the window.
pub const MAX_FAILURES_PER_USERNAME: usize = 5;
/// How many failures one IP may collect within the window.
pub const MAX_FAILURES_PER_IP: usize = 20;
/// The sliding window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_TRACKED_KEYS: usize = 10_000;

/// Sliding-window counters of failed logins.
#[derive(Default)]
pub struct LoginLimiter {
    by_ip: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
    by_username: Mutex<HashMap<String, VecDeque<Instant>>>,
}

fn prune(q: &mut VecDeque<Instant>, now: Instant) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        q.pop_front();
    }
}

/// Seconds until the oldest failure leaves the window, when the limit is reached.
fn blocked_for<K: std::hash::Hash + Eq>(
    map: &Mutex<HashMap<K, VecDeque<Instant>>>,
    key: &K,
    max: usize,
    now: Instant,
) -> Option<u64> {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    let q = map.get_mut(key)?;
    prune(q, now);
    if q.len() < max {
        return None;
    }
    let oldest = *q.front()?;
    let wait = WINDOW.saturating_sub(now.duration_since(oldest));
    Some(wait.as_secs().max(1))
}

fn record<K: std::hash::Hash + Eq>(
    map: &Mutex<HashMap<K, VecDeque<Instant>>>,
    key: K,
    now: Instant,
) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= MAX_TRACKED_KEYS {
        map.retain(|_, q| {
            prune(q, now);
            !q.is_empty()
        });
    }
    map.entry(key).or_default().push_back(now);
}

impl LoginLimiter {
    /// `Err(seconds)` when this IP or username must wait before trying again.
    pub fn check(&self, ip: Option<IpAddr>, username: &str) -> Result<(), u64> {
        let now = Instant::now();
        let by_user = blocked_for(
            &self.by_username,
            &username.to_owned(),
            MAX_FAILURES_PER_USERNAME,
            now,
        );
        let by_ip = ip.and_then(|ip| blocked_for(&self.by_ip, &ip, MAX_FAILURES_PER_IP, now));
        match by_user.max(by_ip) {
            Some(s) => Err(s),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt.
    pub fn record_failure(&self, ip: Option<IpAddr>, username: &str) {
        let now = Instant::now();
        record(&self.by_username, username.to_owned(), now);
        if let Some(ip) = ip {
            record(&self.by_ip, ip, now);
        }
    }

    /// Forgets the failures of a username after a successful login.
    pub fn record_success(&self, username: &str) {
        let mut map = self.by_username.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(username);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_limit_then_success_clears() {
        let l = LoginLimiter::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        for _ in 0..MAX_FAILURES_PER_USERNAME {
            assert!(l.check(Some(ip), "bob").is_ok());
            l.record_failure(Some(ip), "bob");
        }
        let wait = l.check(Some(ip), "bob").err().unwrap_or(0);
        assert!(wait > 0 && wait <= WINDOW.as_secs());
        assert!(
            l.check(Some(ip), "carol").is_ok(),
            "other usernames are not blocked yet"
        );
        l.record_success("bob");
        assert!(l.check(Some(ip), "bob").is_ok());
    }

    #[test]
    fn ip_limit_spans_usernames() {
        let l = LoginLimiter::default();
        let ip: IpAddr = [10, 0, 0, 1].into();
        for i in 0..MAX_FAILURES_PER_IP {
            l.record_failure(Some(ip), &format!("u{i}"));
        }
        assert!(l.check(Some(ip), "fresh").is_err());
        assert!(l.check(Some([10, 0, 0, 2].into()), "fresh").is_ok());
    }
}

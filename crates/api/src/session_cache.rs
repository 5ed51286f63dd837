//! A short-lived in-memory cache of validated sessions, so most authenticated requests skip the
//! session query. Changes made through this process (logout, password change, user updates)
//! evict entries at once; changes made by another instance sharing the database take effect
//! here within [`SESSION_CACHE_TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xianyu_domain::{Role, UserId};

/// How long a validated session is trusted without asking the database again.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(2);
const MAX_ENTRIES: usize = 10_000;

/// What a valid session resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedSession {
    /// The session's user.
    pub user: UserId,
    /// The user's name.
    pub username: String,
    /// The user's role.
    pub role: Role,
}

/// Session id → validated session, each entry fresh for a short time.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, (CachedSession, Instant)>>,
}

impl SessionCache {
    /// A fresh entry for this session id.
    pub fn get(&self, session: &str) -> Option<CachedSession> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(session)
            .filter(|(_, fresh_until)| Instant::now() < *fresh_until)
            .map(|(s, _)| s.clone())
    }

    /// Remembers a session just validated against the database.
    pub fn put(&self, session: &str, value: CachedSession) {
        let now = Instant::now();
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (_, fresh_until)| now < *fresh_until);
        }
        map.insert(session.to_owned(), (value, now + SESSION_CACHE_TTL));
    }

    /// Forgets one session (logout).
    pub fn forget_session(&self, session: &str) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(session);
    }

    /// Forgets every session of a user (password, role or enabled flag changed; user deleted).
    pub fn forget_user(&self, user: UserId) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (s, _)| s.user != user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64) -> CachedSession {
        CachedSession {
            user: UserId(id),
            username: "u".into(),
            role: Role::User,
        }
    }

    #[test]
    fn put_get_forget() {
        let c = SessionCache::default();
        c.put("a", entry(1));
        c.put("b", entry(1));
        c.put("c", entry(2));
        assert_eq!(c.get("a"), Some(entry(1)));
        c.forget_session("a");
        assert_eq!(c.get("a"), None);
        c.forget_user(UserId(1));
        assert_eq!(c.get("b"), None);
        assert_eq!(c.get("c"), Some(entry(2)));
    }
}

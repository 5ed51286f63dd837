//! Helpers for tests that need a database of their own.

use crate::StoreError;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;

/// Creates a fresh, uniquely named PostgreSQL database on the server of `base_url` and returns
/// the URL of the new database. Used by tests so parallel runs never share state.
pub fn create_scratch_postgres_database(base_url: &str) -> Result<String, StoreError> {
    let name = format!("xianyu_test_{}", hex::encode(rand::random::<[u8; 6]>()));
    let mut conn =
        PgConnection::establish(base_url).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    conn.batch_execute(&format!("CREATE DATABASE {name}"))?;
    Ok(replace_database(base_url, &name))
}

/// Drops a database created by [`create_scratch_postgres_database`] (best effort).
pub fn drop_scratch_postgres_database(base_url: &str, scratch_url: &str) {
    let Some(name) = database_name(scratch_url) else {
        return;
    };
    if !name.starts_with("xianyu_test_") {
        return;
    }
    if let Ok(mut conn) = PgConnection::establish(base_url) {
        let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

fn split_query(url: &str) -> (&str, &str) {
    match url.find('?') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    }
}

fn database_name(url: &str) -> Option<&str> {
    let (base, _) = split_query(url);
    let after_scheme = base.find("://").map(|i| &base[i + 3..])?;
    after_scheme.find('/').map(|i| &after_scheme[i + 1..])
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = split_query(url);
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            replace_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(replace_database("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(
            replace_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(database_name("postgres://h/db?a=b"), Some("db"));
    }
}

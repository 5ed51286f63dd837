//! Dashboard users: usernames, passwords and roles.

use crate::{DomainError, UserId};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a user may do: admins manage users and settings; users manage their own accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and global settings, and has own accounts like any user.
    Admin,
    /// Manages only their own Xianyu accounts.
    User,
}

impl Role {
    /// The role's stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }
}

impl FromStr for Role {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "user" => Ok(Role::User),
            _ => Err(DomainError::InvalidRole),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated username: 3–32 characters of ASCII letters, digits, `_`, `.` or `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// Validates and wraps a username.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok_len = (3..=32).contains(&raw.len());
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if ok_len && ok_chars {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidUsername)
        }
    }

    /// The username as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that satisfies the policy (8–128 characters). Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Validates a new password against the policy.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let n = raw.chars().count();
        if (8..=128).contains(&n) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::WeakPassword)
        }
    }

    /// The secret itself; only for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A dashboard user as the rest of the system sees it (no password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// The login name.
    pub username: String,
    /// What the user may do.
    pub role: Role,
    /// Disabled users cannot log in and their sessions are revoked.
    pub enabled: bool,
    /// When the user was created (UTC).
    pub created_at: NaiveDateTime,
    /// The password was set by someone else (generated, or an admin's reset): the user should
    /// choose their own.
    pub must_change_password: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("admin").is_ok());
        assert!(Username::parse("a.b-c_9").is_ok());
        assert_eq!(Username::parse("ab"), Err(DomainError::InvalidUsername));
        assert_eq!(
            Username::parse("has space"),
            Err(DomainError::InvalidUsername)
        );
        assert_eq!(
            Username::parse("用户名字"),
            Err(DomainError::InvalidUsername)
        );
        assert_eq!(
            Username::parse(&"x".repeat(33)),
            Err(DomainError::InvalidUsername)
        );
    }

    #[test]
    fn passwords_hide_in_debug() {
        let p = Password::parse("correct horse").expect("valid");
        assert_eq!(format!("{p:?}"), "Password(***)");
        assert_eq!(Password::parse("short"), Err(DomainError::WeakPassword));
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Admin, Role::User] {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("root".parse::<Role>().is_err());
    }
}

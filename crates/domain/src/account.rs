//! Xianyu seller accounts: the validated settings a user controls and the connection status.

use crate::{AccountId, DomainError, UserId};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The numeric Xianyu user id of a seller account (the `unb` cookie).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct XianyuUserId(String);

impl XianyuUserId {
    /// Validates a Xianyu user id: 1–20 ASCII digits.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if (1..=20).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidXianyuUserId)
        }
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for XianyuUserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Minutes auto-replies stay paused in a chat after the seller answers by hand (0 = never pause).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PauseMinutes(u16);

impl PauseMinutes {
    /// The default pause after a manual reply.
    pub const DEFAULT: PauseMinutes = PauseMinutes(10);
    /// The largest allowed pause: one day.
    pub const MAX: i64 = 1440;

    /// Validates a pause length in minutes (0–1440).
    pub fn parse(minutes: i64) -> Result<Self, DomainError> {
        if (0..=Self::MAX).contains(&minutes) {
            Ok(Self(minutes as u16))
        } else {
            Err(DomainError::InvalidPauseMinutes)
        }
    }

    /// The pause in minutes.
    pub fn get(self) -> u16 {
        self.0
    }
}

/// A seller's note on an account (at most 200 characters, trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(transparent)]
pub struct Remark(String);

impl Remark {
    /// The longest remark in characters.
    pub const MAX_CHARS: usize = 200;

    /// Validates and trims a remark.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::RemarkTooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The remark as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The connection state of an account as the dashboard shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Enabled, but no connection task runs for it in this process (yet).
    Offline,
    /// Fetching a token or opening the WebSocket.
    Connecting,
    /// Registered on the IM socket and receiving messages.
    Online,
    /// Waiting before the next reconnect attempt.
    Backoff,
    /// Goofish risk control demands a slider captcha.
    CaptchaRequired,
    /// The login cookies have expired; new cookies are needed.
    SessionExpired,
    /// The cookies are unusable (no token could be obtained with them).
    CookieInvalid,
    /// Switched off by the seller.
    Disabled,
}

impl AccountStatus {
    /// Every status.
    pub const ALL: [AccountStatus; 8] = [
        Self::Offline,
        Self::Connecting,
        Self::Online,
        Self::Backoff,
        Self::CaptchaRequired,
        Self::SessionExpired,
        Self::CookieInvalid,
        Self::Disabled,
    ];

    /// The status's stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Connecting => "connecting",
            Self::Online => "online",
            Self::Backoff => "backoff",
            Self::CaptchaRequired => "captcha_required",
            Self::SessionExpired => "session_expired",
            Self::CookieInvalid => "cookie_invalid",
            Self::Disabled => "disabled",
        }
    }

    /// The status an account has right after it is saved with this `enabled` flag.
    pub fn initial(enabled: bool) -> Self {
        if enabled {
            Self::Offline
        } else {
            Self::Disabled
        }
    }
}

impl FromStr for AccountStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "offline" => Self::Offline,
            "connecting" => Self::Connecting,
            "online" => Self::Online,
            "backoff" => Self::Backoff,
            "captcha_required" => Self::CaptchaRequired,
            "session_expired" => Self::SessionExpired,
            "cookie_invalid" => Self::CookieInvalid,
            "disabled" => Self::Disabled,
            _ => return Err(()),
        })
    }
}

/// A Xianyu seller account as stored, without its (secret) cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The account's id.
    pub id: AccountId,
    /// The dashboard user who owns it.
    pub user_id: UserId,
    /// The seller's Xianyu user id (`unb`).
    pub xianyu_user_id: String,
    /// The seller's note.
    pub remark: String,
    /// Whether the account should be online.
    pub enabled: bool,
    /// Whether shipment is confirmed automatically after a delivery.
    pub auto_confirm: bool,
    /// Minutes of auto-reply pause after a manual seller message.
    pub pause_minutes: u16,
    /// The last known connection state.
    pub status: AccountStatus,
    /// The last connection error, as stored (never contains secrets).
    pub last_error: Option<String>,
    /// When the next connection attempt is due while backing off (ms), as stored.
    pub next_retry_at: Option<i64>,
    /// The verification page to solve while `captcha_required`, as stored.
    pub captcha_url: Option<String>,
    /// Whether a cookie is stored (always true for accounts created through the API).
    pub cookie_set: bool,
    /// When the account was created (UTC).
    pub created_at: NaiveDateTime,
    /// When the account was last changed (UTC).
    pub updated_at: NaiveDateTime,
}

/// A validated partial update of an account's settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountPatch {
    /// New remark.
    pub remark: Option<Remark>,
    /// New enabled flag.
    pub enabled: Option<bool>,
    /// New auto-confirm flag.
    pub auto_confirm: Option<bool>,
    /// New pause length.
    pub pause_minutes: Option<PauseMinutes>,
}

/// Checks that a replacement cookie belongs to the same Xianyu user as the account.
pub fn check_cookie_owner(account_unb: &str, cookie_unb: &str) -> Result<(), DomainError> {
    if account_unb == cookie_unb {
        Ok(())
    } else {
        Err(DomainError::CookieAccountMismatch {
            expected: account_unb.to_owned(),
            found: cookie_unb.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_bounds() {
        assert_eq!(PauseMinutes::parse(0).map(PauseMinutes::get), Ok(0));
        assert_eq!(PauseMinutes::parse(1440).map(PauseMinutes::get), Ok(1440));
        assert!(PauseMinutes::parse(1441).is_err());
        assert!(PauseMinutes::parse(-1).is_err());
    }

    #[test]
    fn remark_is_trimmed_and_bounded() {
        assert_eq!(
            Remark::parse("  店铺一 ").map(|r| r.as_str().to_owned()),
            Ok("店铺一".into())
        );
        assert!(Remark::parse(&"长".repeat(201)).is_err());
    }

    #[test]
    fn xianyu_ids_are_digits() {
        assert!(XianyuUserId::parse("2219000000000").is_ok());
        assert!(XianyuUserId::parse("").is_err());
        assert!(XianyuUserId::parse("12a").is_err());
    }

    #[test]
    fn statuses_round_trip() {
        for s in AccountStatus::ALL {
            assert_eq!(s.as_str().parse::<AccountStatus>(), Ok(s));
        }
        assert_eq!(AccountStatus::initial(false), AccountStatus::Disabled);
    }

    #[test]
    fn cookie_owner_must_match() {
        assert!(check_cookie_owner("1", "1").is_ok());
        assert_eq!(
            check_cookie_owner("1", "2").map_err(|e| e.code()),
            Err("cookie_account_mismatch")
        );
    }
}

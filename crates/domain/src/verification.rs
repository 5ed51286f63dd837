//! The verification inbox: every situation in which a person is needed (a slider captcha, a
//! face verification, an expired session, a QR confirmation) as a task, and the pure rules that
//! open, update and resolve tasks from account states; plus the rules of the remote captcha
//! solver that are not IO (when a slide counts as solved, the automatic attempt's cool-down).
//!
//! Times are Unix epoch milliseconds (UTC).

use crate::account::AccountStatus;
use crate::ids::{AccountId, UserId};
use crate::ports::PortError;
use serde::{Deserialize, Serialize};

/// What kind of human step a task asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationKind {
    /// Risk control wants a slider (`RGV587_ERROR`, `FAIL_SYS_USER_VALIDATE`, a punish URL).
    Captcha,
    /// A face (identity) verification on the phone, e.g. after a QR login.
    Face,
    /// The passport session expired: a new login (QR or cookie) is needed.
    SessionExpired,
    /// A QR login waits for the seller to confirm it on the phone.
    QrConfirmation,
}

impl VerificationKind {
    /// Every kind, in display order.
    pub const ALL: [Self; 4] = [
        Self::Captcha,
        Self::Face,
        Self::SessionExpired,
        Self::QrConfirmation,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Captcha => "captcha",
            Self::Face => "face",
            Self::SessionExpired => "session_expired",
            Self::QrConfirmation => "qr_confirmation",
        }
    }

    /// Parses [`as_str`](Self::as_str).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a remote browser session can solve it (the page is a web page to operate).
    pub fn remote_solvable(self) -> bool {
        matches!(self, Self::Captcha | Self::Face)
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationState {
    /// Waiting for a person.
    Open,
    /// A remote session (or the automatic attempt) is working on it.
    InProgress,
    /// Done: the account is online again (or the login completed).
    Solved,
    /// Nobody solved it in time (e.g. the QR code expired).
    Expired,
    /// A person dismissed it.
    Dismissed,
}

impl VerificationState {
    /// Every state.
    pub const ALL: [Self; 5] = [
        Self::Open,
        Self::InProgress,
        Self::Solved,
        Self::Expired,
        Self::Dismissed,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InProgress => "in_progress",
            Self::Solved => "solved",
            Self::Expired => "expired",
            Self::Dismissed => "dismissed",
        }
    }

    /// Parses [`as_str`](Self::as_str).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the task still waits for something (open or in progress).
    pub fn is_active(self) -> bool {
        matches!(self, Self::Open | Self::InProgress)
    }
}

/// One task of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Its id.
    pub id: i64,
    /// The user it belongs to.
    pub user_id: UserId,
    /// The account, when there is one yet (a QR login's face check may precede the account).
    pub account_id: Option<AccountId>,
    /// What is needed.
    pub kind: VerificationKind,
    /// Where it stands.
    pub state: VerificationState,
    /// The page to solve (punish or verification URL), when known.
    pub url: Option<String>,
    /// When it was opened.
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// When it was solved, expired or dismissed.
    pub resolved_at: Option<i64>,
    /// How many automatic attempts were made.
    pub auto_attempts: i32,
    /// When the last automatic attempt started.
    pub last_auto_at: Option<i64>,
    /// What the last attempt (automatic or remote) ended with, for the operator.
    pub last_outcome: Option<String>,
}

/// A new task to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVerification {
    /// The user it belongs to.
    pub user_id: UserId,
    /// The account, if any.
    pub account_id: Option<AccountId>,
    /// What is needed.
    pub kind: VerificationKind,
    /// The page to solve.
    pub url: Option<String>,
}

/// What an account's new connection state means for its tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxStep {
    /// Open a task of this kind (none of that kind is active for the account).
    Open(VerificationKind, Option<String>),
    /// The active task `id` gets a fresh URL (risk control sent a new punish link).
    Refresh(i64, Option<String>),
    /// The active task `id` is solved: the account is online again.
    Solve(i64),
}

/// The kind of task an account state asks for, if any.
pub fn kind_for_status(status: AccountStatus) -> Option<VerificationKind> {
    match status {
        AccountStatus::CaptchaRequired => Some(VerificationKind::Captcha),
        AccountStatus::SessionExpired => Some(VerificationKind::SessionExpired),
        _ => None,
    }
}

/// The steps that follow from an account entering `status` (with `url` for a captcha), given
/// its `active` tasks: a state that needs a person opens one task of that kind (or refreshes
/// the URL of the one already open), and `online` solves every active task of the account.
pub fn on_account_status(
    active: &[Verification],
    status: AccountStatus,
    url: Option<&str>,
) -> Vec<InboxStep> {
    if status == AccountStatus::Online {
        return active
            .iter()
            .filter(|t| t.state.is_active())
            .map(|t| InboxStep::Solve(t.id))
            .collect();
    }
    let Some(kind) = kind_for_status(status) else {
        return Vec::new();
    };
    let url = url.map(str::to_owned);
    match active
        .iter()
        .find(|t| t.kind == kind && t.state.is_active())
    {
        Some(t) if t.url != url && url.is_some() => vec![InboxStep::Refresh(t.id, url)],
        Some(_) => Vec::new(),
        None => vec![InboxStep::Open(kind, url)],
    }
}

/// First cool-down after an automatic attempt.
pub const AUTO_COOLDOWN_MIN_MS: i64 = 2 * 60 * 1000;
/// Longest cool-down between automatic attempts.
pub const AUTO_COOLDOWN_MAX_MS: i64 = 30 * 60 * 1000;

/// The cool-down after `attempts` automatic attempts: 2 min, doubling, at most 30 min.
pub fn auto_cooldown_ms(attempts: i32) -> i64 {
    let doublings = attempts.saturating_sub(1).clamp(0, 16) as u32;
    AUTO_COOLDOWN_MIN_MS
        .saturating_mul(1 << doublings)
        .min(AUTO_COOLDOWN_MAX_MS)
}

/// Whether an automatic attempt may start now: never more than one per cool-down window, so a
/// punished account does not relaunch Chromium in a loop. `last_auto_at` is the latest attempt
/// of the account over all its tasks, `attempts` their count since the account was last online.
pub fn auto_attempt_due(attempts: i32, last_auto_at: Option<i64>, now: i64) -> bool {
    match last_auto_at {
        None => true,
        Some(at) => now.saturating_sub(at) >= auto_cooldown_ms(attempts),
    }
}

/// One cookie as a browser holds it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserCookie {
    /// Its name.
    pub name: String,
    /// Its value (a secret: never logged).
    pub value: String,
    /// The domain it is set for (`.goofish.com`, `h5api.m.goofish.com`, `127.0.0.1`).
    pub domain: String,
}

impl std::fmt::Debug for BrowserCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserCookie")
            .field("name", &self.name)
            .field("value", &"<hidden>")
            .field("domain", &self.domain)
            .finish()
    }
}

/// Whether a risk-control cookie (`x5sec`, or any `x5*`) is new or changed in `after` compared
/// with the `before` pairs: how a passed slider shows itself, without looking at the page.
pub fn x5_changed(before: &[(String, String)], after: &[BrowserCookie]) -> bool {
    after
        .iter()
        .filter(|c| c.name.starts_with("x5"))
        .any(|c| !before.iter().any(|(n, v)| n == &c.name && v == &c.value))
}

/// The cookies to merge into the account's jar after a solved session: every browser cookie
/// (all domains), one per name; when a name is set on several domains, the one that would be
/// sent to `host` wins (exact host first, then the longest parent domain). Sorted by name.
pub fn cookies_to_merge(browser: &[BrowserCookie], host: &str) -> Vec<(String, String)> {
    fn rank(domain: &str, host: &str) -> usize {
        let d = domain.trim_start_matches('.');
        if d == host {
            usize::MAX
        } else if host.ends_with(&format!(".{d}")) {
            d.len()
        } else {
            0
        }
    }
    let mut best: std::collections::BTreeMap<&str, (usize, &str)> = Default::default();
    for c in browser.iter().filter(|c| !c.name.is_empty()) {
        let r = rank(&c.domain, host);
        match best.get(c.name.as_str()) {
            Some((have, _)) if *have >= r => {}
            _ => {
                best.insert(&c.name, (r, &c.value));
            }
        }
    }
    best.into_iter()
        .map(|(n, (_, v))| (n.to_owned(), v.to_owned()))
        .collect()
}

/// How a remote-control (or automatic) session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEnd {
    /// The slider was passed: the browser's cookies (all domains).
    Solved(Vec<BrowserCookie>),
    /// The session was idle past its timeout.
    Expired,
    /// The operator closed it (or left and did not come back).
    Closed,
    /// The browser failed; the message says how.
    Failed(String),
}

impl SessionEnd {
    /// A short stable label, stored as the task's last outcome.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Solved(_) => "solved",
            Self::Expired => "expired",
            Self::Closed => "closed",
            Self::Failed(_) => "failed",
        }
    }
}

/// The report of a finished session, handed to [`SessionOutcomes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionReport {
    /// The task the session worked on.
    pub verification_id: i64,
    /// The account whose cookies were loaded, if any.
    pub account_id: Option<AccountId>,
    /// Whether it was the automatic attempt (no operator).
    pub automatic: bool,
    /// How it ended.
    pub end: SessionEnd,
}

/// Port: where the captcha solver reports how its sessions ended (the server merges solved
/// cookies into the account and restarts its connection).
pub trait SessionOutcomes: Send + Sync {
    /// Called once per session, after its browser is gone.
    fn session_ended(&self, report: SessionReport) -> Result<(), PortError>;
}

#[cfg(test)]
mod tests;

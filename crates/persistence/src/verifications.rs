//! The verification inbox's rows: tasks owned by a user, optionally about an account; every
//! query by the acting user is scoped to that user's rows.

use crate::connection::with_backend;
use crate::schema::verifications as v;
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::verification::{
    NewVerification, Verification, VerificationKind, VerificationState,
};
use xianyu_domain::{AccountId, UserId};

/// Most tasks one list returns.
pub const MAX_VERIFICATIONS_LISTED: i64 = 200;

type Row = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    i64,
    i64,
    Option<i64>,
    i32,
    Option<i64>,
    Option<String>,
);

const COLUMNS: (
    v::id,
    v::user_id,
    v::account_id,
    v::kind,
    v::state,
    v::url,
    v::created_at,
    v::updated_at,
    v::resolved_at,
    v::auto_attempts,
    v::last_auto_at,
    v::last_outcome,
) = (
    v::id,
    v::user_id,
    v::account_id,
    v::kind,
    v::state,
    v::url,
    v::created_at,
    v::updated_at,
    v::resolved_at,
    v::auto_attempts,
    v::last_auto_at,
    v::last_outcome,
);

fn from_row(r: Row) -> Result<Verification, StoreError> {
    let kind = VerificationKind::parse(&r.3)
        .ok_or_else(|| StoreError::Database(format!("unknown verification kind {}", r.3)))?;
    let state = VerificationState::parse(&r.4)
        .ok_or_else(|| StoreError::Database(format!("unknown verification state {}", r.4)))?;
    Ok(Verification {
        id: r.0,
        user_id: UserId(r.1),
        account_id: r.2.map(AccountId),
        kind,
        state,
        url: r.5,
        created_at: r.6,
        updated_at: r.7,
        resolved_at: r.8,
        auto_attempts: r.9,
        last_auto_at: r.10,
        last_outcome: r.11,
    })
}

fn active_states() -> [&'static str; 2] {
    [
        VerificationState::Open.as_str(),
        VerificationState::InProgress.as_str(),
    ]
}

impl Store {
    /// Opens a task (state `open`) at `now`.
    pub fn create_verification(
        &self,
        new: &NewVerification,
        now: i64,
    ) -> Result<Verification, StoreError> {
        let mut conn = self.conn()?;
        let values = (
            v::user_id.eq(new.user_id.0),
            v::account_id.eq(new.account_id.map(|a| a.0)),
            v::kind.eq(new.kind.as_str()),
            v::state.eq(VerificationState::Open.as_str()),
            v::url.eq(new.url.as_deref()),
            v::created_at.eq(now),
            v::updated_at.eq(now),
            v::auto_attempts.eq(0),
        );
        let id: i64 = with_backend!(&mut *conn, |c| diesel::insert_into(v::table)
            .values(values)
            .returning(v::id)
            .get_result(c))?;
        drop(conn);
        self.verification(id)
    }

    /// A task by id, whoever owns it (runner side).
    pub fn verification(&self, id: i64) -> Result<Verification, StoreError> {
        let mut conn = self.conn()?;
        let row: Row = v::table.find(id).select(COLUMNS).first(&mut *conn)?;
        from_row(row)
    }

    /// A task of `user` (another user's task is [`StoreError::NotFound`]).
    pub fn user_verification(&self, user: UserId, id: i64) -> Result<Verification, StoreError> {
        let mut conn = self.conn()?;
        let row: Row = v::table
            .filter(v::id.eq(id))
            .filter(v::user_id.eq(user.0))
            .select(COLUMNS)
            .first(&mut *conn)?;
        from_row(row)
    }

    /// The tasks of `user`, newest first: only active ones, or all (at most
    /// [`MAX_VERIFICATIONS_LISTED`]).
    pub fn list_verifications(
        &self,
        user: UserId,
        active_only: bool,
    ) -> Result<Vec<Verification>, StoreError> {
        let mut conn = self.conn()?;
        let mut q = v::table
            .filter(v::user_id.eq(user.0))
            .select(COLUMNS)
            .order(v::id.desc())
            .limit(MAX_VERIFICATIONS_LISTED)
            .into_boxed();
        if active_only {
            q = q.filter(v::state.eq_any(active_states()));
        }
        let rows: Vec<Row> = q.load(&mut *conn)?;
        rows.into_iter().map(from_row).collect()
    }

    /// The active tasks of `account`.
    pub fn active_verifications(
        &self,
        account: AccountId,
    ) -> Result<Vec<Verification>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<Row> = v::table
            .filter(v::account_id.eq(account.0))
            .filter(v::state.eq_any(active_states()))
            .select(COLUMNS)
            .order(v::id.asc())
            .load(&mut *conn)?;
        rows.into_iter().map(from_row).collect()
    }

    /// Automatic attempts on `account`'s captcha tasks created since `since`: their count and
    /// the latest start (the cool-down is computed from these).
    pub fn auto_attempt_history(
        &self,
        account: AccountId,
        since: i64,
    ) -> Result<(i32, Option<i64>), StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<(i32, Option<i64>)> = v::table
            .filter(v::account_id.eq(account.0))
            .filter(v::kind.eq(VerificationKind::Captcha.as_str()))
            .filter(v::created_at.ge(since).or(v::last_auto_at.ge(since)))
            .select((v::auto_attempts, v::last_auto_at))
            .load(&mut *conn)?;
        let attempts = rows.iter().map(|r| r.0).sum();
        let last = rows.iter().filter_map(|r| r.1).max();
        Ok((attempts, last))
    }

    /// Moves task `id` to `state` (a closing state also sets `resolved_at`); `outcome`, when
    /// given, replaces the last outcome. Returns the task as stored.
    pub fn set_verification_state(
        &self,
        id: i64,
        state: VerificationState,
        outcome: Option<&str>,
        now: i64,
    ) -> Result<Verification, StoreError> {
        let mut conn = self.conn()?;
        let resolved = (!state.is_active()).then_some(now);
        let n = diesel::update(v::table.find(id))
            .set((
                v::state.eq(state.as_str()),
                v::updated_at.eq(now),
                v::resolved_at.eq(resolved),
            ))
            .execute(&mut *conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(o) = outcome {
            diesel::update(v::table.find(id))
                .set(v::last_outcome.eq(o))
                .execute(&mut *conn)?;
        }
        drop(conn);
        self.verification(id)
    }

    /// Moves every task left `in_progress` (by a session of a process that is gone) back to
    /// `open`, noting why; returns how many. Called once at start-up.
    pub fn reopen_interrupted_verifications(&self, now: i64) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        Ok(
            diesel::update(v::table.filter(v::state.eq(VerificationState::InProgress.as_str())))
                .set((
                    v::state.eq(VerificationState::Open.as_str()),
                    v::updated_at.eq(now),
                    v::last_outcome.eq("interrupted by a server restart"),
                ))
                .execute(&mut *conn)?,
        )
    }

    /// Gives task `id` a fresh URL.
    pub fn set_verification_url(
        &self,
        id: i64,
        url: Option<&str>,
        now: i64,
    ) -> Result<Verification, StoreError> {
        let mut conn = self.conn()?;
        diesel::update(v::table.find(id))
            .set((v::url.eq(url), v::updated_at.eq(now)))
            .execute(&mut *conn)?;
        drop(conn);
        self.verification(id)
    }

    /// Counts an automatic attempt on task `id`, started at `now`.
    pub fn record_auto_attempt(&self, id: i64, now: i64) -> Result<Verification, StoreError> {
        let mut conn = self.conn()?;
        diesel::update(v::table.find(id))
            .set((
                v::auto_attempts.eq(v::auto_attempts + 1),
                v::last_auto_at.eq(now),
                v::updated_at.eq(now),
            ))
            .execute(&mut *conn)?;
        drop(conn);
        self.verification(id)
    }
}

//! Login sessions: a JWT is only valid while its session row is live.

use crate::schema::{sessions, users};
use crate::users::{UserRecord, now};
use crate::{Store, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use xianyu_domain::{SessionId, UserId};

/// A session row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRecord {
    /// Random id carried in the JWT.
    pub id: String,
    /// Owner.
    pub user_id: i64,
    /// Login time (UTC).
    pub created_at: NaiveDateTime,
    /// Hard expiry (UTC).
    pub expires_at: NaiveDateTime,
    /// Set by logout, password change or user removal.
    pub revoked_at: Option<NaiveDateTime>,
}

impl Store {
    /// Opens a session for a user, valid until `expires_at`.
    pub fn create_session(
        &self,
        user: UserId,
        expires_at: NaiveDateTime,
    ) -> Result<SessionId, StoreError> {
        let id = hex::encode(rand::random::<[u8; 16]>());
        let mut conn = self.conn()?;
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(&id),
                sessions::user_id.eq(user.0),
                sessions::created_at.eq(now()),
                sessions::expires_at.eq(expires_at),
            ))
            .execute(&mut *conn)?;
        Ok(SessionId(id))
    }

    /// The live session and its enabled user, or `None` when revoked, expired, or the user is
    /// disabled or gone.
    pub fn live_session(
        &self,
        id: &SessionId,
    ) -> Result<Option<(SessionRecord, UserRecord)>, StoreError> {
        let mut conn = self.conn()?;
        Ok(sessions::table
            .inner_join(users::table)
            .filter(sessions::id.eq(&id.0))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(now()))
            .filter(users::enabled.eq(true))
            .select((SessionRecord::as_select(), UserRecord::as_select()))
            .first(&mut *conn)
            .optional()?)
    }

    /// Revokes one session of a user.
    pub fn revoke_session(&self, user: UserId, id: &SessionId) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::update(
            sessions::table
                .filter(sessions::id.eq(&id.0))
                .filter(sessions::user_id.eq(user.0)),
        )
        .set(sessions::revoked_at.eq(Some(now())))
        .execute(&mut *conn)?;
        Ok(())
    }

    /// Revokes every live session of a user except `keep`; returns how many were revoked.
    pub fn revoke_user_sessions(
        &self,
        user: UserId,
        keep: Option<&SessionId>,
    ) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        let keep = keep.map(|s| s.0.as_str()).unwrap_or("");
        Ok(diesel::update(
            sessions::table
                .filter(sessions::user_id.eq(user.0))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::id.ne(keep)),
        )
        .set(sessions::revoked_at.eq(Some(now())))
        .execute(&mut *conn)?)
    }

    /// Deletes sessions that expired or were revoked before `before`; returns how many.
    pub fn purge_sessions(&self, before: NaiveDateTime) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        Ok(diesel::delete(
            sessions::table.filter(
                sessions::expires_at
                    .lt(before)
                    .or(sessions::revoked_at.lt(before)),
            ),
        )
        .execute(&mut *conn)?)
    }
}

//! Global key/value settings changed by admins.

use crate::connection::with_backend;
use crate::schema::settings;
use crate::users::now;
use crate::{Store, StoreError};
use diesel::prelude::*;

/// Setting key: whether `POST /api/v1/auth/register` is open (`"true"`/`"false"`; closed when
/// absent).
pub const REGISTRATION_OPEN: &str = "registration_open";

impl Store {
    /// Reads a setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let mut conn = self.conn()?;
        Ok(settings::table
            .find(key)
            .select(settings::value)
            .first(&mut *conn)
            .optional()?)
    }

    /// Writes a setting (insert or replace).
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let t = now();
        let mut conn = self.conn()?;
        with_backend!(&mut *conn, |c| diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::updated_at.eq(t)
            ))
            .on_conflict(settings::key)
            .do_update()
            .set((settings::value.eq(value), settings::updated_at.eq(t)))
            .execute(c))?;
        Ok(())
    }

    /// Whether self-registration is open.
    pub fn registration_open(&self) -> Result<bool, StoreError> {
        Ok(self.setting(REGISTRATION_OPEN)?.as_deref() == Some("true"))
    }
}

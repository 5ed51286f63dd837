//! Dashboard users.

use crate::connection::with_backend;
use crate::schema::users;
use crate::{Store, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use xianyu_domain::{Role, User, UserId};

/// A user row including the password hash (never leaves the server).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRecord {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// bcrypt hash.
    pub password_hash: String,
    /// `admin` or `user`.
    pub role: String,
    /// Disabled users cannot log in.
    pub enabled: bool,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
    /// The password was set by someone else; the user should choose their own.
    pub must_change_password: bool,
}

impl UserRecord {
    /// The domain view of this row (an unknown role string reads as `user`).
    pub fn to_user(&self) -> User {
        User {
            id: UserId(self.id),
            username: self.username.clone(),
            role: self.role.parse().unwrap_or(Role::User),
            enabled: self.enabled,
            created_at: self.created_at,
            must_change_password: self.must_change_password,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    username: &'a str,
    password_hash: &'a str,
    role: &'a str,
    enabled: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// What [`Store::update_user`] changes; `None` keeps a field.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserUpdate<'a> {
    /// A new bcrypt hash.
    pub password_hash: Option<&'a str>,
    /// Whether the user must choose another password (set it with every new password: true
    /// when someone else chose it).
    pub must_change_password: Option<bool>,
    /// A new role.
    pub role: Option<Role>,
    /// Enable or disable the user.
    pub enabled: Option<bool>,
}

#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserChanges<'a> {
    password_hash: Option<&'a str>,
    must_change_password: Option<bool>,
    role: Option<&'a str>,
    enabled: Option<bool>,
    updated_at: Option<NaiveDateTime>,
}

/// Current UTC time at microsecond precision (what both backends store).
pub(crate) fn now() -> NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

impl Store {
    /// Creates a user; fails with `Conflict("username")` when the name is taken.
    pub fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<User, StoreError> {
        let t = now();
        let row = NewUserRow {
            username,
            password_hash,
            role: role.as_str(),
            enabled: true,
            created_at: t,
            updated_at: t,
        };
        let mut conn = self.conn()?;
        let id: i64 = with_backend!(&mut *conn, |c| diesel::insert_into(users::table)
            .values(&row)
            .returning(users::id)
            .get_result(c))
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("username"),
            other => other,
        })?;
        Ok(User {
            id: UserId(id),
            username: username.to_owned(),
            role,
            enabled: true,
            created_at: t,
            must_change_password: false,
        })
    }

    /// Number of users in the database.
    pub fn user_count(&self) -> Result<i64, StoreError> {
        let mut conn = self.conn()?;
        Ok(users::table.count().get_result(&mut *conn)?)
    }

    /// Number of enabled admins (to refuse removing the last one).
    pub fn enabled_admin_count(&self) -> Result<i64, StoreError> {
        let mut conn = self.conn()?;
        Ok(users::table
            .filter(users::role.eq(Role::Admin.as_str()))
            .filter(users::enabled.eq(true))
            .count()
            .get_result(&mut *conn)?)
    }

    /// Finds a user by exact username.
    pub fn find_user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let mut conn = self.conn()?;
        Ok(users::table
            .filter(users::username.eq(username))
            .select(UserRecord::as_select())
            .first(&mut *conn)
            .optional()?)
    }

    /// Reads one user by id.
    pub fn get_user(&self, id: UserId) -> Result<UserRecord, StoreError> {
        let mut conn = self.conn()?;
        Ok(users::table
            .find(id.0)
            .select(UserRecord::as_select())
            .first(&mut *conn)?)
    }

    /// Lists all users, oldest first (admin function).
    pub fn admin_list_users(&self) -> Result<Vec<User>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<UserRecord> = users::table
            .order(users::id.asc())
            .select(UserRecord::as_select())
            .load(&mut *conn)?;
        Ok(rows.iter().map(UserRecord::to_user).collect())
    }

    /// Changes a user's password hash, role or enabled flag (admin function or own password).
    pub fn update_user(&self, id: UserId, update: &UserUpdate<'_>) -> Result<User, StoreError> {
        let changes = UserChanges {
            password_hash: update.password_hash,
            must_change_password: update.must_change_password,
            role: update.role.map(Role::as_str),
            enabled: update.enabled,
            updated_at: Some(now()),
        };
        let mut conn = self.conn()?;
        let n = diesel::update(users::table.find(id.0))
            .set(&changes)
            .execute(&mut *conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        drop(conn);
        Ok(self.get_user(id)?.to_user())
    }

    /// Deletes a user with their sessions and accounts (admin function).
    pub fn admin_delete_user(&self, id: UserId) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let n = diesel::delete(users::table.find(id.0)).execute(&mut *conn)?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}

//! Uploaded reply images: the metadata of each stored JPEG (the file itself lives under the
//! data dir, named by the upload id), owned by a user, and the Goofish CDN URL of an upload per
//! account (the CDN upload uses that account's cookies), remembered after the first send.

use crate::connection::with_backend;
use crate::schema::{accounts, upload_cdn, uploads};
use crate::{Store, StoreError};
use diesel::prelude::*;
use xianyu_domain::{AccountId, UserId};

/// One stored upload.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct UploadRecord {
    /// Random 128-bit hex id (also the file name stem).
    pub id: String,
    /// The owner.
    pub user_id: i64,
    /// The stored file's name (`<id>.jpg`), relative to the uploads dir.
    pub file_name: String,
    /// Width in pixels (after re-encoding).
    pub width: i32,
    /// Height in pixels (after re-encoding).
    pub height: i32,
    /// Size of the stored JPEG in bytes.
    pub bytes: i64,
    /// Creation time (ms).
    pub created_at: i64,
}

const UPLOAD_COLUMNS: (
    uploads::id,
    uploads::user_id,
    uploads::file_name,
    uploads::width,
    uploads::height,
    uploads::bytes,
    uploads::created_at,
) = (
    uploads::id,
    uploads::user_id,
    uploads::file_name,
    uploads::width,
    uploads::height,
    uploads::bytes,
    uploads::created_at,
);

impl Store {
    /// Records an upload of `upload.user_id` (the id is chosen by the caller).
    pub fn create_upload(&self, upload: &UploadRecord) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::insert_into(uploads::table)
            .values((
                uploads::id.eq(&upload.id),
                uploads::user_id.eq(upload.user_id),
                uploads::file_name.eq(&upload.file_name),
                uploads::width.eq(upload.width),
                uploads::height.eq(upload.height),
                uploads::bytes.eq(upload.bytes),
                uploads::created_at.eq(upload.created_at),
            ))
            .execute(&mut *conn)?;
        Ok(())
    }

    /// An upload of `user` (another user's upload is [`StoreError::NotFound`]).
    pub fn get_upload(&self, user: UserId, id: &str) -> Result<UploadRecord, StoreError> {
        let mut conn = self.conn()?;
        Ok(uploads::table
            .filter(uploads::id.eq(id))
            .filter(uploads::user_id.eq(user.0))
            .select(UPLOAD_COLUMNS)
            .first(&mut *conn)?)
    }

    /// An upload for sending through `account` (runner side): found only when the upload's
    /// owner also owns the account.
    pub fn upload_for_account(
        &self,
        account: AccountId,
        id: &str,
    ) -> Result<UploadRecord, StoreError> {
        let mut conn = self.conn()?;
        let owner: i64 = accounts::table
            .find(account.0)
            .select(accounts::user_id)
            .first(&mut *conn)?;
        Ok(uploads::table
            .filter(uploads::id.eq(id))
            .filter(uploads::user_id.eq(owner))
            .select(UPLOAD_COLUMNS)
            .first(&mut *conn)?)
    }

    /// The remembered Goofish CDN URL of an upload for `account`, if it was sent before.
    pub fn cdn_url(&self, upload: &str, account: AccountId) -> Result<Option<String>, StoreError> {
        let mut conn = self.conn()?;
        Ok(upload_cdn::table
            .find((upload, account.0))
            .select(upload_cdn::cdn_url)
            .first(&mut *conn)
            .optional()?)
    }

    /// Remembers (or replaces) the Goofish CDN URL of an upload for `account`.
    pub fn remember_cdn_url(
        &self,
        upload: &str,
        account: AccountId,
        cdn_url: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        with_backend!(&mut *conn, |c| diesel::insert_into(upload_cdn::table)
            .values((
                upload_cdn::upload_id.eq(upload),
                upload_cdn::account_id.eq(account.0),
                upload_cdn::cdn_url.eq(cdn_url)
            ))
            .on_conflict((upload_cdn::upload_id, upload_cdn::account_id))
            .do_update()
            .set(upload_cdn::cdn_url.eq(cdn_url))
            .execute(c))?;
        Ok(())
    }

    /// Deletes an upload of `user` (and its remembered CDN URLs); returns the deleted record so
    /// the caller can remove the file. Another user's upload is [`StoreError::NotFound`].
    pub fn delete_upload(&self, user: UserId, id: &str) -> Result<UploadRecord, StoreError> {
        let record = self.get_upload(user, id)?;
        let mut conn = self.conn()?;
        let n = diesel::delete(
            uploads::table
                .filter(uploads::id.eq(id))
                .filter(uploads::user_id.eq(user.0)),
        )
        .execute(&mut *conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(record)
    }
}

//! The domain's [`ImageStore`] over the database and the uploads directory: what the runner
//! sends when a reply or a card names an upload.

use super::images;
use std::path::PathBuf;
use xianyu_domain::{AccountId, ImageStore, PortError, StoredImage};
use xianyu_persistence::{Store, StoreError};

/// Uploaded images: records in the store, JPEGs in `<data_dir>/uploads`.
#[derive(Clone)]
pub struct UploadedImages {
    store: Store,
    dir: PathBuf,
}

impl UploadedImages {
    /// Images of `store` whose files are in `dir`.
    pub fn new(store: Store, dir: PathBuf) -> Self {
        Self { store, dir }
    }
}

impl ImageStore for UploadedImages {
    fn stored_image(
        &self,
        account: AccountId,
        upload_id: &str,
    ) -> Result<Option<StoredImage>, PortError> {
        if !images::is_upload_id(upload_id) {
            return Ok(None);
        }
        let record = match self.store.upload_for_account(account, upload_id) {
            Ok(r) => r,
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(Some(StoredImage {
            cdn_url: self.store.cdn_url(upload_id, account)?,
            width: u32::try_from(record.width).unwrap_or(800),
            height: u32::try_from(record.height).unwrap_or(600),
            file_name: record.file_name,
        }))
    }

    fn image_bytes(&self, file_name: &str) -> Result<Vec<u8>, PortError> {
        images::read_file(&self.dir, file_name)
            .map_err(|e| PortError(format!("upload file {file_name}: {e}")))
    }

    fn remember_cdn_url(
        &self,
        upload_id: &str,
        account: AccountId,
        url: &str,
    ) -> Result<(), PortError> {
        Ok(self.store.remember_cdn_url(upload_id, account, url)?)
    }
}

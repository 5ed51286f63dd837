//! Image messages for replies and deliveries: a Goofish CDN URL is sent as it is; an upload id
//! is looked up through the [`ImageStore`] port and sent by its CDN URL for the account,
//! uploading the stored JPEG with the account's cookies the first time (spec §2.5).

use crate::blocking;
use crate::error::{Result, RunnerError};
use crate::sender::AccountSender;
use goofish_protocol::lwp::SendContent;
use std::sync::Arc;
use xianyu_domain::ImageStore;

/// Size announced for CDN images whose dimensions are unknown.
const DEFAULT_SIZE: (u32, u32) = (800, 600);

/// Whether an image reference is a CDN URL rather than an upload id.
fn is_url(image_ref: &str) -> bool {
    image_ref.starts_with("http") || image_ref.starts_with("//")
}

/// The image message for `image_ref` (a CDN URL or an upload id), sent through `sender`'s
/// account: the one image path of replies, deliveries and the dashboard's manual sends.
pub async fn image_message(
    images: &Arc<dyn ImageStore>,
    sender: &AccountSender,
    image_ref: &str,
) -> Result<SendContent> {
    if is_url(image_ref) {
        return Ok(SendContent::Image {
            url: image_ref.to_owned(),
            width: DEFAULT_SIZE.0,
            height: DEFAULT_SIZE.1,
        });
    }
    let account = sender.account();
    let (store, id) = (images.clone(), image_ref.to_owned());
    let stored = blocking(move || store.stored_image(account, &id))
        .await?
        .ok_or_else(|| RunnerError::UnknownImage(image_ref.to_owned()))?;
    let url = match stored.cdn_url {
        Some(url) => url,
        None => {
            let (store, file) = (images.clone(), stored.file_name.clone());
            let jpeg = blocking(move || store.image_bytes(&file)).await?;
            let url = sender.upload_image(&stored.file_name, jpeg).await?;
            let (store, id, u) = (images.clone(), image_ref.to_owned(), url.clone());
            blocking(move || store.remember_cdn_url(&id, account, &u)).await?;
            url
        }
    };
    Ok(SendContent::Image {
        url,
        width: stored.width,
        height: stored.height,
    })
}

//! Wiring of the runner's order and delivery workflow: the store is its order book, uploads
//! are its image source.

use crate::auto_reply::image_content;
use std::path::PathBuf;
use std::sync::Arc;
use xianyu_persistence::Store;
use xianyu_runner::{AccountSender, DeliveryConfig, ImageFuture, ImageSource, OrderWorkflow};

/// Image cards: CDN URLs as they are, upload ids uploaded to the CDN with the account's
/// cookies (and remembered).
struct UploadedImages {
    store: Store,
    dir: PathBuf,
}

impl ImageSource for UploadedImages {
    fn image(&self, sender: AccountSender, image_ref: String) -> ImageFuture {
        let (store, dir) = (self.store.clone(), self.dir.clone());
        Box::pin(async move {
            let account = sender.account();
            image_content(&store, &sender, Some(&dir), account, &image_ref).await
        })
    }
}

/// The workflow over `store`, with image cards read from `uploads_dir`.
pub fn workflow(store: &Store, uploads_dir: PathBuf, config: DeliveryConfig) -> Arc<OrderWorkflow> {
    OrderWorkflow::new(
        Arc::new(store.clone()),
        Arc::new(UploadedImages {
            store: store.clone(),
            dir: uploads_dir,
        }),
        config,
    )
}

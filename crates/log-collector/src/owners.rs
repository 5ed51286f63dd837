//! Who owns each account, so that a record about an account names its user too (in views and
//! files) although the code that logged it only knew the account.

use crate::LogRecord;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

/// Account id → owning user id; shared by a collector and its file writer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Owners(Arc<RwLock<HashMap<i64, i64>>>);

impl Owners {
    pub(crate) fn set(&self, account: i64, user: i64) {
        self.0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(account, user);
    }

    pub(crate) fn forget(&self, account: i64) {
        self.0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&account);
    }

    /// The record's own user, else its account's owner.
    pub(crate) fn user_of(&self, r: &LogRecord) -> Option<i64> {
        r.user_id.or_else(|| {
            let a = r.account_id?;
            self.0
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&a)
                .copied()
        })
    }
}

//! Automatic-reply rules of the caller's accounts: keyword rules, item-specific replies,
//! default replies, settings (blacklist, quiet hours, minimum interval), the
//! once-per-conversation memory, and a preview that explains which rule would fire.
//!
//! Precedence (first match wins): takeover pause → blacklist → system texts → quiet hours →
//! minimum interval → item-specific reply → item keywords → general keywords → AI (later) →
//! item default → account default.

pub mod default_replies;
pub mod dto;
pub mod item_replies;
pub mod keyword_rules;
pub mod preview;
pub mod settings;
pub mod xlsx;

use crate::auth::AuthUser;
use crate::error::{ApiError, blocking};
use crate::error::{ErrorCode, OrNotFound};
use crate::state::AppState;
use xianyu_domain::AccountId;
use xianyu_domain::replies::ReplyConfig;
use xianyu_persistence::StoredRule;

/// Rejects a rule set the engine could not build (for example conflicting item replies).
fn check_buildable(
    store: &xianyu_persistence::Store,
    account: AccountId,
    extra: impl FnOnce(&mut ReplyConfig),
) -> Result<(), ApiError> {
    let mut cfg = store
        .reply_config(account)
        .or_not_found(ErrorCode::AccountNotFound)?;
    extra(&mut cfg);
    cfg.build().map(|_| ()).map_err(ApiError::from)
}

async fn create<T: StoredRule + Send + Sync + 'static>(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    rules: Vec<T>,
    merge: fn(&mut ReplyConfig, &[T]),
) -> Result<Vec<T>, ApiError> {
    let store = state.store.clone();
    let uid = user.id;
    let saved = blocking(move || {
        store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        check_buildable(&store, account, |cfg| merge(cfg, &rules))?;
        store
            .create_rules(uid, account, &rules)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    state.runner.rules_changed(account);
    Ok(saved)
}

async fn update<T: StoredRule + Send + Sync + 'static>(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    rule: T,
    replace: fn(&mut ReplyConfig, &T),
) -> Result<T, ApiError> {
    let store = state.store.clone();
    let uid = user.id;
    let saved = blocking(move || {
        store
            .get_account(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)?;
        check_buildable(&store, account, |cfg| replace(cfg, &rule))?;
        store
            .update_rule(uid, account, &rule)
            .or_not_found(ErrorCode::RuleNotFound)
    })
    .await?;
    state.runner.rules_changed(account);
    Ok(saved)
}

async fn remove<T: StoredRule + 'static>(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
    ids: Vec<i64>,
    must_exist: bool,
) -> Result<usize, ApiError> {
    let store = state.store.clone();
    let uid = user.id;
    let n = blocking(move || {
        store
            .delete_rules::<T>(uid, account, &ids)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await?;
    state.runner.rules_changed(account);
    if must_exist && n == 0 {
        return Err(ApiError::new(ErrorCode::RuleNotFound, "rule not found"));
    }
    Ok(n)
}

async fn list<T: StoredRule + Send + 'static>(
    state: &AppState,
    user: &AuthUser,
    account: AccountId,
) -> Result<Vec<T>, ApiError> {
    let store = state.store.clone();
    let uid = user.id;
    blocking(move || {
        store
            .list_rules::<T>(uid, account)
            .or_not_found(ErrorCode::AccountNotFound)
    })
    .await
}

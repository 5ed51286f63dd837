//! `xianyu-domain`: the entities, validated value types and pure rules of Xianyu Auto Reply.
//!
//! This crate is pure: no IO, no async runtime, no database, no HTTP. It depends on no internal
//! crate; every other crate of the workspace may depend on it. Integrators can link it directly
//! to reuse the same validation and decisions the server makes.

pub mod account;
pub mod clock;
pub mod delivery;
pub mod error;
pub mod ids;
pub mod metrics;
pub mod orders;
pub mod ports;
pub mod replies;
pub mod stats;
pub mod user;
pub mod verification;

pub use account::{
    Account, AccountPatch, AccountStatus, PauseMinutes, Remark, XianyuUserId, check_cookie_owner,
};
pub use error::DomainError;
pub use ids::{AccountId, SessionId, UserId};
pub use ports::{
    AccountRuntimeStatus, AccountSource, CookieSink, ImageStore, MessageDirection, MessageLog,
    MessageRecord, PortError, RunnableAccount, StatusSink, StoredImage,
};
pub use replies::{
    Decision, MessageContext, ReplyError, RuleSet, Template, TemplateError, TemplateVars,
};
pub use user::{Password, Role, User, Username};

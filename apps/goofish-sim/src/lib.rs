//! `goofish-sim`: an in-process simulator of the Goofish (Xianyu) seller-side servers.
//!
//! It imitates the mtop HTTP gateway (`/h5/<api>/<v>/`), the passport and QR-login
//! endpoints, the image upload endpoint and the DingTalk IMPaaS "LWP" WebSocket, exactly as
//! `goofish-protocol.md` §8 describes, all on one port. A risk response's punish URL serves a
//! real slider page whose script posts the drag to `POST /_____tmd_____/verify` ([`SLIDER`] has
//! its geometry, [`check_trajectory`] the acceptance rule); a solved slider sets the `x5sec`
//! cookie that clears the risk state. A QR login's `iframeRedirectUrl` (`/qr/<id>/verify`)
//! serves a face-verification notice. A JSON control API under `/_sim`
//! (documented in this crate's README) creates accounts, items and orders, pushes buyer
//! messages and trade cards, switches failure modes F1–F18 on and off, and exposes a journal of
//! everything the client sent.
//!
//! Start it with [`GoofishSim::start`]; the returned [`SimHandle`] gives the URLs to point a
//! client at and an in-process [`SimState`] handle for tests that prefer not to use HTTP.
//!
//! Among the workspace's internal crates this one depends only on `goofish-protocol`.

mod config;
mod control;
mod error;
mod faults;
mod journal;
mod mtop;
mod mtop_apis;
mod passport;
mod proto;
mod push;
mod qr;
mod server;
mod slider;
mod state;
mod ws;

pub use config::{PushEncoding, RegInvalidBehaviour, SimConfig};
pub use control::{PushKindRequest, PushRequest};
pub use error::{ControlError, SimError};
pub use faults::{AccountFaults, SlowReg};
pub use faults::{DropMode, FaultSpec};
pub use journal::{JournalEntry, JournalKind};
pub use server::{GoofishSim, SimHandle};
pub use slider::{
    END_TOLERANCE_PX, SLIDER, SliderGeometry, TrajectoryRefusal, VERIFY_PATH, X5SECDATA_TTL_MS,
    check_trajectory,
};
pub use state::{
    Account, BargainState, BuyerMessage, ConnStats, Conversation, ImToken, ImageSpec, Item,
    NewAccount, NewItem, NewOrder, Order, OrderStatus, SentMessage, SessionState, SimState, Sku,
};

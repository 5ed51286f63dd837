//! Protocol constants: app keys, API names, default endpoints, user agents and LWP paths (spec §2, §3).

/// The mtop H5 gateway app key, also the constant inside the sign (§2.1).
pub const MTOP_APP_KEY: &str = "34839810";
/// The IM (DingTalk IMPaaS) app key used in the token request and `/reg` (§2.4.1).
pub const IM_APP_KEY: &str = "444e9908a51d1cb236a27862abc769c9";
/// The `jsv` query parameter of every mtop call.
pub const JSV: &str = "2.7.2";

/// IM login token API (§2.4.1).
pub const API_LOGIN_TOKEN: &str = "mtop.taobao.idlemessage.pc.login.token";
/// Item detail API (§2.4.2).
pub const API_ITEM_DETAIL: &str = "mtop.taobao.idle.pc.detail";
/// Seller item list API (§2.4.3).
pub const API_ITEM_LIST: &str = "mtop.idle.web.xyh.item.list";
/// Confirm-shipment API (§2.4.4).
pub const API_CONSIGN_DUMMY: &str = "mtop.taobao.idle.logistic.consign.dummy";
/// Bargain free-shipping API (§2.4.5).
pub const API_FREE_SHIPPING: &str = "mtop.idle.groupon.activity.seller.freeshipping";
/// Order detail API (§2.4.6).
pub const API_ORDER_DETAIL: &str = "mtop.idle.web.trade.order.detail";
/// Login heartbeat API (§2.4.7).
pub const API_LOGINUSER_GET: &str = "mtop.taobao.idlemessage.pc.loginuser.get";
/// Peer profile API, version 4.0 (§2.4.8).
pub const API_USER_QUERY: &str = "mtop.taobao.idlemessage.pc.user.query";
/// Notification settings API (§2.4.9).
pub const API_NOTICE_UPDATE: &str = "mtop.taobao.idlemessage.pc.profile.notice.update";
/// Cookie-seeding API of the QR flow (§5).
pub const API_QR_SEED: &str = "mtop.gaia.nodejs.gaia.idle.data.gw.v2.index.get";

/// Default mtop base URL (paths are `/h5/<api>/<version>/`).
pub const DEFAULT_H5API_BASE: &str = "https://h5api.m.goofish.com";
/// Default IM WebSocket URL (the trailing slash is part of the value).
pub const DEFAULT_WS_URL: &str = "wss://wss-goofish.dingtalk.com/";
/// Default passport base URL.
pub const DEFAULT_PASSPORT_BASE: &str = "https://passport.goofish.com";
/// Default image upload URL (§2.5).
pub const DEFAULT_UPLOAD_URL: &str = "https://stream-upload.goofish.com/api/upload.api";
/// Query of the upload URL; note the upstream misspelling `floderId`.
pub const UPLOAD_QUERY: &[(&str, &str)] = &[
    ("floderId", "0"),
    ("appkey", "xy_chat"),
    ("_input_charset", "utf-8"),
];
/// Web origin sent as `origin` on HTTP calls.
pub const WEB_ORIGIN: &str = "https://www.goofish.com";
/// Web referer sent as `referer` on HTTP calls.
pub const WEB_REFERER: &str = "https://www.goofish.com/";

/// Browser user agent of the token API (Chrome/139).
pub const BROWSER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36";
/// Browser user agent of the WebSocket handshake and other mtop calls (Chrome/133).
pub const BROWSER_UA_133: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36";
/// `sec-ch-ua` header matching [`BROWSER_UA`].
pub const SEC_CH_UA: &str = r#""Not;A=Brand";v="99", "Google Chrome";v="139", "Chromium";v="139""#;
/// Long DingTalk `ua` header of `/reg` (\[old\]).
pub const REG_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36 DingTalk(2.1.5) OS(Windows/10) Browser(Chrome/133.0.0.0) DingWeb/2.1.5 IMPaaS DingWeb/2.1.5";
/// Short `ua` header of `/reg` (\[HEAD\] auto-reply).
pub const REG_UA_SHORT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36";
/// `wv` header of `/reg`.
pub const REG_WV: &str = "im:3,au:3,sy:6";
/// `cache-header` header of `/reg`.
pub const REG_CACHE_HEADER: &str = "app-key token ua wv";
/// `dt` header of `/reg`.
pub const REG_DT: &str = "j";
/// `sync` header of `/reg`.
pub const REG_SYNC: &str = "0,0;0;0;";

/// LWP path of registration.
pub const LWP_REG: &str = "/reg";
/// LWP path of the sync cursor call.
pub const LWP_ACK_DIFF: &str = "/r/SyncStatus/ackDiff";
/// LWP path of the application heartbeat.
pub const LWP_HEARTBEAT: &str = "/!";
/// LWP path of message sending.
pub const LWP_SEND: &str = "/r/MessageSend/sendByReceiverScope";
/// LWP path of conversation creation.
pub const LWP_CREATE_CONVERSATION: &str = "/r/SingleChatConversation/create";
/// LWP push path carrying chat messages and status updates.
pub const LWP_PUSH_SYNC: &str = "/s/sync";
/// LWP push path carrying typing / conversation-state indicators.
pub const LWP_PUSH_PARA: &str = "/s/para";
/// LWP push path carrying plain-JSON session hints.
pub const LWP_PUSH_VULCAN: &str = "/s/vulcan";

/// `bizType` of IM pushes.
pub const BIZ_TYPE_IM: i64 = 40;
/// `bizType` of vulcan hints.
pub const BIZ_TYPE_VULCAN: i64 = 370;
/// `objectType` of chat messages.
pub const OBJECT_TYPE_CHAT: i64 = 40000;
/// `objectType` of typing / conversation-state indicators.
pub const OBJECT_TYPE_TYPING: i64 = 40006;
/// `objectType` of message status updates.
pub const OBJECT_TYPE_STATUS: i64 = 40103;
/// `objectType` of vulcan hints.
pub const OBJECT_TYPE_VULCAN: i64 = 370000;

/// Suffix of IM user and conversation ids.
pub const GOOFISH_SUFFIX: &str = "@goofish";
/// Heartbeat interval in seconds (§3.5).
pub const HEARTBEAT_INTERVAL_SECS: u64 = 15;
/// Time without any frame after which the connection is considered dead (§3.5).
pub const HEARTBEAT_TIMEOUT_SECS: u64 = 30;
/// Rate-limit code of IM list calls (§4.5).
pub const IM_RATE_LIMIT_CODE: &str = "400600001";
/// Default image width when unknown (§3.9).
pub const DEFAULT_IMAGE_WIDTH: u32 = 800;
/// Default image height when unknown (§3.9).
pub const DEFAULT_IMAGE_HEIGHT: u32 = 600;

/// `spm_cnt` of token, detail and item-list calls.
pub const SPM_CNT_IM: &str = "a21ybx.im.0.0";
/// `spm_cnt` of order detail.
pub const SPM_CNT_ORDER_DETAIL: &str = "a21ybx.order-detail.0.0";
/// `spm_cnt` of \[HEAD\] `mtop_call` (loginuser.get, notice.update).
pub const SPM_CNT_ITEM: &str = "a21ybx.item.0.0";

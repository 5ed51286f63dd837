//! Client → server frame builders.

use super::frames::ServerFrame;
use super::send::{SendContent, send_custom_data};
use crate::constants as c;
use crate::ids::{message_uuid, with_goofish};
use crate::json::q;
use serde_json::Value;

/// `/reg` registration frame (§3.3); `ua` is echoed by the server in pushes.
pub fn reg(token: &str, device_id: &str, ua: &str, mid: &str) -> String {
    format!(
        r#"{{"lwp":"{}","headers":{{"cache-header":"{}","app-key":"{}","token":{},"ua":{},"dt":"{}","wv":"{}","sync":"{}","did":{},"mid":{}}}}}"#,
        c::LWP_REG,
        c::REG_CACHE_HEADER,
        c::IM_APP_KEY,
        q(token),
        q(ua),
        c::REG_DT,
        c::REG_WV,
        c::REG_SYNC,
        q(device_id),
        q(mid)
    )
}

/// `/r/SyncStatus/ackDiff` frame with `pts` in microseconds (§3.4).
pub fn ack_diff(now_ms: i64, mid: &str) -> String {
    format!(
        r#"{{"lwp":"{}","headers":{{"mid":{}}},"body":[{{"pipeline":"sync","tooLong2Tag":"PNM,1","channel":"sync","topic":"sync","highPts":0,"pts":{},"seq":0,"timestamp":{now_ms}}}]}}"#,
        c::LWP_ACK_DIFF,
        q(mid),
        now_ms.saturating_mul(1000)
    )
}

/// `/!` heartbeat frame (§3.5).
pub fn heartbeat(mid: &str) -> String {
    format!(
        r#"{{"lwp":"{}","headers":{{"mid":{}}}}}"#,
        c::LWP_HEARTBEAT,
        q(mid)
    )
}

/// Ack of a server frame (§3.2): copies `mid` (or `fresh_mid` when absent) and `sid` (or `""`),
/// plus `app-key`, `ua` and `dt` only when the frame has them.
pub fn ack(frame: &ServerFrame, fresh_mid: &str) -> String {
    let headers = frame.headers();
    let raw = |v: &Value| serde_json::to_string(v).unwrap_or_else(|_| "\"\"".to_owned());
    let mid = headers.get("mid").map(raw).unwrap_or_else(|| q(fresh_mid));
    let sid = headers
        .get("sid")
        .map(raw)
        .unwrap_or_else(|| "\"\"".to_owned());
    let mut out = format!(r#"{{"code":200,"headers":{{"mid":{mid},"sid":{sid}"#);
    for key in ["app-key", "ua", "dt"] {
        if let Some(v) = headers.get(key) {
            out.push_str(&format!(",{}:{}", q(key), raw(v)));
        }
    }
    out.push_str("}}");
    out
}

/// `/r/MessageSend/sendByReceiverScope` frame (§3.9); `cid`/`buyer_uid`/`own_unb` without `@goofish`.
pub fn send_message(
    cid: &str,
    buyer_uid: &str,
    own_unb: &str,
    content: &SendContent,
    now_ms: i64,
    mid: &str,
) -> String {
    format!(
        r#"{{"lwp":"{}","headers":{{"mid":{}}},"body":[{{"uuid":{},"cid":{},"conversationType":1,"content":{{"contentType":101,"custom":{{"type":1,"data":{}}}}},"redPointPolicy":0,"extension":{{"extJson":"{{}}"}},"ctx":{{"appVersion":"1.0","platform":"web"}},"mtags":{{}},"msgReadStatusSetting":1}},{{"actualReceivers":[{},{}]}}]}}"#,
        c::LWP_SEND,
        q(mid),
        q(&message_uuid(now_ms)),
        q(&with_goofish(cid)),
        q(&send_custom_data(content)),
        q(&with_goofish(buyer_uid)),
        q(&with_goofish(own_unb))
    )
}

/// `/r/SingleChatConversation/create` frame (§3.10).
pub fn create_conversation(buyer_uid: &str, own_unb: &str, item_id: &str, mid: &str) -> String {
    format!(
        r#"{{"lwp":"{}","headers":{{"mid":{}}},"body":[{{"pairFirst":{},"pairSecond":{},"bizType":"1","extension":{{"itemId":{}}},"ctx":{{"appVersion":"1.0","platform":"web"}}}}]}}"#,
        c::LWP_CREATE_CONVERSATION,
        q(mid),
        q(&with_goofish(buyer_uid)),
        q(&with_goofish(own_unb)),
        q(item_id)
    )
}

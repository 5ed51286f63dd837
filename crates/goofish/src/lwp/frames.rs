//! Parsing of LWP frames in both directions (§3.2, §3.6).

use crate::error::ProtocolError;
use serde::Serialize;
use serde_json::{Map, Value};

/// A frame sent by the server: a response to a client request, or a push.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerFrame {
    /// `{"code":…,"headers":{…},"body":…?}` answering the request with the same `mid`.
    Response {
        /// Status code (200 on success).
        code: i64,
        /// `headers.mid` (`""` when absent).
        mid: String,
        /// `headers.sid`.
        sid: Option<String>,
        /// All headers.
        headers: Map<String, Value>,
        /// The body, `None` when absent or `null`.
        body: Option<Value>,
    },
    /// `{"lwp":"/s/…","headers":{…},"body":{…}}` pushed by the server.
    Push {
        /// Push path, e.g. `/s/sync`.
        lwp: String,
        /// `headers.mid` (`""` when absent).
        mid: String,
        /// `headers.sid`.
        sid: Option<String>,
        /// All headers.
        headers: Map<String, Value>,
        /// The body (`null` when absent).
        body: Value,
    },
}

/// One `syncPushPackage.data[]` element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushElement {
    /// `bizType` (40 for IM, 370 for vulcan hints); 0 when absent.
    pub biz_type: i64,
    /// `objectType` (40000 chat, 40103 status, 40006 typing, 370000 hint); 0 when absent.
    pub object_type: i64,
    /// The encoded payload; decode with [`crate::payload::decode_payload`].
    pub data: String,
    /// `streamId`.
    pub stream_id: Option<String>,
}

/// A frame sent by a client (parsed by the simulator).
#[derive(Debug, Clone, PartialEq)]
pub enum ClientFrame {
    /// A request with an `lwp` path.
    Request {
        /// Request path, e.g. `/reg`.
        lwp: String,
        /// `headers.mid` (`""` when absent).
        mid: String,
        /// All headers.
        headers: Map<String, Value>,
        /// The body, `None` when absent or `null`.
        body: Option<Value>,
    },
    /// An ack of a server frame: `code` and headers, no `lwp`.
    Ack {
        /// `headers.mid` (`""` when absent).
        mid: String,
        /// `headers.sid`.
        sid: Option<String>,
        /// The ack code (200).
        code: i64,
    },
}

fn as_int(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_u64().map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
        .or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                .map(|f| f as i64)
        })
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

struct Parts {
    lwp: Option<String>,
    code: Option<i64>,
    headers: Map<String, Value>,
    body: Value,
}

fn split(text: &str) -> Result<Parts, ProtocolError> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| ProtocolError::InvalidJson(e.to_string()))?;
    let Value::Object(mut obj) = v else {
        return Err(ProtocolError::InvalidFrame("frame is not an object".into()));
    };
    let headers = match obj.remove("headers") {
        Some(Value::Object(h)) => h,
        None | Some(Value::Null) => Map::new(),
        Some(_) => {
            return Err(ProtocolError::InvalidFrame(
                "headers is not an object".into(),
            ));
        }
    };
    let lwp = obj.get("lwp").and_then(Value::as_str).map(str::to_owned);
    let code = obj.get("code").and_then(as_int);
    let body = obj.remove("body").unwrap_or(Value::Null);
    Ok(Parts {
        lwp,
        code,
        headers,
        body,
    })
}

fn header_str(headers: &Map<String, Value>, key: &str) -> Option<String> {
    headers.get(key).and_then(as_string)
}

impl ServerFrame {
    /// Parses a server text frame: a push when it has `lwp`, else a response when it has `code`.
    pub fn parse(text: &str) -> Result<ServerFrame, ProtocolError> {
        let p = split(text)?;
        let mid = header_str(&p.headers, "mid").unwrap_or_default();
        let sid = header_str(&p.headers, "sid");
        if let Some(lwp) = p.lwp {
            return Ok(ServerFrame::Push {
                lwp,
                mid,
                sid,
                headers: p.headers,
                body: p.body,
            });
        }
        let code = p
            .code
            .ok_or_else(|| ProtocolError::InvalidFrame("neither lwp nor code".into()))?;
        let body = (!p.body.is_null()).then_some(p.body);
        Ok(ServerFrame::Response {
            code,
            mid,
            sid,
            headers: p.headers,
            body,
        })
    }

    /// The frame's `headers.mid` (`""` when absent).
    pub fn mid(&self) -> &str {
        match self {
            Self::Response { mid, .. } | Self::Push { mid, .. } => mid,
        }
    }

    /// The frame's `headers.sid`.
    pub fn sid(&self) -> Option<&str> {
        match self {
            Self::Response { sid, .. } | Self::Push { sid, .. } => sid.as_deref(),
        }
    }

    /// All headers.
    pub fn headers(&self) -> &Map<String, Value> {
        match self {
            Self::Response { headers, .. } | Self::Push { headers, .. } => headers,
        }
    }

    /// The body, when present.
    pub fn body(&self) -> Option<&Value> {
        match self {
            Self::Response { body, .. } => body.as_ref(),
            Self::Push { body, .. } => Some(body).filter(|b| !b.is_null()),
        }
    }

    /// Every `body.syncPushPackage.data[]` element that is an object (all of them, not just the first).
    pub fn push_payloads(&self) -> Vec<PushElement> {
        let Some(items) = self
            .body()
            .and_then(|b| b.pointer("/syncPushPackage/data"))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(Value::as_object)
            .map(|el| PushElement {
                biz_type: el.get("bizType").and_then(as_int).unwrap_or(0),
                object_type: el.get("objectType").and_then(as_int).unwrap_or(0),
                data: el
                    .get("data")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                stream_id: el.get("streamId").and_then(as_string),
            })
            .collect()
    }

    /// A heartbeat reply: a response with code 200 and no body (\[HEAD\] rule, §3.5).
    pub fn is_heartbeat_response(&self) -> bool {
        matches!(
            self,
            Self::Response {
                code: 200,
                body: None,
                ..
            }
        )
    }
}

impl ClientFrame {
    /// Parses a client text frame: a request when it has `lwp`, else an ack when it has `code`.
    pub fn parse(text: &str) -> Result<ClientFrame, ProtocolError> {
        let p = split(text)?;
        let mid = header_str(&p.headers, "mid").unwrap_or_default();
        if let Some(lwp) = p.lwp {
            let body = (!p.body.is_null()).then_some(p.body);
            return Ok(ClientFrame::Request {
                lwp,
                mid,
                headers: p.headers,
                body,
            });
        }
        let code = p
            .code
            .ok_or_else(|| ProtocolError::InvalidFrame("neither lwp nor code".into()))?;
        Ok(ClientFrame::Ack {
            mid,
            sid: header_str(&p.headers, "sid"),
            code,
        })
    }
}

/// The cid (without `@goofish`) in a `/r/SingleChatConversation/create` response body, trying
/// every shape of §3.10.
pub fn created_conversation_cid(body: &Value) -> Option<String> {
    const PATHS: &[&str] = &[
        "/singleChatConversation/cid",
        "/0/singleChatConversation/cid",
        "/0/singleChatUserConversation/singleChatConversation/cid",
        "/0/data/singleChatConversation/cid",
        "/0/cid",
        "/0/id",
    ];
    PATHS
        .iter()
        .find_map(|p| body.pointer(p).and_then(as_string))
        .filter(|s| !s.is_empty())
        .map(|s| crate::ids::strip_goofish(&s).to_owned())
}

/// Goofish's answer to a send request (§3.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendAnswer {
    /// Accepted; the server message id (`<n>.PNM`) when the answer carried one.
    Accepted {
        /// `body.messageId` (or key `1`).
        message_id: Option<String>,
    },
    /// Refused, e.g. by the content filter (`CSI_FORBID`).
    Rejected {
        /// `reason（moreInfo）`, or the response code.
        reason: String,
    },
}

/// Reads the answer to a send from the response's code and body: rejected when the body has a
/// `reason` or the code is not 200, else accepted with the message id.
pub fn send_answer(code: i64, body: Option<&Value>) -> SendAnswer {
    if let Some(reason) = body.and_then(send_rejection) {
        return SendAnswer::Rejected { reason };
    }
    if code != 200 {
        return SendAnswer::Rejected {
            reason: format!("code {code}"),
        };
    }
    let message_id = body
        .and_then(|b| b.get("messageId").or_else(|| b.get("1")))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
    SendAnswer::Accepted { message_id }
}

/// The rejection of a send response: `reason（moreInfo）` when `body.reason` is present (§3.9).
pub fn send_rejection(body: &Value) -> Option<String> {
    let reason = body.get("reason").and_then(as_string)?;
    match body.get("moreInfo").and_then(as_string) {
        Some(more) if !more.is_empty() => Some(format!("{reason}（{more}）")),
        _ => Some(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::{SendAnswer, send_answer};
    use serde_json::json;

    #[test]
    fn send_answers() {
        let ok = json!({"messageId": "1.PNM", "createAt": 1});
        assert_eq!(
            send_answer(200, Some(&ok)),
            SendAnswer::Accepted {
                message_id: Some("1.PNM".into())
            }
        );
        let forbid = json!({"reason": "消息包含违规内容", "moreInfo": "CSI_FORBID||安全拦截"});
        assert_eq!(
            send_answer(200, Some(&forbid)),
            SendAnswer::Rejected {
                reason: "消息包含违规内容（CSI_FORBID||安全拦截）".into()
            }
        );
        assert_eq!(
            send_answer(400, None),
            SendAnswer::Rejected {
                reason: "code 400".into()
            }
        );
    }
}

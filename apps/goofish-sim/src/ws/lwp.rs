//! Handling of client LWP frames (spec §8.4 items 2–8).

use crate::config::RegInvalidBehaviour;
use crate::faults::{DropMode, take};
use crate::journal::{JournalEntry, JournalKind};
use crate::proto::{self, ClientFrame, IM_APP_KEY, SendContent};
use crate::push::ChatMsg;
use crate::state::{Inner, Outgoing, SentMessage, SimState};
use serde_json::{Map, Value, json};

fn strip(s: &str) -> &str {
    s.strip_suffix("@goofish").unwrap_or(s)
}

fn header<'a>(h: &'a Map<String, Value>, k: &str) -> &'a str {
    h.get(k).and_then(Value::as_str).unwrap_or_default()
}

impl SimState {
    /// Sends a response frame `{"code","headers":{"mid",…},"body"?}`.
    pub(super) fn reply(
        &self,
        inner: &mut Inner,
        conn: u64,
        code: u16,
        mid: &str,
        extra: Value,
        body: Option<Value>,
    ) {
        let mut headers = json!({"mid": mid});
        if let (Some(h), Value::Object(x)) = (headers.as_object_mut(), extra) {
            h.extend(x);
        }
        let mut frame = json!({"code": code, "headers": headers});
        if let Some(b) = body {
            frame["body"] = b;
        }
        self.send_out(inner, conn, Outgoing::Text(frame.to_string()));
    }

    /// Handles one text frame from a client.
    pub(crate) fn on_text(&self, conn: u64, text: &str) {
        let mut inner = self.lock();
        let Some(s) = inner.sessions.get(&conn) else {
            return;
        };
        let half_open = s.half_open;
        let registered = s.registered;
        let unb = s.unb.clone().or_else(|| s.cookie_unb.clone());
        let parsed = proto::parse_client_frame(text);
        let mut e = JournalEntry::new(JournalKind::Ws);
        e.conn = Some(conn);
        e.unb = unb;
        e.dir = Some("in");
        e.frame = Some(serde_json::from_str(text).unwrap_or(Value::String(text.to_string())));
        match &parsed {
            Ok(ClientFrame::Request { lwp, .. }) => {
                e.lwp = Some(lwp.clone());
                *inner.stats.frames_in_by_lwp.entry(lwp.clone()).or_default() += 1;
            }
            Ok(ClientFrame::Ack { .. }) => {
                *inner
                    .stats
                    .frames_in_by_lwp
                    .entry("(ack)".into())
                    .or_default() += 1;
            }
            Err(err) => e.outcome = Some(format!("unparsable: {err}")),
        }
        self.journal_push(&mut inner, e);
        if half_open {
            return;
        }
        match parsed {
            Err(_) => {}
            Ok(ClientFrame::Ack { mid }) => {
                inner.stats.acks_received += 1;
                if inner
                    .sessions
                    .get_mut(&conn)
                    .and_then(|s| s.pending.remove(&mid))
                    .is_some()
                {
                    inner.stats.acks_matched += 1;
                }
            }
            Ok(ClientFrame::Request {
                lwp,
                mid,
                headers,
                body,
            }) => {
                if lwp != "/reg" && !registered {
                    let b = json!({"reason": "not registered"});
                    return self.reply(&mut inner, conn, 401, &mid, json!({}), Some(b));
                }
                match lwp.as_str() {
                    "/reg" => self.on_reg(&mut inner, conn, &mid, &headers),
                    "/r/SyncStatus/ackDiff" => self.on_ack_diff(&mut inner, conn, &mid, &body),
                    "/!" => {
                        let sid = inner
                            .sessions
                            .get(&conn)
                            .map(|s| s.sid.clone())
                            .unwrap_or_default();
                        self.reply(&mut inner, conn, 200, &mid, json!({"sid": sid}), None);
                    }
                    "/r/MessageSend/sendByReceiverScope" => {
                        self.on_send(&mut inner, conn, &mid, &body)
                    }
                    "/r/SingleChatConversation/create" => {
                        self.on_create(&mut inner, conn, &mid, &body)
                    }
                    "/r/Conversation/listNewestPagination" => {
                        self.on_list(&mut inner, conn, &mid, &body)
                    }
                    "/r/MessageManager/listUserMessages" => {
                        self.on_list_messages(&mut inner, conn, &mid, &body)
                    }
                    "/r/MessageManager/recallMessage" => {
                        self.reply(&mut inner, conn, 200, &mid, json!({}), Some(json!({})));
                    }
                    _ => {
                        let b = json!({"reason": "unknown lwp"});
                        self.reply(&mut inner, conn, 404, &mid, json!({}), Some(b));
                    }
                }
            }
        }
    }

    fn on_reg(&self, inner: &mut Inner, conn: u64, mid: &str, h: &Map<String, Value>) {
        let now = self.now_ms();
        let (app_key, token, did, ua) = (
            header(h, "app-key"),
            header(h, "token"),
            header(h, "did"),
            header(h, "ua"),
        );
        let cookie_unb = inner.sessions.get(&conn).and_then(|s| s.cookie_unb.clone());
        let tok = inner.tokens.get(token).cloned();
        let unb = tok.as_ref().map(|t| t.unb.clone()).or(cookie_unb.clone());
        let rejected = unb
            .as_ref()
            .and_then(|u| inner.accounts.get_mut(u))
            .is_some_and(|a| take(&mut a.faults.reject_reg));
        let reason = if rejected {
            Some("token rejected")
        } else if app_key != IM_APP_KEY {
            Some("invalid app-key")
        } else if let Some(t) = &tok {
            if t.superseded {
                Some("token superseded")
            } else if t.expires_at <= now {
                Some("token expired")
            } else if t.did != did {
                Some("did mismatch")
            } else if cookie_unb.as_ref().is_some_and(|c| *c != t.unb) {
                Some("unb mismatch")
            } else if !inner.accounts.contains_key(&t.unb) {
                Some("unknown account")
            } else {
                None
            }
        } else {
            Some("token invalid")
        };
        if let Some(reason) = reason {
            if let Some(s) = inner.sessions.get_mut(&conn) {
                s.unb = unb;
            }
            let body = json!({"reason": reason});
            match self.config.reg_invalid {
                RegInvalidBehaviour::Reply401ThenClose { close_after_ms } => {
                    self.reply(inner, conn, 401, mid, json!({}), Some(body));
                    Self::schedule(
                        inner,
                        conn,
                        close_after_ms,
                        Outgoing::Close(1000, reason.into()),
                    );
                }
                RegInvalidBehaviour::Reply401Only => {
                    self.reply(inner, conn, 401, mid, json!({}), Some(body))
                }
                RegInvalidBehaviour::CloseImmediately => {
                    self.send_out(inner, conn, Outgoing::Close(1000, reason.into()));
                }
            }
            return;
        }
        let Some(unb) = unb else { return };
        let kicked: Vec<u64> = inner
            .sessions
            .values()
            .filter(|s| s.id != conn && !s.closed && s.registered)
            .filter(|s| s.token.as_deref() == Some(token) && s.did.as_deref() == Some(did))
            .map(|s| s.id)
            .collect();
        for k in kicked {
            let code = self.config.kick_close_code;
            self.send_out(
                inner,
                k,
                Outgoing::Close(code, "kicked by a newer registration".into()),
            );
        }
        let Some(s) = inner.sessions.get_mut(&conn) else {
            return;
        };
        s.registered = true;
        s.unb = Some(unb.clone());
        s.token = Some(token.to_string());
        s.did = Some(did.to_string());
        s.ua = ua.to_string();
        s.app_key = app_key.to_string();
        let sid = s.sid.clone();
        inner.stats.registrations += 1;
        let Some(acc) = inner.accounts.get_mut(&unb) else {
            return;
        };
        acc.last_reg_at = Some(now);
        let faults = acc.faults.clone();
        let drop_mode = match &mut acc.faults.drop_after_reg {
            Some((mode, counted)) => {
                let mode = *mode;
                let fired = take(counted);
                if counted.is_none() {
                    acc.faults.drop_after_reg = None;
                }
                fired.then_some(mode)
            }
            None => None,
        };
        let frame = json!({
            "code": 200,
            "headers": {"mid": mid, "sid": sid, "reg-sid": sid, "reg-uid": format!("{unb}@goofish"), "dt": "j"},
            "body": {"unitName": "PNM", "cookie": "", "timestamp": now, "isFromChina": true},
        })
        .to_string();
        match faults.slow_reg {
            Some(s) if s.omit => {}
            Some(s) => Self::schedule(inner, conn, s.delay_ms, Outgoing::Text(frame)),
            None => self.send_out(inner, conn, Outgoing::Text(frame)),
        }
        match drop_mode {
            Some(DropMode::Rst) => Self::schedule(inner, conn, 20, Outgoing::Abort),
            Some(DropMode::Close) => Self::schedule(
                inner,
                conn,
                20,
                Outgoing::Close(1000, "server close".into()),
            ),
            Some(DropMode::HalfOpen) => {
                if let Some(s) = inner.sessions.get_mut(&conn) {
                    s.half_open = true;
                }
            }
            None => {}
        }
        if let Some(ms) = faults.close_after_reg_ms {
            Self::schedule(
                inner,
                conn,
                ms,
                Outgoing::Close(1000, "server close".into()),
            );
        }
    }

    fn on_ack_diff(&self, inner: &mut Inner, conn: u64, mid: &str, body: &Value) {
        let pts = body.pointer("/0/pts").and_then(Value::as_i64).unwrap_or(0);
        let Some(s) = inner.sessions.get_mut(&conn) else {
            return;
        };
        s.ack_pts = Some(pts);
        let unb = s.unb.clone().unwrap_or_default();
        self.reply(inner, conn, 200, mid, json!({}), Some(json!({})));
        let Some(acc) = inner.accounts.get_mut(&unb) else {
            return;
        };
        let replay_all = acc.faults.backlog;
        let backlog = std::mem::take(&mut acc.backlog);
        for b in backlog {
            if replay_all || b.at > pts / 1000 {
                self.push_frame(inner, conn, b.lwp, b.elements);
            }
        }
    }

    fn on_create(&self, inner: &mut Inner, conn: u64, mid: &str, body: &Value) {
        let unb = inner
            .sessions
            .get(&conn)
            .and_then(|s| s.unb.clone())
            .unwrap_or_default();
        let req = body.get(0).cloned().unwrap_or(Value::Null);
        let first = req
            .get("pairFirst")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let second = req
            .get("pairSecond")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let item = req
            .pointer("/extension/itemId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let buyer = if strip(second) == unb {
            strip(first)
        } else if strip(first) == unb {
            strip(second)
        } else {
            ""
        };
        if buyer.is_empty() || !buyer.bytes().all(|b| b.is_ascii_digit()) {
            let b = json!({"reason": "invalid pair", "moreInfo": "pairFirst/pairSecond must be <buyer>@goofish and <unb>@goofish"});
            return self.reply(inner, conn, 400, mid, json!({}), Some(b));
        }
        let existing = inner.accounts.get(&unb).and_then(|a| {
            a.conversations
                .iter()
                .find(|c| c.buyer_id == buyer && (item.is_empty() || c.item_id == item))
                .map(|c| c.cid.clone())
        });
        let cid = match existing {
            Some(c) => c,
            None => match Self::conversation_for(inner, &unb, buyer, None, item) {
                Some(c) => c,
                None => return,
            },
        };
        let b = json!({"singleChatConversation": {
            "cid": format!("{cid}@goofish"), "pairFirst": first, "pairSecond": second, "bizType": "1", "extension": {"itemId": item},
        }});
        self.reply(inner, conn, 200, mid, json!({}), Some(b));
    }

    fn on_send(&self, inner: &mut Inner, conn: u64, mid: &str, body: &Value) {
        let now = self.now_ms();
        let unb = inner
            .sessions
            .get(&conn)
            .and_then(|s| s.unb.clone())
            .unwrap_or_default();
        let reject = |s: &Self, inner: &mut Inner, reason: &str| {
            let b = json!({"reason": reason, "moreInfo": reason});
            s.reply(inner, conn, 400, mid, json!({}), Some(b));
        };
        let m = body.get(0).cloned().unwrap_or(Value::Null);
        let cid = strip(m.get("cid").and_then(Value::as_str).unwrap_or_default()).to_string();
        let Some(conv) = inner
            .accounts
            .get(&unb)
            .and_then(|a| a.conversation(&cid))
            .cloned()
        else {
            return reject(self, inner, "conversation not found");
        };
        let receivers: Vec<&str> = body
            .pointer("/1/actualReceivers")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let (me, buyer) = (
            format!("{unb}@goofish"),
            format!("{}@goofish", conv.buyer_id),
        );
        if !receivers.contains(&me.as_str()) || !receivers.contains(&buyer.as_str()) {
            return reject(
                self,
                inner,
                "actualReceivers must contain the buyer and the seller",
            );
        }
        if m.pointer("/content/contentType").and_then(Value::as_i64) != Some(101)
            || m.pointer("/content/custom/type").and_then(Value::as_i64) != Some(1)
        {
            return reject(
                self,
                inner,
                "content must be contentType 101 with custom.type 1",
            );
        }
        let data = m
            .pointer("/content/custom/data")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let content = match proto::decode_custom_data(data) {
            Ok(c) => c,
            Err(e) => return reject(self, inner, &format!("invalid custom.data: {e}")),
        };
        if inner
            .accounts
            .get_mut(&unb)
            .is_some_and(|a| take(&mut a.faults.reject_send))
        {
            let b = json!({"reason": "消息包含违规内容", "moreInfo": "CSI_FORBID||安全拦截"});
            return self.reply(inner, conn, 200, mid, json!({}), Some(b));
        }
        let pnm = Self::next_pnm(inner);
        let nick = inner
            .accounts
            .get(&unb)
            .map(|a| a.nick.clone())
            .unwrap_or_default();
        let mut echo = ChatMsg::text(&unb, &cid, &pnm, now, "", &nick);
        let (kind, text, image) = match &content {
            SendContent::Text(t) => {
                echo = ChatMsg::text(&unb, &cid, &pnm, now, t, &nick);
                ("text", Some(t.clone()), None)
            }
            SendContent::Image { url, width, height } => {
                echo = echo.into_image(url, *width, *height);
                (
                    "image",
                    None,
                    Some(json!({"url": url, "width": width, "height": height})),
                )
            }
        };
        echo.need_push = false;
        echo.item_id = conv.item_id.clone();
        echo.peer_id = conv.buyer_id.clone();
        echo.ext_json = json!({"messageId": echo.message_id});
        let Some(acc) = inner.accounts.get_mut(&unb) else {
            return;
        };
        acc.sent.push(SentMessage {
            cid: cid.clone(),
            to: conv.buyer_id.clone(),
            kind,
            text,
            image,
            at: now,
            message_id: pnm.clone(),
            mid: mid.to_string(),
        });
        let echo_on = !acc.faults.echo_disabled;
        let b = json!({"messageId": pnm, "createAt": now});
        self.reply(inner, conn, 200, mid, json!({}), Some(b));
        if echo_on {
            self.push_chat(inner, &unb, &echo);
        } else {
            Self::remember(inner, &unb, &echo);
        }
    }
}

//! Failure-mode switches F1–F18 (spec §8.5): per-account state and the control request.

use serde::Deserialize;

/// How `drop_socket` (F7) ends a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropMode {
    /// Abort the TCP connection without a close frame.
    Rst,
    /// Clean close frame, code 1000.
    Close,
    /// Keep the socket but stop answering anything (pings, heartbeats, pushes).
    HalfOpen,
}

/// `/reg` reply delay or omission (F13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct SlowReg {
    /// Delay of the reply in ms.
    pub delay_ms: u64,
    /// Never send the reply.
    pub omit: bool,
}

/// A counted switch: `None` = off, `Some(None)` = always, `Some(Some(n))` = the next `n` times.
pub(crate) type Counted = Option<Option<u32>>;

/// Consumes one use of a counted switch; returns whether it fired.
pub(crate) fn take(c: &mut Counted) -> bool {
    match c {
        None => false,
        Some(None) => true,
        Some(Some(n)) => {
            if *n <= 1 {
                *c = None;
            } else {
                *n -= 1;
            }
            true
        }
    }
}

/// Per-account fault switches.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AccountFaults {
    /// F2 on an existing account: the next mtop call answers `TOKEN_EMPTY`.
    pub force_token_empty: bool,
    /// F5: reject `/reg`.
    pub reject_reg: Counted,
    /// F7: drop the next connections right after `/reg`.
    pub drop_after_reg: Option<(DropMode, Counted)>,
    /// F7: close every new connection this long after `/reg`.
    pub close_after_reg_ms: Option<u64>,
    /// F8: send every chat push twice.
    pub duplicate_push: bool,
    /// F8: resend a push not acked within this many ms.
    pub resend_unacked_after_ms: Option<u64>,
    /// F9: precede each chat message by a 40103 status in the same `data[]`.
    pub batch_push: bool,
    /// F10: disable the echo of sent messages (on by default).
    pub echo_disabled: bool,
    /// F11: reject sends with `CSI_FORBID`.
    pub reject_send: Counted,
    /// F13: slow or omitted `/reg` reply.
    pub slow_reg: Option<SlowReg>,
    /// F14: close a session whose push stays unacked this long.
    pub unacked_disconnect_ms: Option<u64>,
    /// F15: rate-limit `listNewestPagination`.
    pub rate_limit: Counted,
    /// F17: upload answers the HTML login page.
    pub upload_login_page: bool,
    /// Replay every offline message on the next ackDiff regardless of `pts`.
    pub backlog: bool,
}

/// Body of `POST /_sim/faults`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FaultSpec {
    /// Account; absent = all accounts (and accounts created later).
    pub unb: Option<String>,
    /// Fault kind, e.g. `token_expired`, `reject_reg`, `drop_socket`.
    pub kind: String,
    /// `captcha_required`: `token` (default) or `all`.
    pub scope: Option<String>,
    /// `captcha_required`: the `x5sec` value that clears it (default `ok`).
    pub clear_with_x5sec: Option<String>,
    /// Counted faults: how many times (absent = until cleared).
    pub times: Option<u32>,
    /// `drop_socket`: `rst`, `close` or `half_open`.
    pub mode: Option<DropMode>,
    /// `drop_socket`: close each new connection this long after `/reg`.
    pub close_after_reg_ms: Option<u64>,
    /// `duplicate_push`: resend unacked pushes after this long.
    pub resend_unacked_after_ms: Option<u64>,
    /// `echo`: turn the echo on (true) or off (false).
    pub enabled: Option<bool>,
    /// `slow_reg`: delay in ms.
    pub delay_ms: Option<u64>,
    /// `slow_reg`: omit the reply.
    pub omit: Option<bool>,
    /// `unacked_disconnect`: timeout in ms.
    pub after_ms: Option<u64>,
    /// `malformed`: `ext`, `truncated`, `non_map`, `unpadded` or `all`.
    pub variant: Option<String>,
    /// `malformed`: conversation to use.
    pub cid: Option<String>,
}

mod apply {
    use super::{AccountFaults, DropMode, FaultSpec, SlowReg};
    use crate::error::ControlError;
    use crate::state::{Inner, Outgoing, SessionState, SimState};
    use serde_json::{Value, json};

    impl SimState {
        /// Applies a fault switch or action (spec §8.5); `unb` absent = all accounts.
        pub fn apply_fault(&self, spec: FaultSpec) -> Result<Value, ControlError> {
            let mut inner = self.lock();
            let targets: Vec<String> = match &spec.unb {
                Some(u) if inner.accounts.contains_key(u) => vec![u.clone()],
                Some(u) => {
                    return Err(ControlError::not_found(
                        "account_not_found",
                        format!("account {u} not found"),
                    ));
                }
                None => inner.accounts.keys().cloned().collect(),
            };
            let counted = Some(spec.times);
            let mut details = Vec::new();
            let set = |inner: &mut Inner, f: &dyn Fn(&mut AccountFaults)| {
                for u in &targets {
                    if let Some(a) = inner.accounts.get_mut(u) {
                        f(&mut a.faults);
                    }
                }
                if spec.unb.is_none() {
                    f(&mut inner.template_faults);
                }
            };
            match spec.kind.as_str() {
                "token_expired" => {
                    for u in &targets {
                        if let Some(a) = inner.accounts.get_mut(u) {
                            self.rotate_m_h5_tk(a);
                        }
                    }
                }
                "no_m_h5_tk" => match &spec.unb {
                    Some(_) => set(&mut inner, &|f| f.force_token_empty = true),
                    None => inner.create_without_m_h5_tk = true,
                },
                "captcha_required" => {
                    let all = match spec.scope.as_deref() {
                        None | Some("token") => false,
                        Some("all") => true,
                        Some(o) => {
                            return Err(ControlError::bad_request(
                                "invalid_scope",
                                format!("scope must be token or all, got {o}"),
                            ));
                        }
                    };
                    let clear = spec.clear_with_x5sec.clone().unwrap_or_else(|| "ok".into());
                    for u in &targets {
                        if let Some(a) = inner.accounts.get_mut(u) {
                            a.session = SessionState::RiskRequired;
                            a.captcha_all = all;
                            a.x5sec_clear = clear.clone();
                        }
                    }
                }
                "session_expired" => {
                    for u in &targets {
                        if let Some(a) = inner.accounts.get_mut(u) {
                            a.session = SessionState::SessionExpired;
                        }
                    }
                }
                "reject_reg" => set(&mut inner, &|f| f.reject_reg = counted),
                "supersede_token" => {
                    let pairs: Vec<(String, String)> = inner
                        .tokens
                        .values()
                        .filter(|t| !t.superseded && targets.contains(&t.unb))
                        .map(|t| (t.unb.clone(), t.did.clone()))
                        .collect();
                    for (u, d) in pairs {
                        let (tok, _) = self.mint_im_token(&mut inner, &u, &d);
                        details.push(json!({"unb": u, "did": d, "new_token": tok}));
                    }
                }
                "drop_socket" => {
                    let mode = spec.mode.unwrap_or(DropMode::Rst);
                    let live = live_sessions(&inner, &targets);
                    for conn in &live {
                        match mode {
                            DropMode::Rst => self.send_out(&mut inner, *conn, Outgoing::Abort),
                            DropMode::Close => self.send_out(
                                &mut inner,
                                *conn,
                                Outgoing::Close(1000, "server close".into()),
                            ),
                            DropMode::HalfOpen => {
                                if let Some(s) = inner.sessions.get_mut(conn) {
                                    s.half_open = true;
                                }
                            }
                        }
                    }
                    details.push(json!({"dropped": live}));
                    if let Some(n) = spec.times {
                        set(&mut inner, &|f| {
                            f.drop_after_reg = Some((mode, Some(Some(n))))
                        });
                    }
                    if let Some(ms) = spec.close_after_reg_ms {
                        set(&mut inner, &|f| f.close_after_reg_ms = Some(ms));
                    }
                }
                "duplicate_push" => {
                    let resend = spec.resend_unacked_after_ms;
                    set(&mut inner, &|f| {
                        f.duplicate_push = true;
                        f.resend_unacked_after_ms = resend;
                    });
                }
                "batch_push" => set(&mut inner, &|f| f.batch_push = true),
                "echo" | "no_echo" => {
                    let on = spec.kind == "echo" && spec.enabled.unwrap_or(true);
                    set(&mut inner, &|f| f.echo_disabled = !on);
                }
                "reject_send" => set(&mut inner, &|f| f.reject_send = counted),
                "kick" => {
                    let live = live_sessions(&inner, &targets);
                    let code = self.config.kick_close_code;
                    for conn in &live {
                        self.send_out(
                            &mut inner,
                            *conn,
                            Outgoing::Close(code, "kicked by a newer registration".into()),
                        );
                    }
                    details.push(json!({"kicked": live}));
                }
                "slow_reg" => {
                    let s = SlowReg {
                        delay_ms: spec.delay_ms.unwrap_or(3000),
                        omit: spec.omit.unwrap_or(false),
                    };
                    set(&mut inner, &|f| f.slow_reg = Some(s));
                }
                "unacked_disconnect" => {
                    let ms = spec.after_ms.unwrap_or(self.config.unacked_timeout_ms);
                    set(&mut inner, &|f| f.unacked_disconnect_ms = Some(ms));
                }
                "rate_limit" => set(&mut inner, &|f| f.rate_limit = counted),
                "upload_login_page" => set(&mut inner, &|f| f.upload_login_page = true),
                "backlog" => set(&mut inner, &|f| f.backlog = true),
                "malformed" => {
                    let variant = spec.variant.clone().unwrap_or_else(|| "all".into());
                    for u in &targets {
                        let n =
                            self.push_malformed(&mut inner, u, &variant, spec.cid.as_deref())?;
                        details.push(json!({"unb": u, "frames": n}));
                    }
                }
                other => {
                    return Err(ControlError::bad_request(
                        "unknown_fault",
                        format!("unknown fault kind {other:?}"),
                    ));
                }
            }
            Ok(json!({"applied": spec.kind, "accounts": targets, "details": details}))
        }

        /// Clears faults (and session/risk state) of one account, or of all and the template.
        pub fn clear_faults(&self, unb: Option<&str>) -> Result<Value, ControlError> {
            let mut inner = self.lock();
            let targets: Vec<String> = match unb {
                Some(u) if inner.accounts.contains_key(u) => vec![u.to_string()],
                Some(u) => {
                    return Err(ControlError::not_found(
                        "account_not_found",
                        format!("account {u} not found"),
                    ));
                }
                None => {
                    inner.template_faults = AccountFaults::default();
                    inner.create_without_m_h5_tk = false;
                    inner.accounts.keys().cloned().collect()
                }
            };
            let live = live_sessions(&inner, &targets);
            for u in &targets {
                if let Some(a) = inner.accounts.get_mut(u) {
                    a.faults = AccountFaults::default();
                    a.session = SessionState::Ok;
                }
            }
            for conn in live {
                if let Some(s) = inner.sessions.get_mut(&conn) {
                    s.half_open = false;
                    s.scheduled.clear();
                }
            }
            Ok(json!({"cleared": targets}))
        }
    }

    /// Open sessions (registered or not) of the given accounts.
    fn live_sessions(inner: &Inner, targets: &[String]) -> Vec<u64> {
        inner
            .sessions
            .values()
            .filter(|s| !s.closed)
            .filter(|s| {
                s.unb
                    .as_ref()
                    .or(s.cookie_unb.as_ref())
                    .is_some_and(|u| targets.contains(u))
            })
            .map(|s| s.id)
            .collect()
    }
}

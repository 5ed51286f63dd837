//! Simulator configuration, including the switches for behaviour the spec marks `[infer]`.

use std::net::IpAddr;

/// What the server does after a `/reg` with an invalid token (spec §8.4 item 2, `[infer]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegInvalidBehaviour {
    /// Reply `code 401` with `body.reason`, then close (code 1000) after `close_after_ms`.
    Reply401ThenClose {
        /// Delay between the 401 reply and the close frame.
        close_after_ms: u64,
    },
    /// Reply `code 401` and keep the socket open.
    Reply401Only,
    /// Close (code 1000) right away without replying.
    CloseImmediately,
}

/// How chat pushes encode `data[i].data` (spec §3.7: reality is msgpack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushEncoding {
    /// base64(msgpack with integer map keys), like the real server.
    Msgpack,
    /// base64(JSON), which clients also accept.
    Json,
}

/// Configuration of one simulator instance.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to bind (default 127.0.0.1).
    pub bind: IpAddr,
    /// Port to bind; 0 picks a random free port.
    pub port: u16,
    /// Behaviour after an invalid `/reg` (default: 401 then close after 1 s).
    pub reg_invalid: RegInvalidBehaviour,
    /// Default F14 timeout: close a session whose push stays unacked this long (only while
    /// the `unacked_disconnect` fault is on).
    pub unacked_timeout_ms: u64,
    /// Lifetime of a freshly minted `_m_h5_tk` (`[infer]`, default 2 h).
    pub m_h5_tk_ttl_ms: i64,
    /// Lifetime reported as `accessTokenExpiredTime` for IM tokens (`[infer]`, default 24 h).
    pub im_token_ttl_ms: i64,
    /// Initial offset of the simulated clock from the wall clock.
    pub clock_offset_ms: i64,
    /// Payload encoding of chat pushes.
    pub push_encoding: PushEncoding,
    /// Rotate `_m_h5_tk` on every `FAIL_SYS_TOKEN_EXOIRED`, even when the account's current
    /// token is still valid (`[infer]`; default false: resend the current token instead).
    pub rotate_on_mismatch: bool,
    /// Close code used when kicking an older session (`[infer]`, default 1000).
    pub kick_close_code: u16,
    /// Number of actix workers (default 2).
    pub workers: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            reg_invalid: RegInvalidBehaviour::Reply401ThenClose {
                close_after_ms: 1000,
            },
            unacked_timeout_ms: 10_000,
            m_h5_tk_ttl_ms: 2 * 3600 * 1000,
            im_token_ttl_ms: 24 * 3600 * 1000,
            clock_offset_ms: 0,
            push_encoding: PushEncoding::Msgpack,
            rotate_on_mismatch: false,
            kick_close_code: 1000,
            workers: 2,
        }
    }
}

impl SimConfig {
    /// A default configuration on the given port.
    pub fn with_port(port: u16) -> Self {
        Self {
            port,
            ..Self::default()
        }
    }
}

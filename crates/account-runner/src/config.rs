//! Endpoints and timing settings of the runner.

use goofish_protocol::constants as c;
use std::time::Duration;

/// Where the Goofish services live; defaults are the real service, tests point at goofish-sim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// mtop gateway base, paths are `/h5/<api>/<version>/`.
    pub h5api_base: String,
    /// IM WebSocket URL (trailing slash included).
    pub ws_url: String,
    /// Passport base URL.
    pub passport_base: String,
    /// Image upload URL.
    pub upload_url: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            h5api_base: c::DEFAULT_H5API_BASE.to_owned(),
            ws_url: c::DEFAULT_WS_URL.to_owned(),
            passport_base: c::DEFAULT_PASSPORT_BASE.to_owned(),
            upload_url: c::DEFAULT_UPLOAD_URL.to_owned(),
        }
    }
}

/// Timing and behaviour of every account task.
#[derive(Debug, Clone, PartialEq)]
pub struct RunnerConfig {
    /// Interval of the `/!` heartbeat (spec: 15 s; the first goes out right after `/reg`).
    pub heartbeat_interval: Duration,
    /// No frame for this long means the socket is dead: reconnect (spec: 30 s).
    pub silence_timeout: Duration,
    /// First reconnect delay; doubles per consecutive failure.
    pub backoff_base: Duration,
    /// Upper bound of the reconnect delay, jitter included (60 s).
    pub backoff_cap: Duration,
    /// Random extra delay as a fraction of the delay (0.3 = up to +30 %).
    pub backoff_jitter: f64,
    /// How often the IM token is refreshed while connected; a changed token re-registers.
    pub token_refresh_interval: Duration,
    /// A connection that ends sooner than this counts as a failure (fresh token, longer
    /// backoff); a longer one resets the failure counter.
    pub fast_close_threshold: Duration,
    /// Per-chat debounce window of the reply hook: only the last message of a burst counts.
    pub debounce_window: Duration,
    /// How long to wait for the `/reg` answer before proceeding anyway.
    pub reg_wait: Duration,
    /// How long a send waits for the server's verdict before reporting it unconfirmed.
    pub send_timeout: Duration,
    /// Timeout of one mtop HTTP call.
    pub http_timeout: Duration,
    /// Timeout of the WebSocket handshake.
    pub connect_timeout: Duration,
    /// How long a sent message is remembered to recognise its echo.
    pub echo_window: Duration,
    /// Caught-up buyer messages older than this are stored but not answered automatically
    /// (`XIANYU_CATCHUP_MAX_AGE_MINUTES`, default 30 minutes).
    pub catchup_max_age: Duration,
    /// How far back the first catch-up of a task (at start-up) looks; later ones look back to
    /// the previous session's last frame.
    pub catchup_lookback: Duration,
    /// Pause between registration and the catch-up listing calls (the reference waits 3 s to
    /// stay clear of the IM's rate limit, spec §3.11).
    pub catchup_delay: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_secs(c::HEARTBEAT_INTERVAL_SECS),
            silence_timeout: Duration::from_secs(c::HEARTBEAT_TIMEOUT_SECS),
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(60),
            backoff_jitter: 0.3,
            token_refresh_interval: Duration::from_secs(3600),
            fast_close_threshold: Duration::from_secs(30),
            debounce_window: Duration::from_secs(3),
            reg_wait: Duration::from_secs(5),
            send_timeout: Duration::from_secs(10),
            http_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(30),
            echo_window: Duration::from_secs(60),
            catchup_max_age: Duration::from_secs(30 * 60),
            catchup_lookback: Duration::from_secs(24 * 3600),
            catchup_delay: Duration::from_secs(3),
        }
    }
}

impl RunnerConfig {
    /// The reconnect delay after `failures` consecutive failures (≥ 1): exponential from
    /// `backoff_base`, times `1 + U[0, jitter]`, capped at `backoff_cap`.
    pub fn backoff_delay(&self, failures: u32, unit_random: f64) -> Duration {
        let exp = failures.saturating_sub(1).min(20);
        let raw = self.backoff_base.saturating_mul(1u32 << exp);
        let jitter = 1.0 + self.backoff_jitter.max(0.0) * unit_random.clamp(0.0, 1.0);
        raw.mul_f64(jitter).min(self.backoff_cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let cfg = RunnerConfig::default();
        assert_eq!(cfg.backoff_delay(1, 0.0), Duration::from_secs(2));
        assert_eq!(cfg.backoff_delay(3, 0.0), Duration::from_secs(8));
        assert_eq!(cfg.backoff_delay(30, 1.0), Duration::from_secs(60));
        assert!(cfg.backoff_delay(2, 1.0) <= Duration::from_millis(5200));
    }
}

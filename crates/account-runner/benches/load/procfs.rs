//! /proc readings and the simulator child process.

use anyhow::{Context, Result, anyhow, bail};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use super::*;
// ---------------------------------------------------------------------------------------------
// /proc readings

pub(crate) fn status_kb(field: &str) -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

pub(crate) fn rss_mb() -> f64 {
    status_kb("VmRSS:").unwrap_or(f64::NAN) / 1024.0
}

pub(crate) fn threads() -> u64 {
    status_kb("Threads:").unwrap_or(0.0) as u64
}

pub(crate) fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// utime + stime of a process, in clock ticks.
pub(crate) fn cpu_ticks(pid: &str) -> Result<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let rest = &s[s.rfind(')').ok_or_else(|| anyhow!("bad stat"))? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the command: field 3 is f[0], utime (14) is f[11], stime (15) is f[12].
    Ok(f[11].parse::<u64>()? + f[12].parse::<u64>()?)
}

pub(crate) fn clock_ticks_per_s() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

pub(crate) fn max_open_files() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/limits").ok()?;
    s.lines()
        .find(|l| l.starts_with("Max open files"))?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

/// Busy time of the whole machine (all cores, `/proc/stat`), in clock ticks.
pub(crate) fn machine_busy_ticks() -> Result<u64> {
    let s = std::fs::read_to_string("/proc/stat")?;
    let cpu = s
        .lines()
        .next()
        .ok_or_else(|| anyhow!("empty /proc/stat"))?;
    let v: Vec<u64> = cpu
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    Ok(v.iter().take(8).sum::<u64>()
        - v.get(3).copied().unwrap_or(0)
        - v.get(4).copied().unwrap_or(0))
}

/// CPU use of `pid` (or of the whole machine for `"*"`) over a window, in % of one core.
pub(crate) struct CpuMeter {
    pub(crate) pid: String,
    pub(crate) ticks: u64,
    pub(crate) at: Instant,
}

impl CpuMeter {
    pub(crate) fn ticks(pid: &str) -> Result<u64> {
        if pid == "*" {
            machine_busy_ticks()
        } else {
            cpu_ticks(pid)
        }
    }

    pub(crate) fn start(pid: &str) -> Result<Self> {
        Ok(Self {
            pid: pid.to_owned(),
            ticks: Self::ticks(pid)?,
            at: Instant::now(),
        })
    }

    pub(crate) fn percent(&self, hz: f64) -> Result<f64> {
        let used = Self::ticks(&self.pid)?.saturating_sub(self.ticks) as f64 / hz;
        Ok(100.0 * used / self.at.elapsed().as_secs_f64())
    }
}

// ---------------------------------------------------------------------------------------------
// The simulator process

pub(crate) struct Sim {
    pub(crate) child: Child,
    pub(crate) base: String,
    pub(crate) ws_url: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn sim_binary(args: &Args) -> Result<PathBuf> {
    if let Some(p) = &args.sim_bin {
        return Ok(p.clone());
    }
    // The bench runs from <target>/<profile>/deps/load-<hash>; the sim is <target>/<profile>.
    let exe = std::env::current_exe()?;
    let candidate = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("goofish-sim"))
        .ok_or_else(|| anyhow!("no profile directory"))?;
    if candidate.is_file() {
        return Ok(candidate);
    }
    bail!(
        "goofish-sim not found at {}: run `cargo build --release -p goofish-sim` first, \
         or pass --sim-bin PATH",
        candidate.display()
    )
}

pub(crate) fn start_sim(args: &Args) -> Result<Sim> {
    let bin = sim_binary(args)?;
    let mut child = Command::new(&bin)
        .args(["--port", "0"])
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("start {}", bin.display()))?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let mut vars = HashMap::new();
    for line in BufReader::new(stdout).lines().take(4) {
        let line = line?;
        if let Some((k, v)) = line.split_once('=') {
            vars.insert(k.to_owned(), v.to_owned());
        }
    }
    let get = |k: &str| {
        vars.get(k)
            .cloned()
            .ok_or_else(|| anyhow!("the simulator did not print {k}"))
    };
    Ok(Sim {
        base: get("XIANYU_GOOFISH_H5API_BASE")?,
        ws_url: get("XIANYU_GOOFISH_WS_URL")?,
        child,
    })
}

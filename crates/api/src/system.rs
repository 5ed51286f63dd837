//! Host metrics for `/health`, sampled in the background so a request never waits for them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;
use sysinfo::{Disks, System};

const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// The latest sample.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemSample {
    /// Whole-machine CPU use, 0–100 (0 until the second sample).
    pub cpu_percent: f32,
    /// Used memory in bytes.
    pub memory_used_bytes: u64,
    /// Total memory in bytes.
    pub memory_total_bytes: u64,
    /// Free space on the disk holding the data directory.
    pub disk_free_bytes: u64,
}

/// A sampler thread and its latest result; the thread ends when this is dropped.
pub struct SystemStats {
    latest: RwLock<SystemSample>,
}

impl SystemStats {
    /// Starts sampling; the first sample is taken before this returns.
    pub fn start(data_dir: &Path) -> Arc<Self> {
        let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        let mut sys = System::new();
        let stats = Arc::new(Self {
            latest: RwLock::new(sample(&mut sys, &dir)),
        });
        let weak = Arc::downgrade(&stats);
        let spawned = std::thread::Builder::new()
            .name("xianyu-sysinfo".into())
            .spawn(move || sampler(weak, sys, dir));
        if let Err(e) = spawned {
            log::warn!(target: "xianyu::health", "cannot start the metrics sampler: {e}");
        }
        stats
    }

    /// The latest sample.
    pub fn latest(&self) -> SystemSample {
        *self.latest.read().unwrap_or_else(|p| p.into_inner())
    }
}

fn sampler(weak: Weak<SystemStats>, mut sys: System, dir: PathBuf) {
    loop {
        std::thread::sleep(SAMPLE_EVERY);
        let Some(stats) = weak.upgrade() else { return };
        let s = sample(&mut sys, &dir);
        *stats.latest.write().unwrap_or_else(|p| p.into_inner()) = s;
    }
}

fn sample(sys: &mut System, dir: &Path) -> SystemSample {
    sys.refresh_cpu_usage();
    sys.refresh_memory();
    let disks = Disks::new_with_refreshed_list();
    let disk_free_bytes = disks
        .list()
        .iter()
        .filter(|d| dir.starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().as_os_str().len())
        .map(|d| d.available_space())
        .unwrap_or(0);
    SystemSample {
        cpu_percent: sys.global_cpu_usage(),
        memory_used_bytes: sys.used_memory(),
        memory_total_bytes: sys.total_memory(),
        disk_free_bytes,
    }
}

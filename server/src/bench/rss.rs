//! The server's memory under load, from Linux's `/proc`: the peak resident set of the server
//! process (`VmHWM`, kept by the kernel) and, sampled every 100 ms, the resident set of the
//! server with its descendants (the template sandboxes). Elsewhere nothing is reported.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Peaks, in KiB.
pub(super) struct Memory {
    /// The server process alone, from the kernel (`VmHWM`).
    pub process_peak: u64,
    /// The server with its descendants, the highest sample.
    pub tree_peak: u64,
}

impl Memory {
    pub fn describe(&self) -> String {
        format!(
            "server RSS peak: {:.0} MiB (process, VmHWM) · {:.0} MiB with its sandbox children (sampled)",
            mib(self.process_peak),
            mib(self.tree_peak)
        )
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

pub(super) struct Sampler {
    pid: u32,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<u64>,
}

impl Sampler {
    /// Starts sampling `pid`; `None` where `/proc` does not tell.
    pub fn start(pid: u32) -> Option<Sampler> {
        status_kib(pid, "VmRSS")?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(tree_kib(pid));
                std::thread::sleep(Duration::from_millis(100));
            }
            peak.max(tree_kib(pid))
        });
        Some(Sampler { pid, stop, task })
    }

    pub async fn finish(self) -> Option<Memory> {
        self.stop.store(true, Ordering::Relaxed);
        let tree_peak = self.task.await.ok()?;
        Some(Memory {
            process_peak: status_kib(self.pid, "VmHWM")?,
            tree_peak,
        })
    }
}

/// A `kB` field of `/proc/<pid>/status`.
pub(super) fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// The resident set of `pid` and its descendants now.
pub(super) fn tree_kib(pid: u32) -> u64 {
    let parents = parents();
    let mut total = 0;
    let mut todo = vec![pid];
    while let Some(at) = todo.pop() {
        total += status_kib(at, "VmRSS").unwrap_or(0);
        todo.extend(
            parents
                .iter()
                .filter(|(_, parent)| *parent == at)
                .map(|(child, _)| *child),
        );
    }
    total
}

/// Every process with its parent: (pid, ppid).
pub(super) fn parents() -> Vec<(u32, u32)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // `pid (comm) state ppid …`: the command may hold spaces and parentheses.
            let after = stat.rsplit_once(')')?.1;
            let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect()
}

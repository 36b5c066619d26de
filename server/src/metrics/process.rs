//! The process metrics Prometheus clients conventionally export, read from `/proc` (Linux).

/// The kernel's USER_HZ: the unit of `/proc/<pid>/stat` times, 100 on every Linux ABI.
const TICKS_PER_SECOND: f64 = 100.0;

pub(super) struct Stat {
    pub rss_bytes: f64,
    pub cpu_seconds: f64,
    pub open_fds: f64,
    pub start_time_seconds: f64,
}

/// This process's figures, or `None` where `/proc` is not there.
pub(super) fn read() -> Option<Stat> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces: the fields that follow come after its `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): field n is fields[n - 3].
    let ticks = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<f64>().ok());
    let cpu_seconds = (ticks(14)? + ticks(15)?) / TICKS_PER_SECOND;
    let started_after_boot = ticks(22)? / TICKS_PER_SECOND;
    let boot_time = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("btime "))
        .and_then(|v| v.trim().parse::<f64>().ok())?;
    let rss_kib = std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())?;
    let open_fds = std::fs::read_dir("/proc/self/fd").ok()?.count() as f64;
    Some(Stat {
        rss_bytes: rss_kib * 1024.0,
        cpu_seconds,
        open_fds,
        start_time_seconds: boot_time + started_after_boot,
    })
}

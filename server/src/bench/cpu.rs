//! The CPU time of the server processes (with their descendants: the template sandboxes)
//! from Linux's `/proc/<pid>/stat` (`utime` + `stime`), read around a measurement to give the
//! server's CPU per request or per execution. Elsewhere nothing is reported.

use super::rss::parents;

/// Linux reports `/proc` times in USER_HZ ticks, 100 a second on every architecture.
const TICKS_PER_SECOND: f64 = 100.0;

/// One reading of the CPU time used so far by `pids` and their descendants.
#[derive(Debug, Clone, Copy)]
pub(super) struct CpuTime {
    ticks: u64,
}

impl CpuTime {
    /// `None` when there are no pids or `/proc` does not tell.
    pub fn read(pids: &[u32]) -> Option<CpuTime> {
        if pids.is_empty() {
            return None;
        }
        let parents = parents();
        let mut ticks = 0;
        let mut todo = pids.to_vec();
        let mut seen = 0;
        while let Some(at) = todo.pop() {
            if let Some(own) = ticks_of(at) {
                ticks += own;
                seen += 1;
            }
            todo.extend(
                parents
                    .iter()
                    .filter(|(_, parent)| *parent == at)
                    .map(|(child, _)| *child),
            );
        }
        (seen > 0).then_some(CpuTime { ticks })
    }

    /// Seconds of CPU used between `before` and this reading.
    pub fn seconds_since(&self, before: &CpuTime) -> f64 {
        self.ticks.saturating_sub(before.ticks) as f64 / TICKS_PER_SECOND
    }
}

/// `utime + stime` of one process (all its threads).
fn ticks_of(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`: fields after the command; utime and stime are the 14th and
    // 15th of the whole line, so the 12th and 13th after `)`.
    let mut after = stat.rsplit_once(')')?.1.split_whitespace();
    let utime: u64 = after.nth(11)?.parse().ok()?;
    let stime: u64 = after.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Microseconds of server CPU per unit (request, execution), between two readings.
pub(super) fn micros_per(
    before: Option<CpuTime>,
    after: Option<CpuTime>,
    units: u64,
) -> Option<f64> {
    let (before, after) = (before?, after?);
    (units > 0).then(|| after.seconds_since(&before) * 1e6 / units as f64)
}

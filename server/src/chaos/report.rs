//! The chaos run's report: one table row per fault and kind of work (submitted, finished,
//! lost, duplicated, repeated provider calls), the recovery times, and the same as JSON.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::faults::{Fault, Injected};
use super::load::Ledger;
use super::verify::{Count, Counts};

#[derive(Debug, Clone, Serialize)]
pub struct PhaseReport {
    pub fault: Fault,
    pub counts: Counts,
    pub injected: Injected,
    /// Submissions the API refused or did not answer (retried on the other process).
    pub failed_submissions: BTreeMap<String, usize>,
    /// Requests that took longer than the timeout.
    pub hung_requests: usize,
    pub request_timeout_secs: f64,
    pub slowest_request_secs: f64,
    pub phase_secs: f64,
    pub drain_secs: f64,
}

impl PhaseReport {
    pub(super) fn new(
        fault: Fault,
        counts: Counts,
        injected: Injected,
        ledger: &Ledger,
        phase: Duration,
        drain: Duration,
        timeout: Duration,
    ) -> PhaseReport {
        PhaseReport {
            fault,
            counts,
            injected,
            failed_submissions: ledger.failures.clone(),
            hung_requests: ledger.hung,
            request_timeout_secs: timeout.as_secs_f64(),
            slowest_request_secs: ledger.slowest.as_secs_f64(),
            phase_secs: phase.as_secs_f64(),
            drain_secs: drain.as_secs_f64(),
        }
    }

    fn kinds(&self) -> [(&'static str, &Count); 3] {
        [
            ("executions", &self.counts.executions),
            ("workflow nodes", &self.counts.workflow_nodes),
            ("evaluation items", &self.counts.evaluation_items),
        ]
    }

    pub fn lost(&self) -> usize {
        self.kinds().iter().map(|(_, c)| c.lost).sum::<usize>()
            + self
                .injected
                .subscribers
                .as_ref()
                .map_or(0, |s| s.gaps.max(s.incomplete))
    }

    pub fn duplicated(&self) -> usize {
        self.kinds()
            .iter()
            .map(|(_, c)| c.duplicated)
            .sum::<usize>()
            + self
                .injected
                .subscribers
                .as_ref()
                .map_or(0, |s| s.duplicate_events)
    }

    /// Nothing lost, nothing done twice, no request hung, every subscriber whole.
    pub fn clean(&self) -> bool {
        self.lost() == 0
            && self.duplicated() == 0
            && self.hung_requests == 0
            && self
                .injected
                .subscribers
                .as_ref()
                .is_none_or(|s| s.whole == s.subscribers)
    }
}

fn secs(values: &[f64]) -> String {
    if values.is_empty() {
        return "-".into();
    }
    let max = values.iter().copied().fold(0.0, f64::max);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    format!("mean {mean:.1} / max {max:.1}")
}

/// One line per phase, as it ends.
pub(super) fn line(report: &PhaseReport) -> String {
    format!(
        "chaos: {} done in {:.0}s: {} faults, lost {}, duplicated {}, hung {}",
        report.fault.name(),
        report.phase_secs,
        report.injected.faults,
        report.lost(),
        report.duplicated(),
        report.hung_requests
    )
}

pub(super) fn print(reports: &[PhaseReport], json: Option<&Path>) -> anyhow::Result<()> {
    println!();
    println!(
        "{:<14} {:<17} {:>9} {:>9} {:>5} {:>6} {:>8}",
        "fault", "work", "submitted", "finished", "lost", "dupl.", "retried"
    );
    for report in reports {
        for (kind, count) in report.kinds() {
            if count.submitted == 0 {
                continue;
            }
            println!(
                "{:<14} {:<17} {:>9} {:>9} {:>5} {:>6} {:>8}",
                report.fault.name(),
                kind,
                count.submitted,
                count.finished,
                count.lost,
                count.duplicated,
                count.repeated_calls
            );
        }
    }
    for report in reports {
        for (kind, count) in report.kinds() {
            for sample in &count.samples {
                println!("  {} {kind}: {sample}", report.fault.name());
            }
        }
    }
    println!();
    println!(
        "{:<14} {:>6} {:>24} {:>24} {:>9} {:>5} {:>8}  subscribers",
        "fault", "faults", "recovery s", "backlog s", "readyz", "hung", "slowest"
    );
    for report in reports {
        let injected = &report.injected;
        let subscribers = injected.subscribers.as_ref().map_or("-".into(), |s| {
            format!(
                "{}/{} whole, {} moved",
                s.whole, s.subscribers, s.reconnected
            )
        });
        let readyz = injected.readyz.as_deref().unwrap_or("-");
        println!(
            "{:<14} {:>6} {:>24} {:>24} {:>9} {:>5} {:>7.1}s  {}",
            report.fault.name(),
            injected.faults,
            secs(&injected.recovery_secs),
            secs(&injected.backlog_secs),
            readyz,
            report.hung_requests,
            report.slowest_request_secs,
            subscribers
        );
    }
    let body = serde_json::to_string_pretty(&serde_json::json!({ "phases": reports }))?;
    println!("\n{body}");
    if let Some(path) = json {
        std::fs::write(path, &body)?;
    }
    Ok(())
}

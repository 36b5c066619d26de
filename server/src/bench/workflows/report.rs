//! What the rows of a `--workflows` load say: latency histograms of runs and nodes (from
//! their timestamps and `latencyMs`), the span from the first run's creation to the last one's
//! end, and the counts behind "every run FINISHED once, each node executed once".

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use hdrhistogram::Histogram;
use serde_json::Value;

use super::NODES;
use crate::bench::micros;

/// What the rows say.
pub(super) struct Report {
    /// Runs, from creation to end.
    pub run: Histogram<u64>,
    /// Nodes' own `latencyMs` (the step).
    pub node: Histogram<u64>,
    /// Nodes from their claim to their result's commit.
    pub node_span: Histogram<u64>,
    /// Nodes from ready (the previous node's end, or the run's creation) to their claim.
    pub wait: Histogram<u64>,
    /// From the first run's creation to the last one's end.
    pub span: Duration,
    pub finished: usize,
    pub completed_nodes: usize,
    /// Nodes whose `attempt` is not 1.
    pub reexecuted: usize,
}

fn at(value: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.as_str()?)
        .ok()
        .map(|t| t.to_utc())
}

fn record(h: &mut Histogram<u64>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) {
    if let (Some(from), Some(to)) = (from, to)
        && let Ok(took) = (to - from).to_std()
    {
        let _ = h.record(micros(took));
    }
}

impl Report {
    pub fn of(rows: &[Value]) -> anyhow::Result<Report> {
        let mut report = Report {
            run: Histogram::new(3)?,
            node: Histogram::new(3)?,
            node_span: Histogram::new(3)?,
            wait: Histogram::new(3)?,
            span: Duration::ZERO,
            finished: 0,
            completed_nodes: 0,
            reexecuted: 0,
        };
        let (mut first, mut last) = (None::<DateTime<Utc>>, None::<DateTime<Utc>>);
        for row in rows {
            let (created, finished) = (at(&row["createdAt"]), at(&row["finishedAt"]));
            first = match (first, created) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            last = last.max(finished);
            record(&mut report.run, created, finished);
            report.finished += usize::from(row["status"] == "FINISHED");
            let nodes: HashMap<&str, &Value> = row["nodes"]
                .as_array()
                .map(|nodes| {
                    nodes
                        .iter()
                        .filter_map(|n| Some((n["key"].as_str()?, n)))
                        .collect()
                })
                .unwrap_or_default();
            // Ready when the previous node finished (the first: when the run was created).
            let mut ready = created;
            for key in NODES {
                let Some(node) = nodes.get(key) else {
                    continue;
                };
                report.completed_nodes += usize::from(node["status"] == "COMPLETED");
                report.reexecuted += usize::from(node["attempt"].as_i64() != Some(1));
                if let Some(latency) = node["latencyMs"].as_u64() {
                    let _ = report.node.record((latency * 1000).max(1));
                }
                record(&mut report.wait, ready, at(&node["startedAt"]));
                record(
                    &mut report.node_span,
                    at(&node["startedAt"]),
                    at(&node["finishedAt"]),
                );
                ready = at(&node["finishedAt"]);
            }
        }
        if let (Some(first), Some(last)) = (first, last) {
            report.span = (last - first).to_std().unwrap_or_default();
        }
        report.span = report.span.max(Duration::from_millis(1));
        Ok(report)
    }
}

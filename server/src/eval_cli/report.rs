//! The human summary `promptops eval` prints: per target, per evaluator, the failing items and
//! the comparison with the baseline.

use std::fmt::Write;

use super::types::{Comparison, ItemResult, Progress, Run};

/// Failing items listed at most.
const FAILURES_SHOWN: usize = 20;

fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0))
}

fn num(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

fn ms(value: Option<i64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v} ms"))
}

/// One progress line, e.g. `  37/100 scored · 30 passed · 5 failed · 2 errors`.
pub fn progress_line(progress: &Progress) -> String {
    format!(
        "  {}/{} scored · {} passed · {} failed · {} errors",
        progress.completed, progress.total, progress.passed, progress.failed, progress.errored
    )
}

/// The whole summary.
pub fn summary(run: &Run, results: &[ItemResult], comparison: Option<&Comparison>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Evaluation run {} ({}) — {} — dataset {} v{}",
        run.id, run.name, run.status, run.dataset_id, run.dataset_version
    );
    let _ = writeln!(
        out,
        "\n{:<40} {:>8} {:>8} {:>10} {:>10} {:>16} {:>10}",
        "target", "pass", "mean", "p50", "p95", "tokens in/out", "cost $"
    );
    for aggregate in &run.aggregates {
        let name = run
            .targets
            .iter()
            .find(|t| t.index == aggregate.target_index)
            .map_or_else(
                || format!("#{}", aggregate.target_index),
                |t| format!("#{} {}", t.index, t.description),
            );
        let _ = writeln!(
            out,
            "{:<40} {:>8} {:>8} {:>10} {:>10} {:>16} {:>10.4}",
            name,
            pct(aggregate.pass_rate),
            num(aggregate.mean_score),
            ms(aggregate.latency_p50_ms),
            ms(aggregate.latency_p95_ms),
            format!("{}/{}", aggregate.tokens_in, aggregate.tokens_out),
            aggregate.cost_usd
        );
        let _ = writeln!(
            out,
            "    {} items: {} passed, {} failed, {} errors",
            aggregate.total, aggregate.passed, aggregate.failed, aggregate.errored
        );
        for stats in &aggregate.evaluators {
            let _ = writeln!(
                out,
                "    evaluator {:<24} mean {:>6} · pass {:>7} · {} errors",
                stats.name,
                num(stats.mean_score),
                pct(stats.pass_rate),
                stats.errors
            );
        }
    }
    failing_items(&mut out, results);
    if let Some(comparison) = comparison {
        compared(&mut out, comparison);
    }
    out
}

fn failing_items(out: &mut String, results: &[ItemResult]) {
    let failing: Vec<&ItemResult> = results
        .iter()
        .filter(|r| r.is_error() || r.is_failure())
        .collect();
    if failing.is_empty() {
        let _ = writeln!(out, "\nNo failing items.");
        return;
    }
    let _ = writeln!(out, "\nFailing items ({}):", failing.len());
    for result in failing.iter().take(FAILURES_SHOWN) {
        let _ = writeln!(
            out,
            "  item {} (target {}) {}",
            result.item_id,
            result.target_index,
            result.inputs_summary()
        );
        for why in result.why() {
            let _ = writeln!(out, "      {why}");
        }
    }
    if failing.len() > FAILURES_SHOWN {
        let _ = writeln!(out, "  … and {} more", failing.len() - FAILURES_SHOWN);
    }
}

fn compared(out: &mut String, comparison: &Comparison) {
    let s = &comparison.significance;
    let _ = writeln!(
        out,
        "\nAgainst the baseline (run {} target {}): {} regressions, {} improvements, {} unpaired",
        comparison.run_a,
        comparison.target_a,
        comparison.regressions,
        comparison.improvements,
        comparison.unpaired
    );
    let _ = writeln!(
        out,
        "  pass rate delta {} · mean score delta {:.3} [{:.3}, {:.3}] at {:.0}% · McNemar p = {}",
        comparison
            .pass_rate_delta
            .map_or_else(|| "-".into(), |d| format!("{:+.1} pts", d * 100.0)),
        s.mean_score_delta,
        s.interval_low,
        s.interval_high,
        s.confidence * 100.0,
        crate::service::evaluation::compare::p_value(s.mcnemar_p_value)
    );
    let _ = writeln!(out, "  {}", s.summary);
    if comparison.is_regression() {
        let _ = writeln!(out, "  SIGNIFICANT REGRESSION");
    }
}

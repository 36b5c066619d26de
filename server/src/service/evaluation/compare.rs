//! Comparing two evaluation results sets over the same dataset — two runs, or two targets of
//! one matrix run: per item the two outputs, pass/fail change and score deltas per evaluator;
//! the aggregate deltas; and whether the difference is more than noise — an exact McNemar test
//! on the paired pass/fail outcomes and a paired bootstrap interval of the mean-score
//! difference. `a` is the baseline, `b` the candidate: a regression passed in `a` and fails in
//! `b`.

use std::collections::BTreeMap;

use uuid::Uuid;
use workers::evaluation::stats;

use super::results::{self, StoredVerdict, verdicts};
use super::runs::authorized;
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use entities::{dataset_item, evaluation_result, evaluation_run};
use sea_orm::ConnectionTrait;

/// Resamples of the bootstrap, and its seed (fixed: the same two runs give the same interval).
pub const BOOTSTRAP_RESAMPLES: usize = 10_000;
pub const BOOTSTRAP_SEED: u64 = 0x5EED;
/// Draws one comparison's bootstrap may make: fewer resamples for very large runs (at least
/// `MIN_RESAMPLES`), so a comparison stays well under a second of CPU.
pub const MAX_DRAWS: usize = 20_000_000;
pub const MIN_RESAMPLES: usize = 1_000;

fn resamples(pairs: usize) -> usize {
    (MAX_DRAWS / pairs.max(1)).clamp(MIN_RESAMPLES, BOOTSTRAP_RESAMPLES)
}

/// Confidence of the interval; a McNemar p-value under `1 - CONFIDENCE` is significant.
pub const CONFIDENCE: f64 = 0.95;

/// One side of a comparison.
#[derive(Debug, Clone)]
pub struct Side {
    pub run: evaluation_run::Model,
    pub target: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Regression,
    Improvement,
    StillPassing,
    StillFailing,
}

#[derive(Debug, Clone)]
pub struct ScoreDelta {
    pub name: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct ItemComparison {
    pub item: Option<dataset_item::Model>,
    pub a: evaluation_result::Model,
    pub b: evaluation_result::Model,
    pub change: Change,
    pub deltas: Vec<ScoreDelta>,
}

#[derive(Debug, Clone)]
pub struct Significance {
    /// Pairs that passed in `a` and fail in `b`, and the reverse.
    pub regressions: u64,
    pub improvements: u64,
    /// Exact two-sided McNemar p-value (1 when no pair changed).
    pub mcnemar_p: f64,
    /// Mean of `b`'s score minus `a`'s over the pairs, with its bootstrap interval.
    pub mean_delta: f64,
    pub delta_low: f64,
    pub delta_high: f64,
    pub confidence: f64,
    pub significant: bool,
    pub summary: String,
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    pub items: Vec<ItemComparison>,
    /// Items in only one of the two.
    pub unpaired: u64,
    pub aggregate_a: results::TargetAggregate,
    pub aggregate_b: results::TargetAggregate,
    pub significance: Significance,
}

/// Compares target `a_target` of run `a` with target `b_target` of run `b` (the same run for
/// two targets of a matrix); both must be over the same dataset.
pub async fn compare(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    (a, a_target): (Uuid, i32),
    (b, b_target): (Uuid, i32),
) -> AppResult<Comparison> {
    let read = permissions::EVALUATION_READ;
    let run_a = authorized(conn, authz, actor, a, read).await?;
    let run_b = authorized(conn, authz, actor, b, read).await?;
    for run in [&run_a, &run_b] {
        if !workers::evaluation::run::status::run_is_terminal(&run.status) {
            return Err(AppError::validation(format!(
                "run {} has not ended ({}): compare it once it has",
                run.id, run.status
            )));
        }
    }
    if run_a.dataset_id != run_b.dataset_id {
        return Err(AppError::validation(
            "the two runs are over different datasets: compare runs of the same dataset",
        ));
    }
    for (run, target, name) in [(&run_a, a_target, "targetA"), (&run_b, b_target, "targetB")] {
        let targets = super::runs::config_of(run)?.targets.len();
        if target < 0 || usize::try_from(target).unwrap_or(usize::MAX) >= targets {
            return Err(AppError::validation(format!(
                "{name} {target} is not a target of run {} (it has {targets})",
                run.id
            )));
        }
    }
    let rows_a = results::all(conn, run_a.id, Some(a_target)).await?;
    let rows_b = results::all(conn, run_b.id, Some(b_target)).await?;
    let aggregate_a = results::aggregate(&rows_a, usize::try_from(a_target).unwrap_or(0) + 1)
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no aggregate")))?;
    let aggregate_b = results::aggregate(&rows_b, usize::try_from(b_target).unwrap_or(0) + 1)
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no aggregate")))?;
    let mut by_key: BTreeMap<Uuid, evaluation_result::Model> =
        rows_b.into_iter().map(|row| (row.item_key, row)).collect();
    let mut pairs = Vec::new();
    let mut unpaired = 0;
    // Only written results pair up (a cancelled run's open items do not).
    by_key.retain(|_, row| written(row));
    for row in rows_a.into_iter().filter(written) {
        match by_key.remove(&row.item_key) {
            Some(other) => pairs.push((row, other)),
            None => unpaired += 1,
        }
    }
    unpaired += by_key.len() as u64;
    let items = results::items_of(conn, pairs.iter().map(|(_, b)| b.item_id).collect()).await?;
    let items: Vec<ItemComparison> = pairs
        .into_iter()
        .map(|(a, b)| {
            let change = change(&a, &b);
            let deltas = deltas(&verdicts(&a), &verdicts(&b));
            ItemComparison {
                item: items.get(&b.item_id).cloned(),
                a,
                b,
                change,
                deltas,
            }
        })
        .collect();
    // Thousands of pairs × thousands of resamples: off the async threads.
    let (items, significance) = tokio::task::spawn_blocking(move || {
        let found = significance(&items);
        (items, found)
    })
    .await
    .map_err(AppError::internal)?;
    Ok(Comparison {
        a: Side {
            run: run_a,
            target: a_target,
        },
        b: Side {
            run: run_b,
            target: b_target,
        },
        items,
        unpaired,
        aggregate_a,
        aggregate_b,
        significance,
    })
}

fn written(row: &evaluation_result::Model) -> bool {
    use workers::evaluation::run::status::{ERROR, SCORED};
    row.status == SCORED || row.status == ERROR
}

fn passed(row: &evaluation_result::Model) -> bool {
    row.passed == Some(true)
}

fn change(a: &evaluation_result::Model, b: &evaluation_result::Model) -> Change {
    match (passed(a), passed(b)) {
        (true, false) => Change::Regression,
        (false, true) => Change::Improvement,
        (true, true) => Change::StillPassing,
        (false, false) => Change::StillFailing,
    }
}

fn deltas(a: &[StoredVerdict], b: &[StoredVerdict]) -> Vec<ScoreDelta> {
    let mut names: Vec<&str> = a.iter().map(|v| v.name.as_str()).collect();
    for verdict in b {
        if !names.contains(&verdict.name.as_str()) {
            names.push(&verdict.name);
        }
    }
    let score =
        |side: &[StoredVerdict], name: &str| side.iter().find(|v| v.name == name).map(|v| v.score);
    names
        .into_iter()
        .map(|name| ScoreDelta {
            name: name.to_owned(),
            a: score(a, name),
            b: score(b, name),
        })
        .collect()
}

/// McNemar on the discordant pairs and a bootstrap of the mean score difference.
pub fn significance(items: &[ItemComparison]) -> Significance {
    let regressions = items
        .iter()
        .filter(|i| i.change == Change::Regression)
        .count() as u64;
    let improvements = items
        .iter()
        .filter(|i| i.change == Change::Improvement)
        .count() as u64;
    let mcnemar_p = stats::mcnemar_exact(regressions, improvements);
    let diffs: Vec<f64> = items
        .iter()
        .map(|i| i.b.score.unwrap_or(0.0) - i.a.score.unwrap_or(0.0))
        .collect();
    // An errored result scores 0, as it counts in the item's pass/fail.
    let interval =
        stats::paired_bootstrap(&diffs, resamples(diffs.len()), CONFIDENCE, BOOTSTRAP_SEED);
    let significant = mcnemar_p < 1.0 - CONFIDENCE;
    let summary = summary(regressions, improvements, mcnemar_p, significant, &interval);
    Significance {
        regressions,
        improvements,
        mcnemar_p,
        mean_delta: interval.mean,
        delta_low: interval.low,
        delta_high: interval.high,
        confidence: CONFIDENCE,
        significant,
        summary,
    }
}

fn summary(
    regressions: u64,
    improvements: u64,
    p: f64,
    significant: bool,
    interval: &stats::Interval,
) -> String {
    let net = improvements as i64 - regressions as i64;
    let direction = match net {
        0 => "passes as many items as A".to_owned(),
        n if n > 0 => format!("passes {n} more item{} than A", plural(n)),
        n => format!("passes {} fewer item{} than A", -n, plural(-n)),
    };
    let verdict = if significant {
        if net < 0 {
            "a significant regression"
        } else {
            "a significant improvement"
        }
    } else {
        "not significant: the difference may be noise"
    };
    format!(
        "B {direction} ({regressions} regression{}, {improvements} improvement{}); exact McNemar \
         p = {}, {verdict} at the 5% level. Mean score difference (B − A) {:+.3}, {}% \
         bootstrap interval [{:+.3}, {:+.3}].",
        plural(regressions as i64),
        plural(improvements as i64),
        p_value(p),
        interval.mean,
        (CONFIDENCE * 100.0).round(),
        interval.low,
        interval.high
    )
}

/// A p-value as people read it: four decimals, or scientific notation below 0.0001.
pub fn p_value(p: f64) -> String {
    if p > 0.0 && p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

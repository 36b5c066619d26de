//! A run's results (pages, filtered) and its aggregates per target: pass rate, mean score,
//! latency percentiles, tokens and cost, and per evaluator mean score, pass rate and errors —
//! computed from the result rows, so they are always those of the rows.

use std::collections::BTreeMap;

use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::service::pages;
use entities::{dataset_item, evaluation_result};

/// A stored verdict.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StoredVerdict {
    pub name: String,
    pub score: f64,
    pub pass: bool,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default = "yes")]
    pub required: bool,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

/// A result's verdicts (none while it is open).
pub fn verdicts(row: &evaluation_result::Model) -> Vec<StoredVerdict> {
    row.verdicts
        .clone()
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default()
}

/// Which results to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub target: Option<i32>,
    pub passed: Option<bool>,
}

/// A page of results, in item order then target order, with their items.
pub struct Page {
    pub rows: Vec<(evaluation_result::Model, Option<dataset_item::Model>)>,
    pub has_next: bool,
}

fn cursor_of(row: &evaluation_result::Model) -> String {
    format!("{}:{}", row.ordinal, row.target_index)
}

fn parse_cursor(cursor: &str) -> AppResult<(i64, i32)> {
    let bad = || AppError::validation("after is not a cursor of this list");
    let (ordinal, target) = cursor.split_once(':').ok_or_else(bad)?;
    Ok((
        ordinal.parse().map_err(|_| bad())?,
        target.parse().map_err(|_| bad())?,
    ))
}

/// The cursor of a listed result.
pub fn cursor(row: &evaluation_result::Model) -> String {
    cursor_of(row)
}

pub async fn page(
    conn: &impl ConnectionTrait,
    run: Uuid,
    filter: Filter,
    first: u64,
    after: Option<&str>,
) -> AppResult<Page> {
    pages::check_first(first)?;
    let mut query =
        evaluation_result::Entity::find().filter(evaluation_result::Column::RunId.eq(run));
    if let Some(target) = filter.target {
        query = query.filter(evaluation_result::Column::TargetIndex.eq(target));
    }
    if let Some(passed) = filter.passed {
        query = query.filter(evaluation_result::Column::Passed.eq(passed));
    }
    if let Some(after) = after {
        let (ordinal, target) = parse_cursor(after)?;
        query = query.filter(
            Condition::any()
                .add(evaluation_result::Column::Ordinal.gt(ordinal))
                .add(
                    Condition::all()
                        .add(evaluation_result::Column::Ordinal.eq(ordinal))
                        .add(evaluation_result::Column::TargetIndex.gt(target)),
                ),
        );
    }
    let rows = query
        .order_by_asc(evaluation_result::Column::Ordinal)
        .order_by_asc(evaluation_result::Column::TargetIndex)
        .limit(first + 1)
        .all(conn)
        .await?;
    let (rows, has_next) = pages::split(rows, first);
    let items = items_of(conn, rows.iter().map(|r| r.item_id).collect()).await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let item = items.get(&row.item_id).cloned();
            (row, item)
        })
        .collect();
    Ok(Page { rows, has_next })
}

/// Dataset item rows by id, in one query.
pub async fn items_of(
    conn: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> AppResult<BTreeMap<Uuid, dataset_item::Model>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut found = BTreeMap::new();
    for chunk in ids.chunks(workers::jobs::BATCH_ROWS) {
        for row in dataset_item::Entity::find()
            .filter(dataset_item::Column::Id.is_in(chunk.to_vec()))
            .all(conn)
            .await?
        {
            found.insert(row.id, row);
        }
    }
    Ok(found)
}

/// Every result of a run (of one target, if given), in item order.
pub async fn all(
    conn: &impl ConnectionTrait,
    run: Uuid,
    target: Option<i32>,
) -> AppResult<Vec<evaluation_result::Model>> {
    let mut query =
        evaluation_result::Entity::find().filter(evaluation_result::Column::RunId.eq(run));
    if let Some(target) = target {
        query = query.filter(evaluation_result::Column::TargetIndex.eq(target));
    }
    Ok(query
        .order_by_asc(evaluation_result::Column::Ordinal)
        .order_by_asc(evaluation_result::Column::TargetIndex)
        .all(conn)
        .await?)
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvaluatorAggregate {
    pub name: String,
    /// Verdicts counted (scored results).
    pub count: u64,
    pub mean_score: Option<f64>,
    pub pass_rate: Option<f64>,
    /// Verdicts that were errors (an unparseable judge answer, a failed embedding call).
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetAggregate {
    pub target_index: i32,
    pub total: u64,
    /// Results written (scored or errored).
    pub completed: u64,
    pub passed: u64,
    pub failed: u64,
    pub errored: u64,
    /// Passed over completed (an errored result counts as not passed).
    pub pass_rate: Option<f64>,
    /// Mean item score over scored results.
    pub mean_score: Option<f64>,
    pub latency_p50_ms: Option<i64>,
    pub latency_p95_ms: Option<i64>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub evaluators: Vec<EvaluatorAggregate>,
}

/// The aggregates of `targets` targets over `rows` (every result of the run).
pub fn aggregate(rows: &[evaluation_result::Model], targets: usize) -> Vec<TargetAggregate> {
    (0..targets)
        .map(|index| {
            let index = i32::try_from(index).unwrap_or(i32::MAX);
            let rows: Vec<&evaluation_result::Model> =
                rows.iter().filter(|r| r.target_index == index).collect();
            of_target(index, &rows)
        })
        .collect()
}

fn of_target(index: i32, rows: &[&evaluation_result::Model]) -> TargetAggregate {
    use workers::evaluation::run::status::{ERROR, SCORED};
    let scored: Vec<&&evaluation_result::Model> =
        rows.iter().filter(|r| r.status == SCORED).collect();
    let errored = rows.iter().filter(|r| r.status == ERROR).count() as u64;
    let passed = scored.iter().filter(|r| r.passed == Some(true)).count() as u64;
    let completed = scored.len() as u64 + errored;
    let scores: Vec<f64> = scored.iter().filter_map(|r| r.score).collect();
    let mut latencies: Vec<i64> = rows
        .iter()
        .filter(|r| r.status == SCORED || r.status == ERROR)
        .filter_map(|r| r.latency_ms)
        .collect();
    latencies.sort_unstable();
    let mut by_name: BTreeMap<String, (u64, f64, u64, u64, usize)> = BTreeMap::new();
    for row in &scored {
        for (order, verdict) in verdicts(row).into_iter().enumerate() {
            let entry = by_name
                .entry(verdict.name.clone())
                .or_insert((0, 0.0, 0, 0, order));
            if verdict.error.is_some() {
                entry.3 += 1;
            }
            entry.0 += 1;
            entry.1 += verdict.score;
            entry.2 += u64::from(verdict.pass);
        }
    }
    let mut evaluators: Vec<(usize, EvaluatorAggregate)> = by_name
        .into_iter()
        .map(|(name, (count, sum, passes, errors, order))| {
            (
                order,
                EvaluatorAggregate {
                    name,
                    count,
                    mean_score: ratio_f(sum, count),
                    pass_rate: ratio(passes, count),
                    errors,
                },
            )
        })
        .collect();
    evaluators.sort_by_key(|(order, _)| *order);
    TargetAggregate {
        target_index: index,
        total: rows.len() as u64,
        completed,
        passed,
        failed: scored.len() as u64 - passed,
        errored,
        pass_rate: ratio(passed, completed),
        mean_score: ratio_f(scores.iter().sum(), scores.len() as u64),
        latency_p50_ms: percentile(&latencies, 50.0),
        latency_p95_ms: percentile(&latencies, 95.0),
        tokens_in: rows.iter().map(|r| r.tokens_in).sum(),
        tokens_out: rows.iter().map(|r| r.tokens_out).sum(),
        cost_usd: rows.iter().map(|r| r.cost_usd).sum(),
        evaluators: evaluators.into_iter().map(|(_, a)| a).collect(),
    }
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn ratio_f(sum: f64, count: u64) -> Option<f64> {
    (count > 0).then(|| sum / count as f64)
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p`% of the
/// values at or below it.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<i64> = (1..=20).collect();
        assert_eq!(percentile(&values, 50.0), Some(10));
        assert_eq!(percentile(&values, 95.0), Some(19));
        assert_eq!(percentile(&[7], 95.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }
}

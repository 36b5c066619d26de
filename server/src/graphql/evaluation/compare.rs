//! The comparison of two evaluation result sets (`compareEvaluationRuns`).

use async_graphql::{ComplexObject, Enum, ID, Json, SimpleObject};
use serde_json::Value;

use super::results::{DiffLine, diff_lines, expected_text};
use super::types::EvaluationAggregate;
use crate::service::evaluation::compare::{self as service, Change};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ComparisonChange {
    /// Passed in A, fails in B.
    Regression,
    /// Failed in A, passes in B.
    Improvement,
    StillPassing,
    StillFailing,
}

/// One evaluator's score on an item in A and in B.
#[derive(SimpleObject)]
pub struct ScoreDelta {
    pub name: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
    /// B − A, when both scored.
    pub delta: Option<f64>,
}

/// One item in both.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ItemComparison {
    pub item_id: ID,
    pub inputs: Json<Value>,
    pub expected: Option<Json<Value>>,
    pub output_a: Option<String>,
    pub output_b: Option<String>,
    pub passed_a: Option<bool>,
    pub passed_b: Option<bool>,
    pub score_a: Option<f64>,
    pub score_b: Option<f64>,
    pub change: ComparisonChange,
    pub deltas: Vec<ScoreDelta>,
}

#[ComplexObject]
impl ItemComparison {
    /// Output A → output B, line by line.
    async fn output_diff(&self) -> Vec<DiffLine> {
        diff_lines(
            self.output_a.as_deref().unwrap_or_default(),
            self.output_b.as_deref().unwrap_or_default(),
        )
    }

    /// Expected → output B, line by line (null without an expected output).
    async fn expected_diff_b(&self) -> Option<Vec<DiffLine>> {
        let expected = expected_text(self.expected.as_ref().map(|j| &j.0))?;
        Some(diff_lines(
            &expected,
            self.output_b.as_deref().unwrap_or_default(),
        ))
    }
}

/// Whether B differs from A by more than noise.
#[derive(SimpleObject)]
pub struct ComparisonSignificance {
    pub regressions: i32,
    pub improvements: i32,
    /// Exact two-sided McNemar p-value over the pairs whose outcome changed.
    pub mcnemar_p_value: f64,
    /// Mean of B's item score minus A's, with its paired bootstrap interval.
    pub mean_score_delta: f64,
    pub interval_low: f64,
    pub interval_high: f64,
    pub confidence: f64,
    /// The McNemar p-value is under 1 − confidence.
    pub significant: bool,
    /// The verdict in words.
    pub summary: String,
}

/// B (the candidate) against A (the baseline).
#[derive(SimpleObject)]
pub struct EvaluationComparison {
    pub run_a: ID,
    pub target_a: i32,
    pub run_b: ID,
    pub target_b: i32,
    pub aggregate_a: EvaluationAggregate,
    pub aggregate_b: EvaluationAggregate,
    /// B's pass rate minus A's.
    pub pass_rate_delta: Option<f64>,
    pub mean_score_delta: Option<f64>,
    pub regressions: i32,
    pub improvements: i32,
    /// Items in only one of the two (the runs read different dataset versions).
    pub unpaired: i32,
    pub significance: ComparisonSignificance,
    pub items: Vec<ItemComparison>,
}

fn change(c: Change) -> ComparisonChange {
    match c {
        Change::Regression => ComparisonChange::Regression,
        Change::Improvement => ComparisonChange::Improvement,
        Change::StillPassing => ComparisonChange::StillPassing,
        Change::StillFailing => ComparisonChange::StillFailing,
    }
}

fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn minus(b: Option<f64>, a: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

impl From<service::Comparison> for EvaluationComparison {
    fn from(c: service::Comparison) -> Self {
        let s = c.significance;
        let items = c
            .items
            .into_iter()
            .map(|i| {
                let (inputs, expected) = match i.item {
                    Some(item) => (item.inputs, item.expected),
                    None => (Value::Null, None),
                };
                ItemComparison {
                    item_id: ID(i.b.item_key.to_string()),
                    inputs: Json(inputs),
                    expected: expected.filter(|v| !v.is_null()).map(Json),
                    output_a: i.a.output,
                    output_b: i.b.output,
                    passed_a: i.a.passed,
                    passed_b: i.b.passed,
                    score_a: i.a.score,
                    score_b: i.b.score,
                    change: change(i.change),
                    deltas: i
                        .deltas
                        .into_iter()
                        .map(|d| ScoreDelta {
                            delta: minus(d.b, d.a),
                            name: d.name,
                            a: d.a,
                            b: d.b,
                        })
                        .collect(),
                }
            })
            .collect();
        Self {
            run_a: ID(c.a.run.id.to_string()),
            target_a: c.a.target,
            run_b: ID(c.b.run.id.to_string()),
            target_b: c.b.target,
            pass_rate_delta: minus(c.aggregate_b.pass_rate, c.aggregate_a.pass_rate),
            mean_score_delta: minus(c.aggregate_b.mean_score, c.aggregate_a.mean_score),
            aggregate_a: c.aggregate_a.into(),
            aggregate_b: c.aggregate_b.into(),
            regressions: int(s.regressions),
            improvements: int(s.improvements),
            unpaired: int(c.unpaired),
            significance: ComparisonSignificance {
                regressions: int(s.regressions),
                improvements: int(s.improvements),
                mcnemar_p_value: s.mcnemar_p,
                mean_score_delta: s.mean_delta,
                interval_low: s.delta_low,
                interval_high: s.delta_high,
                confidence: s.confidence,
                significant: s.significant,
                summary: s.summary,
            },
            items,
        }
    }
}

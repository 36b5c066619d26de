//! The results of a run: one per dataset item × target, with its verdicts and the output
//! against the expected output.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{ComplexObject, Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::service::evaluation::results::{self, StoredVerdict};
use entities::{dataset_item, evaluation_result};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EvaluationResultStatus {
    Pending,
    Running,
    /// Its workflow run is under way.
    Awaiting,
    /// The target answered and every evaluator gave a verdict.
    Scored,
    /// The target failed (`error`); the item counts as not passed.
    Error,
    Cancelled,
}

impl EvaluationResultStatus {
    pub fn parse(stored: &str) -> Self {
        match stored {
            "RUNNING" => Self::Running,
            "AWAITING" => Self::Awaiting,
            "SCORED" => Self::Scored,
            "ERROR" => Self::Error,
            "CANCELLED" => Self::Cancelled,
            _ => Self::Pending,
        }
    }
}

/// One evaluator's verdict on one result.
#[derive(SimpleObject, Clone)]
pub struct Verdict {
    pub name: String,
    /// In [0, 1].
    pub score: f64,
    pub pass: bool,
    pub reason: String,
    /// Set when the evaluator could not judge (the verdict then fails).
    pub error: Option<String>,
    pub weight: f64,
    pub required: bool,
}

impl From<StoredVerdict> for Verdict {
    fn from(v: StoredVerdict) -> Self {
        Self {
            name: v.name,
            score: v.score,
            pass: v.pass,
            reason: v.reason,
            error: v.error,
            weight: v.weight,
            required: v.required,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DiffLineKind {
    Same,
    Added,
    Removed,
}

/// A line of a diff.
#[derive(SimpleObject, Clone)]
pub struct DiffLine {
    pub kind: DiffLineKind,
    pub text: String,
}

/// A line diff from `from` to `to` (bounded in time, like prompt diffs).
pub fn diff_lines(from: &str, to: &str) -> Vec<DiffLine> {
    use workers::evaluation::DiffKind;
    workers::evaluation::line_diff(from, to)
        .into_iter()
        .map(|line| DiffLine {
            kind: match line.kind {
                DiffKind::Same => DiffLineKind::Same,
                DiffKind::Added => DiffLineKind::Added,
                DiffKind::Removed => DiffLineKind::Removed,
            },
            text: line.text,
        })
        .collect()
}

/// The expected output as text: a JSON string as is, other JSON as compact JSON.
pub fn expected_text(expected: Option<&Value>) -> Option<String> {
    match expected? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// One dataset item × one target of a run.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct EvaluationResult {
    pub id: ID,
    /// The dataset item (stable across dataset versions).
    pub item_id: ID,
    pub target_index: i32,
    pub status: EvaluationResultStatus,
    /// The item's inputs, expected output and metadata at the run's dataset version.
    pub inputs: Json<Value>,
    pub expected: Option<Json<Value>>,
    pub metadata: Json<Value>,
    pub output: Option<String>,
    /// The weighted mean of the verdicts' scores.
    pub score: Option<f64>,
    pub passed: Option<bool>,
    pub verdicts: Vec<Verdict>,
    pub latency_ms: Option<i64>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub error: Option<String>,
    /// A workflow target's run for this item.
    pub workflow_run_id: Option<ID>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl EvaluationResult {
    pub fn new(row: evaluation_result::Model, item: Option<dataset_item::Model>) -> Self {
        let verdicts = results::verdicts(&row)
            .into_iter()
            .map(Verdict::from)
            .collect();
        let (inputs, expected, metadata) = match item {
            Some(item) => (item.inputs, item.expected, item.metadata),
            None => (Value::Null, None, Value::Null),
        };
        Self {
            id: ID(row.id.to_string()),
            item_id: ID(row.item_key.to_string()),
            target_index: row.target_index,
            status: EvaluationResultStatus::parse(&row.status),
            inputs: Json(inputs),
            expected: expected.filter(|v| !v.is_null()).map(Json),
            metadata: Json(metadata),
            output: row.output,
            score: row.score,
            passed: row.passed,
            verdicts,
            latency_ms: row.latency_ms,
            tokens_in: row.tokens_in,
            tokens_out: row.tokens_out,
            cost_usd: row.cost_usd,
            error: row.error,
            workflow_run_id: row.workflow_run_id.map(|id| ID(id.to_string())),
            started_at: row.started_at,
            finished_at: row.finished_at,
        }
    }
}

#[ComplexObject]
impl EvaluationResult {
    /// The output against the expected output, line by line (removed: only expected; added:
    /// only in the output). Null without both.
    async fn expected_diff(&self) -> Option<Vec<DiffLine>> {
        let expected = expected_text(self.expected.as_ref().map(|j| &j.0))?;
        let output = self.output.as_deref()?;
        Some(diff_lines(&expected, output))
    }
}

pub type EvaluationResultConnection =
    Connection<String, EvaluationResult, EmptyFields, EmptyFields>;

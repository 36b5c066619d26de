//! What `promptops eval` reads back from the server: the run, its aggregates, its results and
//! a comparison, as the GraphQL API names them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub total: i64,
    pub completed: i64,
    pub passed: i64,
    pub failed: i64,
    pub errored: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunStatus {
    pub id: String,
    pub status: String,
    pub error: Option<String>,
    pub progress: Progress,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub index: i64,
    pub kind: String,
    pub description: String,
    pub label: Option<String>,
    pub version: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluatorStats {
    pub name: String,
    pub count: i64,
    pub mean_score: Option<f64>,
    pub pass_rate: Option<f64>,
    pub errors: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Aggregate {
    pub target_index: i64,
    pub total: i64,
    pub completed: i64,
    pub passed: i64,
    pub failed: i64,
    pub errored: i64,
    pub pass_rate: Option<f64>,
    pub mean_score: Option<f64>,
    pub latency_p50_ms: Option<i64>,
    pub latency_p95_ms: Option<i64>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub evaluators: Vec<EvaluatorStats>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub id: String,
    pub name: String,
    pub dataset_id: String,
    pub dataset_version: i64,
    pub status: String,
    pub error: Option<String>,
    pub targets: Vec<Target>,
    pub progress: Progress,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub aggregates: Vec<Aggregate>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub name: String,
    pub score: f64,
    pub pass: bool,
    pub reason: String,
    pub error: Option<String>,
    pub required: bool,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemResult {
    pub id: String,
    pub item_id: String,
    pub target_index: i64,
    pub status: String,
    pub inputs: Value,
    pub expected: Option<Value>,
    pub output: Option<String>,
    pub score: Option<f64>,
    pub passed: Option<bool>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub verdicts: Vec<Verdict>,
}

impl ItemResult {
    /// Errored (the target failed) rather than scored.
    pub fn is_error(&self) -> bool {
        self.status == "ERROR" || self.error.is_some()
    }

    pub fn is_failure(&self) -> bool {
        !self.is_error() && self.passed != Some(true)
    }

    /// Why it did not pass: the target's error, or each failing verdict's reason.
    pub fn why(&self) -> Vec<String> {
        if let Some(error) = &self.error {
            return vec![format!("error: {error}")];
        }
        self.verdicts
            .iter()
            .filter(|v| !v.pass)
            .map(|v| match &v.error {
                Some(error) => format!("{}: error: {error}", v.name),
                None => format!("{}: {}", v.name, v.reason),
            })
            .collect()
    }

    /// The inputs in one short line, for a name when the item id says nothing.
    pub fn inputs_summary(&self) -> String {
        let text = self.inputs.to_string();
        let mut short: String = text.chars().take(60).collect();
        if short.len() < text.len() {
            short.push('…');
        }
        short
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Significance {
    pub regressions: i64,
    pub improvements: i64,
    pub mcnemar_p_value: f64,
    pub mean_score_delta: f64,
    pub interval_low: f64,
    pub interval_high: f64,
    pub confidence: f64,
    pub significant: bool,
    pub summary: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub run_a: String,
    pub target_a: i64,
    pub run_b: String,
    pub target_b: i64,
    pub pass_rate_delta: Option<f64>,
    pub mean_score_delta: Option<f64>,
    pub regressions: i64,
    pub improvements: i64,
    pub unpaired: i64,
    pub significance: Significance,
}

impl Comparison {
    /// Significant, and more items got worse than better.
    pub fn is_regression(&self) -> bool {
        self.significance.significant && self.regressions > self.improvements
    }
}

/// Everything `--json` writes.
#[derive(Debug, Serialize)]
pub struct Report {
    pub run: Run,
    pub results: Vec<ItemResult>,
    pub comparison: Option<Comparison>,
}

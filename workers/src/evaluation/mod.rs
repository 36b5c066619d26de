//! Evaluations. TEMPORARY STUB of the evaluators' API (replaced by the evaluators library).

pub mod run;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::completion::Completion;
use crate::sandbox::Renderer;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluatorSpec {
    pub name: String,
}

pub struct Case<'a> {
    pub input: &'a Map<String, Value>,
    pub output: &'a str,
    pub expected: Option<&'a Value>,
    pub latency_ms: Option<i64>,
    pub cost_usd: Option<f64>,
}

pub struct Io<'a> {
    pub completion: &'a Completion,
    pub renderer: &'a Renderer,
    pub org: Uuid,
    pub use_cache: bool,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub name: String,
    pub score: f64,
    pub pass: bool,
    pub reason: String,
    pub error: Option<String>,
    pub weight: f64,
    pub required: bool,
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
    pub cost_usd: Option<f64>,
}

pub struct ItemScore {
    pub score: f64,
    pub pass: bool,
}

pub async fn evaluate(spec: &EvaluatorSpec, case: &Case<'_>, _io: &Io<'_>) -> Verdict {
    let pass = case.expected.and_then(Value::as_str) == Some(case.output);
    Verdict {
        name: spec.name.clone(),
        score: if pass { 1.0 } else { 0.0 },
        pass,
        reason: String::new(),
        error: None,
        weight: 1.0,
        required: true,
        tokens_in: None,
        tokens_out: None,
        cost_usd: None,
    }
}

pub fn item_result(verdicts: &[Verdict], _threshold: Option<f64>) -> ItemScore {
    let pass = verdicts.iter().all(|v| v.pass);
    ItemScore {
        score: if pass { 1.0 } else { 0.0 },
        pass,
    }
}

pub fn validate(_specs: &[EvaluatorSpec]) -> Vec<String> {
    Vec::new()
}

pub mod stats {
    pub struct Interval {
        pub mean: f64,
        pub low: f64,
        pub high: f64,
    }
    pub fn mcnemar_exact(_b: u64, _c: u64) -> f64 {
        1.0
    }
    pub fn paired_bootstrap(_d: &[f64], _r: usize, _c: f64, _s: u64) -> Interval {
        Interval {
            mean: 0.0,
            low: 0.0,
            high: 0.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}
pub fn line_diff(_a: &str, _b: &str) -> Vec<DiffLine> {
    Vec::new()
}

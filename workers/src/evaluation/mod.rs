//! Scoring one dataset item's output: evaluator specs (`spec`), the checks that need only the
//! case (`checks`), LLM-as-judge (`judge`) and embedding similarity (`embedding`), verdicts and
//! how they add up (`verdict`), validating a run's evaluators (`validate`), statistics for
//! comparing runs (`stats`) and the output-vs-expected line diff (`diff`); the evaluation job
//! itself is `run`.
//!
//! Pure of the database and the API: the evaluation job calls [`evaluate`] per item and
//! evaluator and stores what it returns. An evaluator never fails an item: what goes wrong is
//! an error verdict (score 0, not a pass).

mod checks;
pub mod diff;
mod embedding;
mod judge;
pub mod run;
pub mod spec;
pub mod stats;
pub mod validate;
pub mod verdict;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::completion::Completion;
use crate::sandbox::Renderer;

pub use diff::{DiffKind, DiffLine, line_diff};
pub use spec::{Check, EvaluatorSpec, Normalize, SimilarityAlgorithm};
pub use stats::{Interval, mcnemar_exact, paired_bootstrap, percentile};
pub use validate::validate;
pub use verdict::{ItemScore, Verdict, item_result};

/// What is evaluated: one dataset item and the target's answer to it.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    /// The dataset item's inputs.
    pub input: &'a Map<String, Value>,
    /// The target's output text.
    pub output: &'a str,
    /// The item's expected output: text (`Value::String`) or JSON.
    pub expected: Option<&'a Value>,
    /// How long the target took, and what it cost (for the budgets).
    pub latency_ms: Option<i64>,
    pub cost_usd: Option<f64>,
}

/// What the model-backed checks use: the completion step (judge, embeddings), the sandboxed
/// renderer (rubrics), on behalf of `org`.
pub struct Io<'a> {
    pub completion: &'a Completion,
    pub renderer: &'a Renderer,
    pub org: Uuid,
    /// Lets the judge's completion use the response cache.
    pub use_cache: bool,
}

/// Runs one evaluator on one case. Never fails: a check that cannot be made gives a verdict
/// with `error` set, score 0 and no pass.
pub async fn evaluate(spec: &EvaluatorSpec, case: &Case<'_>, io: &Io<'_>) -> Verdict {
    let result = match checks::local(&spec.check, case) {
        Some(result) => result,
        None => match &spec.check {
            Check::LlmJudge {
                rubric,
                model,
                threshold,
            } => judge::judge(rubric, model, *threshold, case, io).await,
            Check::Embedding {
                provider,
                model,
                threshold,
                value,
            } => {
                embedding::similarity(provider, model, *threshold, value.as_deref(), case, io).await
            }
            other => Err(format!("{} is not a model-backed check", other.kind()).into()),
        },
    };
    Verdict::of(spec, result)
}

#[cfg(test)]
mod tests;

//! What an evaluator is: the spec a run stores as camelCase JSON (a contract with the API and
//! the database, so every field has a stable name and a documented default).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::llm::ModelConfig;

/// One evaluator of a run: a named, weighted check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluatorSpec {
    /// Unique within a run; shown in results.
    pub name: String,
    /// Its share of the item's weighted score; must be > 0. Default 1.
    #[serde(default = "one")]
    pub weight: f64,
    /// Inverts a real verdict: pass ⇔ not pass, score ⇔ 1 − score. An error stays a fail.
    #[serde(default)]
    pub negate: bool,
    /// Whether it counts for "every required evaluator passes" (see `item_result`). Default true.
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(flatten)]
    pub check: Check,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

/// A field that is there, `null` included, is `Some`; only an absent one is `None`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

fn half() -> f64 {
    0.5
}

/// What is checked, tagged by `type` (`{"type": "EXACT_MATCH", ...}`). "The expected output"
/// is the dataset item's: a string as is, other JSON as compact JSON text (or as JSON where the
/// check compares JSON). A check that needs it and has neither its own value nor an expected
/// output gives an error verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all_fields = "camelCase")]
pub enum Check {
    /// The output equals `value` (default: the expected output) after `normalize`. When the
    /// expected output is JSON other than a string (and no `value` is given), the output is
    /// parsed and compared as JSON instead.
    ExactMatch {
        #[serde(default)]
        normalize: Normalize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    Contains {
        value: String,
        #[serde(default)]
        ignore_case: bool,
    },
    /// Every one of `values` (at least one) occurs.
    ContainsAll {
        values: Vec<String>,
        #[serde(default)]
        ignore_case: bool,
    },
    /// At least one of `values` (at least one) occurs.
    ContainsAny {
        values: Vec<String>,
        #[serde(default)]
        ignore_case: bool,
    },
    NotContains {
        value: String,
        #[serde(default)]
        ignore_case: bool,
    },
    /// The output, leading whitespace ignored, starts with `value`.
    StartsWith {
        value: String,
        #[serde(default)]
        ignore_case: bool,
    },
    /// The pattern (Rust `regex` syntax) matches somewhere in the output; anchor it with
    /// `^…$` to match the whole output.
    Regex { pattern: String },
    /// The output (trimmed, or inside one ```json fence) parses as JSON.
    JsonValid,
    /// The output is JSON valid against `schema` (local `$ref`s only; nothing is fetched).
    JsonSchema { schema: Value },
    /// The value at `path`, a JSON pointer (`/items/0/name`, `""` for the whole document),
    /// in the output's JSON equals `equals` (default: the expected output as JSON; an explicit
    /// `null` means the value must be `null`).
    JsonPath {
        path: String,
        #[serde(
            default,
            deserialize_with = "present",
            skip_serializing_if = "Option::is_none"
        )]
        equals: Option<Value>,
    },
    /// Similarity of the output and `value` (default: the expected output) in [0, 1], as
    /// the score; passes at `threshold` or above.
    Similarity {
        algorithm: SimilarityAlgorithm,
        threshold: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// The output (trimmed) is a number within `tolerance` (absolute) of `value` (default:
    /// the expected output, a JSON number or a numeric string).
    Numeric {
        #[serde(default)]
        tolerance: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<f64>,
    },
    /// Cosine similarity of the embeddings of the output and `value` (default: the expected
    /// output), clamped to [0, 1], as the score; passes at `threshold` or above.
    Embedding {
        provider: String,
        model: String,
        threshold: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// A model grades the output: `rubric` is a template (variables `input`, `output`,
    /// `expected`) rendered as one user message; the answer is `{score, pass?, reason?}`.
    /// Without `pass`, the verdict passes when score ≥ `threshold` (default 0.5).
    LlmJudge {
        rubric: String,
        model: ModelConfig,
        #[serde(default = "half")]
        threshold: f64,
    },
    /// The target answered within `maxMs` milliseconds.
    LatencyBudget { max_ms: i64 },
    /// The target's call cost at most `maxUsd` US dollars.
    CostBudget { max_usd: f64 },
}

/// How `EXACT_MATCH` normalizes both sides. Defaults: `trim` on (a trailing newline is not a
/// different answer), `ignoreCase` and `collapseWhitespace` off (exact means exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Normalize {
    pub trim: bool,
    pub ignore_case: bool,
    /// Runs of whitespace become one space (and the ends are trimmed).
    pub collapse_whitespace: bool,
}

impl Default for Normalize {
    fn default() -> Self {
        Self {
            trim: true,
            ignore_case: false,
            collapse_whitespace: false,
        }
    }
}

impl Normalize {
    pub fn apply(&self, text: &str) -> String {
        let text = if self.collapse_whitespace {
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        } else if self.trim {
            text.trim().to_string()
        } else {
            text.to_string()
        };
        if self.ignore_case {
            text.to_lowercase()
        } else {
            text
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SimilarityAlgorithm {
    /// 1 − edit distance / the longer length (characters).
    Levenshtein,
    JaroWinkler,
}

impl Check {
    /// The `type` tag, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ExactMatch { .. } => "EXACT_MATCH",
            Self::Contains { .. } => "CONTAINS",
            Self::ContainsAll { .. } => "CONTAINS_ALL",
            Self::ContainsAny { .. } => "CONTAINS_ANY",
            Self::NotContains { .. } => "NOT_CONTAINS",
            Self::StartsWith { .. } => "STARTS_WITH",
            Self::Regex { .. } => "REGEX",
            Self::JsonValid => "JSON_VALID",
            Self::JsonSchema { .. } => "JSON_SCHEMA",
            Self::JsonPath { .. } => "JSON_PATH",
            Self::Similarity { .. } => "SIMILARITY",
            Self::Numeric { .. } => "NUMERIC",
            Self::Embedding { .. } => "EMBEDDING",
            Self::LlmJudge { .. } => "LLM_JUDGE",
            Self::LatencyBudget { .. } => "LATENCY_BUDGET",
            Self::CostBudget { .. } => "COST_BUDGET",
        }
    }
}

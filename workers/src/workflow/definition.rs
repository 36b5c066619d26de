//! A workflow version's definition: its run inputs, nodes, edges and output template. It is
//! stored as JSON on the version (the same JSON a definition is exported and imported as), so
//! the types here are the format: camelCase fields, node kinds tagged by `kind`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::llm::ModelConfig;
use crate::templating::ChatMessage;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Definition {
    /// What a run is started with.
    #[serde(default)]
    pub inputs: Vec<InputSpec>,
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// A template over `inputs.*` and `nodes.<key>.*`: the run's output.
    pub output: String,
    /// Longest time a run may take, approvals included; past it the run FAILS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InputSpec {
    /// `[a-z][a-z0-9_]*`: templates read it as `inputs.<name>`.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: InputType,
    #[serde(default = "yes")]
    pub required: bool,
    /// Used when an optional input is not given.
    #[serde(default)]
    pub default: Option<serde_json::Value>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InputType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    /// Any JSON value.
    Json,
}

impl InputType {
    /// Whether `value` is of this type.
    pub fn accepts(self, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        match self {
            InputType::String => value.is_string(),
            InputType::Number => value.is_number(),
            InputType::Integer => value.is_i64() || value.is_u64(),
            InputType::Boolean => value.is_boolean(),
            InputType::Array => value.is_array(),
            InputType::Object => value.is_object(),
            InputType::Json => !matches!(value, Value::Null),
        }
    }
}

/// A node. (Not `deny_unknown_fields`: serde cannot combine it with the flattened step;
/// the step's own fields are checked by its kind.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// `[a-z][a-z0-9_]*`, unique in the definition: templates read it as `nodes.<key>`.
    pub key: String,
    #[serde(flatten)]
    pub step: Step,
    /// Attempts on provider errors and timeouts (1 = no retry).
    #[serde(default)]
    pub retry: RetryPolicy,
    #[serde(default)]
    pub on_failure: OnFailure,
    /// Longest time one attempt may take; for an approval, how long it waits for an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u32>,
}

/// What a node does. Templates are minijinja and see `inputs.*` and `nodes.<key>.output`,
/// `.json` (parsed, when the output is JSON) and `.status` of the node's ancestors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Step {
    Prompt(PromptStep),
    Llm(LlmStep),
    Template(TemplateStep),
    Condition(ConditionStep),
    Map(MapStep),
    Approval(ApprovalStep),
}

impl Step {
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Prompt(_) => "prompt",
            Step::Llm(_) => "llm",
            Step::Template(_) => "template",
            Step::Condition(_) => "condition",
            Step::Map(_) => "map",
            Step::Approval(_) => "approval",
        }
    }
}

/// A stored prompt, by version number or label (`latest` when neither); the label is resolved
/// to a version when the run starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PromptStep {
    pub prompt_id: Uuid,
    #[serde(default)]
    pub version: Option<i32>,
    #[serde(default)]
    pub label: Option<String>,
    /// The prompt's variables, each a template.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

/// Inline messages (templates) and a model configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LlmStep {
    pub messages: Vec<ChatMessage>,
    pub model: ModelConfig,
}

/// Text rendered from upstream outputs, no model call; `json: true` parses it as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateStep {
    pub template: String,
    #[serde(default)]
    pub json: bool,
}

/// An expression whose value picks the outgoing edges taken: those whose `branch` equals it
/// (`true`/`false` for a boolean). Nodes reachable only through untaken edges are SKIPPED.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionStep {
    pub expression: String,
}

/// One inner step run over every element of an array, `item` (and `index`) in its templates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MapStep {
    /// An expression giving the array: `nodes.split.json.items`, `inputs.documents`.
    pub source: String,
    /// At most this many items at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    /// A prompt, llm or template step.
    pub step: Box<Step>,
    /// What a failed item does to the map.
    #[serde(default)]
    pub on_item_failure: ItemFailure,
}

fn default_concurrency() -> u32 {
    4
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ItemFailure {
    /// The map fails.
    #[default]
    Fail,
    /// The item's output is `null`; the map completes.
    Skip,
}

/// Waits for `resumeWorkflowRun` by someone allowed to execute workflows, or until the node's
/// `timeoutSecs` (7 days when not given), when it FAILS and its `onFailure` decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApprovalStep {
    /// Shown to the approver.
    #[serde(default)]
    pub instructions: String,
}

impl ApprovalStep {
    /// Seven days.
    pub const DEFAULT_TIMEOUT_SECS: u64 = 7 * 24 * 3600;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    /// The first wait; doubled every attempt, with jitter.
    pub backoff_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 1,
            backoff_ms: 500,
        }
    }
}

/// What a node that failed its last attempt does to the run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "camelCase", deny_unknown_fields)]
pub enum OnFailure {
    /// The run fails; running siblings are cancelled.
    #[default]
    Abort,
    /// The node is FAILED; its dependants run and see its status.
    Continue,
    /// The node COMPLETES with this output, marked as defaulted.
    Default { output: String },
    /// Only the edges marked `onFailure` leave it.
    Branch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// From a condition: the value of its expression that takes this edge.
    #[serde(default)]
    pub branch: Option<String>,
    /// Taken only when `from` failed (its `onFailure` is `branch`).
    #[serde(default)]
    pub on_failure: bool,
}

impl Definition {
    /// Reads an exported definition.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The stored prompts the nodes use (map inner steps included), each once.
    pub fn prompt_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self
            .nodes
            .iter()
            .filter_map(|node| match &node.step {
                Step::Prompt(p) => Some(p.prompt_id),
                Step::Map(m) => match m.step.as_ref() {
                    Step::Prompt(p) => Some(p.prompt_id),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

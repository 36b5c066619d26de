//! The typed input of a workflow definition. Node kinds are a `@oneOf` input, so generated
//! clients get one type per kind rather than an untyped JSON blob; the same definition is
//! exported and imported as JSON (`workers::workflow::Definition`).

use std::collections::BTreeMap;

use async_graphql::{Enum, ID, InputObject, Json, OneofObject};
use workers::workflow::definition as def;

use crate::error::{AppError, AppResult};
use crate::graphql::parse_id;
use crate::graphql::prompt::{ChatMessageInput, ModelConfigInput};

#[derive(InputObject)]
pub struct WorkflowDefinitionInput {
    /// What a run is started with.
    #[graphql(default)]
    pub inputs: Vec<WorkflowInputSpecInput>,
    pub nodes: Vec<WorkflowNodeInput>,
    #[graphql(default)]
    pub edges: Vec<WorkflowEdgeInput>,
    /// A template over `inputs.*` and `nodes.<key>.output|json|status`: the run's output.
    pub output: String,
    /// Longest time a run may take, approvals included (seconds); past it the run FAILS.
    pub timeout_secs: Option<u64>,
}

#[derive(InputObject)]
pub struct WorkflowInputSpecInput {
    /// `[a-z][a-z0-9_]*`; templates read it as `inputs.<name>`.
    pub name: String,
    #[graphql(name = "type")]
    pub kind: WorkflowInputType,
    #[graphql(default = true)]
    pub required: bool,
    /// Used when an optional input is not given.
    pub default: Option<Json<serde_json::Value>>,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowInputType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Json,
}

#[derive(InputObject)]
pub struct WorkflowNodeInput {
    /// `[a-z][a-z0-9_]*`, unique in the workflow; templates read it as `nodes.<key>`.
    pub key: String,
    /// What the node does: exactly one kind.
    pub step: WorkflowStepInput,
    /// Attempts on provider errors and timeouts (default: 1, no retry).
    pub retry: Option<RetryPolicyInput>,
    /// What a node that failed its last attempt does to the run (default: ABORT).
    pub on_failure: Option<OnFailureInput>,
    /// Longest time one attempt may take.
    pub timeout_secs: Option<u32>,
}

/// One node kind.
#[derive(OneofObject)]
pub enum WorkflowStepInput {
    /// A stored prompt by version or label.
    Prompt(PromptStepInput),
    /// Inline messages and a model configuration.
    Llm(LlmStepInput),
    /// Text (or JSON) rendered from upstream outputs, no model call.
    Template(TemplateStepInput),
    /// An expression whose value picks the outgoing edges taken.
    Condition(ConditionStepInput),
    /// One inner step over every element of an array.
    Map(MapStepInput),
    /// Waits for `resumeWorkflowRun`.
    Approval(ApprovalStepInput),
}

/// The step a map runs per item.
#[derive(OneofObject)]
pub enum MapItemStepInput {
    Prompt(PromptStepInput),
    Llm(LlmStepInput),
    Template(TemplateStepInput),
}

#[derive(InputObject)]
pub struct PromptStepInput {
    pub prompt_id: ID,
    /// A version number; or `label`; the latest version when neither. A label is resolved
    /// when the run starts.
    pub version: Option<i32>,
    pub label: Option<String>,
    /// The prompt's variables, each a template.
    #[graphql(default)]
    pub variables: Vec<VariableBindingInput>,
}

#[derive(InputObject)]
pub struct VariableBindingInput {
    pub name: String,
    pub template: String,
}

#[derive(InputObject)]
pub struct LlmStepInput {
    pub messages: Vec<ChatMessageInput>,
    pub model: ModelConfigInput,
}

#[derive(InputObject)]
pub struct TemplateStepInput {
    pub template: String,
    /// Parse the rendered text as JSON (`nodes.<key>.json`).
    #[graphql(default)]
    pub json: bool,
}

#[derive(InputObject)]
pub struct ConditionStepInput {
    /// A minijinja expression; its value (`true`/`false` for a boolean) is the `branch` of
    /// the outgoing edges taken.
    pub expression: String,
}

#[derive(InputObject)]
pub struct MapStepInput {
    /// An expression giving the array: `nodes.split.json.items`, `inputs.documents`.
    pub source: String,
    #[graphql(default = 4)]
    pub concurrency: u32,
    pub step: MapItemStepInput,
    #[graphql(default)]
    pub on_item_failure: ItemFailure,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum ItemFailure {
    /// The map fails.
    #[default]
    Fail,
    /// The item's output is null; the map completes.
    Skip,
}

#[derive(InputObject)]
pub struct ApprovalStepInput {
    /// Shown to the approver. (How long it waits is the node's `timeoutSecs`: 7 days when
    /// not given.)
    #[graphql(default)]
    pub instructions: String,
}

#[derive(InputObject)]
pub struct RetryPolicyInput {
    pub max_attempts: u32,
    /// The first wait; doubled every attempt, with jitter.
    #[graphql(default = 500)]
    pub backoff_ms: u64,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum OnFailurePolicy {
    /// The run fails; running siblings are cancelled.
    Abort,
    /// The node is FAILED; its dependants run and see its status.
    Continue,
    /// The node completes with `defaultOutput`, marked as defaulted.
    Default,
    /// Only the edges marked `onFailure` leave it.
    Branch,
}

#[derive(InputObject)]
pub struct OnFailureInput {
    pub policy: OnFailurePolicy,
    /// The output of a node whose policy is DEFAULT.
    pub default_output: Option<String>,
}

#[derive(InputObject)]
pub struct WorkflowEdgeInput {
    pub from: String,
    pub to: String,
    /// From a condition: the value of its expression that takes this edge.
    pub branch: Option<String>,
    /// Taken only when `from` failed (its onFailure policy is BRANCH).
    #[graphql(default)]
    pub on_failure: bool,
}

fn input_type(kind: WorkflowInputType) -> def::InputType {
    match kind {
        WorkflowInputType::String => def::InputType::String,
        WorkflowInputType::Number => def::InputType::Number,
        WorkflowInputType::Integer => def::InputType::Integer,
        WorkflowInputType::Boolean => def::InputType::Boolean,
        WorkflowInputType::Array => def::InputType::Array,
        WorkflowInputType::Object => def::InputType::Object,
        WorkflowInputType::Json => def::InputType::Json,
    }
}

fn prompt_step(step: PromptStepInput) -> AppResult<def::PromptStep> {
    let mut variables = BTreeMap::new();
    for binding in step.variables {
        if variables
            .insert(binding.name.clone(), binding.template)
            .is_some()
        {
            return Err(AppError::validation(format!(
                "variable `{}` is bound twice",
                binding.name
            )));
        }
    }
    Ok(def::PromptStep {
        prompt_id: parse_id("promptId", &step.prompt_id)?,
        version: step.version,
        label: step.label,
        variables,
    })
}

fn llm_step(step: LlmStepInput) -> def::LlmStep {
    def::LlmStep {
        messages: step.messages.into_iter().map(Into::into).collect(),
        model: step.model.into(),
    }
}

fn template_step(step: TemplateStepInput) -> def::TemplateStep {
    def::TemplateStep {
        template: step.template,
        json: step.json,
    }
}

fn map_item(step: MapItemStepInput) -> AppResult<def::Step> {
    Ok(match step {
        MapItemStepInput::Prompt(p) => def::Step::Prompt(prompt_step(p)?),
        MapItemStepInput::Llm(l) => def::Step::Llm(llm_step(l)),
        MapItemStepInput::Template(t) => def::Step::Template(template_step(t)),
    })
}

fn step(step: WorkflowStepInput) -> AppResult<def::Step> {
    Ok(match step {
        WorkflowStepInput::Prompt(p) => def::Step::Prompt(prompt_step(p)?),
        WorkflowStepInput::Llm(l) => def::Step::Llm(llm_step(l)),
        WorkflowStepInput::Template(t) => def::Step::Template(template_step(t)),
        WorkflowStepInput::Condition(c) => def::Step::Condition(def::ConditionStep {
            expression: c.expression,
        }),
        WorkflowStepInput::Map(m) => def::Step::Map(def::MapStep {
            source: m.source,
            concurrency: m.concurrency,
            step: Box::new(map_item(m.step)?),
            on_item_failure: match m.on_item_failure {
                ItemFailure::Fail => def::ItemFailure::Fail,
                ItemFailure::Skip => def::ItemFailure::Skip,
            },
        }),
        WorkflowStepInput::Approval(a) => def::Step::Approval(def::ApprovalStep {
            instructions: a.instructions,
        }),
    })
}

fn on_failure(key: &str, input: Option<OnFailureInput>) -> AppResult<def::OnFailure> {
    let Some(input) = input else {
        return Ok(def::OnFailure::default());
    };
    match (input.policy, input.default_output) {
        (OnFailurePolicy::Default, Some(output)) => Ok(def::OnFailure::Default { output }),
        (OnFailurePolicy::Default, None) => Err(AppError::validation(format!(
            "node `{key}`: the DEFAULT policy needs a defaultOutput"
        ))),
        (_, Some(_)) => Err(AppError::validation(format!(
            "node `{key}`: defaultOutput goes with the DEFAULT policy only"
        ))),
        (OnFailurePolicy::Abort, None) => Ok(def::OnFailure::Abort),
        (OnFailurePolicy::Continue, None) => Ok(def::OnFailure::Continue),
        (OnFailurePolicy::Branch, None) => Ok(def::OnFailure::Branch),
    }
}

impl WorkflowDefinitionInput {
    /// The definition in its stored form (not yet validated as a graph).
    pub fn into_definition(self) -> AppResult<def::Definition> {
        let inputs = self
            .inputs
            .into_iter()
            .map(|i| def::InputSpec {
                name: i.name,
                kind: input_type(i.kind),
                required: i.required,
                default: i.default.map(|j| j.0),
            })
            .collect();
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for node in self.nodes {
            let on_failure = on_failure(&node.key, node.on_failure)?;
            nodes.push(def::Node {
                step: step(node.step)?,
                retry: node
                    .retry
                    .map(|r| def::RetryPolicy {
                        max_attempts: r.max_attempts,
                        backoff_ms: r.backoff_ms,
                    })
                    .unwrap_or_default(),
                on_failure,
                timeout_secs: node.timeout_secs,
                key: node.key,
            });
        }
        let edges = self
            .edges
            .into_iter()
            .map(|e| def::Edge {
                from: e.from,
                to: e.to,
                branch: e.branch,
                on_failure: e.on_failure,
            })
            .collect();
        Ok(def::Definition {
            inputs,
            nodes,
            edges,
            output: self.output,
            timeout_secs: self.timeout_secs,
        })
    }
}

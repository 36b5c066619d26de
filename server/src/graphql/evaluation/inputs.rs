//! The inputs of `runEvaluation` and of saved evaluators.

use async_graphql::{ID, InputObject, Json, OneofObject};
use serde_json::Value;

use crate::error::AppResult;
use crate::graphql::parse_id;
use crate::service::evaluation::runs::{EvaluatorInput, RunInput, TargetInput};

/// A prompt, by version number or label (the latest version when neither).
#[derive(InputObject)]
pub struct PromptTargetInput {
    pub prompt_id: ID,
    pub version: Option<i32>,
    pub label: Option<String>,
}

/// A workflow, by version number or label (the latest version when neither).
#[derive(InputObject)]
pub struct WorkflowTargetInput {
    pub workflow_id: ID,
    pub version: Option<i32>,
    pub label: Option<String>,
}

/// What to evaluate: exactly one of a prompt or a workflow.
#[derive(OneofObject)]
pub enum EvaluationTargetInput {
    Prompt(PromptTargetInput),
    Workflow(WorkflowTargetInput),
}

/// An evaluator: exactly one of a saved one's name or a spec in its JSON form, e.g.
/// `{"name": "exact", "type": "EXACT_MATCH"}` or `{"name": "judge", "type": "LLM_JUDGE",
/// "rubric": "…", "model": {"provider": "openai", "model": "gpt-4o-mini"}}` (see the README's
/// evaluator table).
#[derive(OneofObject)]
pub enum EvaluatorRefInput {
    Saved(String),
    Spec(Json<Value>),
}

/// Where a target's variable (or workflow input) comes from.
#[derive(InputObject)]
pub struct VariableMappingInput {
    pub variable: String,
    /// `inputs.<key>`, `metadata.<key>` or `expected`.
    pub from: String,
}

#[derive(InputObject)]
pub struct RunEvaluationInput {
    pub dataset_id: ID,
    /// Default: the dataset's latest version.
    pub dataset_version: Option<i32>,
    pub name: Option<String>,
    /// One or more: several make a matrix (every item × every target).
    pub targets: Vec<EvaluationTargetInput>,
    /// Unmapped variables take the item's input of the same name.
    #[graphql(default)]
    pub mapping: Vec<VariableMappingInput>,
    pub evaluators: Vec<EvaluatorRefInput>,
    /// Pass when the weighted score reaches it; without, pass when every required evaluator
    /// passes.
    pub threshold: Option<f64>,
    /// Items in flight at once (default 4, at most 64).
    pub concurrency: Option<i32>,
    /// Use the response cache for targets and judges (default true).
    pub use_cache: Option<bool>,
}

impl RunEvaluationInput {
    pub fn into_service(self) -> AppResult<RunInput> {
        let mut targets = Vec::new();
        for target in self.targets {
            targets.push(match target {
                EvaluationTargetInput::Prompt(p) => TargetInput::Prompt {
                    prompt_id: parse_id("promptId", &p.prompt_id)?,
                    version: p.version,
                    label: p.label,
                },
                EvaluationTargetInput::Workflow(w) => TargetInput::Workflow {
                    workflow_id: parse_id("workflowId", &w.workflow_id)?,
                    version: w.version,
                    label: w.label,
                },
            });
        }
        Ok(RunInput {
            dataset_id: parse_id("datasetId", &self.dataset_id)?,
            dataset_version: self.dataset_version,
            name: self.name,
            targets,
            mapping: self
                .mapping
                .into_iter()
                .map(|m| (m.variable, m.from))
                .collect(),
            evaluators: self
                .evaluators
                .into_iter()
                .map(|e| match e {
                    EvaluatorRefInput::Saved(name) => EvaluatorInput::Saved(name),
                    EvaluatorRefInput::Spec(spec) => EvaluatorInput::Spec(spec.0),
                })
                .collect(),
            threshold: self.threshold,
            concurrency: self.concurrency,
            use_cache: self.use_cache,
        })
    }
}

/// A saved evaluator's fields (all required to create; any to update).
#[derive(InputObject)]
pub struct SavedEvaluatorInput {
    pub name: Option<String>,
    pub description: Option<String>,
    /// The spec's JSON form; its `name` is set to the saved name.
    pub spec: Option<Json<Value>>,
}

//! What `runEvaluation` is given, checked and resolved before anything is written: targets to
//! versions (labels now, pinned on the run), the mapping, the evaluators (saved ones by name).
//! Every problem is reported at once.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;
use workers::evaluation::EvaluatorSpec;
use workers::evaluation::run::{Source, Target};

use crate::error::{AppError, AppResult};
use crate::service::prompt::versions::{self as prompt_versions, Selector};
use crate::service::workflow::runs::resolve_prompts;
use crate::service::workflow::versions as workflow_versions;
use entities::{evaluator, prompt, workflow};

/// The most targets one run compares.
pub const MAX_TARGETS: usize = 10;
/// The most evaluators one run scores with (each item runs them all at once).
pub const MAX_EVALUATORS: usize = 20;

/// A target as asked for.
#[derive(Debug, Clone)]
pub enum TargetInput {
    Prompt {
        prompt_id: Uuid,
        version: Option<i32>,
        label: Option<String>,
    },
    Workflow {
        workflow_id: Uuid,
        version: Option<i32>,
        label: Option<String>,
    },
}

/// An evaluator as asked for: a saved one by name, or a spec.
#[derive(Debug, Clone)]
pub enum EvaluatorInput {
    Saved(String),
    Spec(Value),
}

/// Resolves every target of `org`, each to the version it names now.
pub async fn resolve_targets(
    conn: &impl ConnectionTrait,
    org: Uuid,
    inputs: &[TargetInput],
    problems: &mut Vec<String>,
) -> AppResult<Vec<Target>> {
    if inputs.is_empty() || inputs.len() > MAX_TARGETS {
        problems.push(format!("give 1 to {MAX_TARGETS} targets"));
    }
    let mut targets = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        match resolve_target(conn, org, input).await {
            Ok(target) => targets.push(target),
            Err(AppError::NotFound(what)) => {
                problems.push(format!("targets[{index}]: {what} not found"))
            }
            Err(AppError::Validation(message)) => {
                problems.push(format!("targets[{index}]: {message}"))
            }
            Err(other) => return Err(other),
        }
    }
    Ok(targets)
}

async fn resolve_target(
    conn: &impl ConnectionTrait,
    org: Uuid,
    input: &TargetInput,
) -> AppResult<Target> {
    match input {
        TargetInput::Prompt {
            prompt_id,
            version,
            label,
        } => {
            let found = prompt::Entity::find_by_id(*prompt_id)
                .filter(prompt::Column::OrgId.eq(org))
                .filter(prompt::Column::DeletedAt.is_null())
                .one(conn)
                .await?
                .ok_or(AppError::NotFound("prompt"))?;
            let selector = Selector::from_args(*version, label.clone())?;
            let resolved = prompt_versions::resolve(conn, found.id, &selector).await?;
            let variables: Vec<String> =
                serde_json::from_value(resolved.variables.clone()).unwrap_or_default();
            Ok(Target::Prompt {
                prompt_id: found.id,
                prompt_version_id: resolved.id,
                version: resolved.version,
                label: label.clone().filter(|l| l != "latest"),
                name: found.name,
                variables,
            })
        }
        TargetInput::Workflow {
            workflow_id,
            version,
            label,
        } => {
            let found = workflow::Entity::find_by_id(*workflow_id)
                .filter(workflow::Column::OrgId.eq(org))
                .filter(workflow::Column::DeletedAt.is_null())
                .one(conn)
                .await?
                .ok_or(AppError::NotFound("workflow"))?;
            let resolved =
                workflow_versions::select(conn, found.id, *version, label.as_deref()).await?;
            let definition = workflow_versions::definition_of(&resolved)?;
            let prompts = resolve_prompts(conn, org, &definition).await?;
            Ok(Target::Workflow {
                workflow_id: found.id,
                workflow_version_id: resolved.id,
                version: resolved.version,
                label: label.clone().filter(|l| l != "latest"),
                name: found.name,
                inputs: definition.inputs.iter().map(|i| i.name.clone()).collect(),
                prompts,
            })
        }
    }
}

/// Parses the mapping (`variable → inputs.<key> | metadata.<key> | expected`).
pub fn parse_mapping(
    mapping: &[(String, String)],
    problems: &mut Vec<String>,
) -> BTreeMap<String, Source> {
    let mut parsed = BTreeMap::new();
    for (variable, from) in mapping {
        match Source::parse(from.trim()) {
            Some(source) => {
                parsed.insert(variable.clone(), source);
            }
            None => problems.push(format!(
                "mapping `{variable}`: `{from}` is not inputs.<key>, metadata.<key> or expected"
            )),
        }
    }
    parsed
}

/// The evaluators, saved ones read from `org`, all checked together.
pub async fn resolve_evaluators(
    conn: &impl ConnectionTrait,
    org: Uuid,
    inputs: &[EvaluatorInput],
    problems: &mut Vec<String>,
) -> AppResult<Vec<EvaluatorSpec>> {
    if inputs.is_empty() || inputs.len() > MAX_EVALUATORS {
        problems.push(format!("give 1 to {MAX_EVALUATORS} evaluators"));
    }
    let mut specs = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        match input {
            EvaluatorInput::Saved(name) => {
                let found = evaluator::Entity::find()
                    .filter(evaluator::Column::OrgId.eq(org))
                    .filter(evaluator::Column::Name.eq(name.as_str()))
                    .one(conn)
                    .await?;
                match found.map(|row| serde_json::from_value::<EvaluatorSpec>(row.spec)) {
                    Some(Ok(spec)) => specs.push(spec),
                    Some(Err(error)) => problems.push(format!(
                        "evaluators[{index}]: the saved evaluator `{name}` is unreadable: {error}"
                    )),
                    None => problems.push(format!(
                        "evaluators[{index}]: no saved evaluator is named `{name}`"
                    )),
                }
            }
            EvaluatorInput::Spec(value) => match parse_spec(value) {
                Ok(spec) => specs.push(spec),
                Err(error) => problems.push(format!("evaluators[{index}]: {error}")),
            },
        }
    }
    problems.extend(workers::evaluation::validate(&specs));
    Ok(specs)
}

/// An evaluator spec from its JSON form.
pub fn parse_spec(value: &Value) -> Result<EvaluatorSpec, String> {
    serde_json::from_value(value.clone()).map_err(|error| format!("not an evaluator: {error}"))
}

//! What a run is started with: its inputs checked against the definition, and the nodes
//! whose prompts must be resolved and pinned.

use serde_json::{Map, Value};

use super::scope::text_of;
use crate::workflow::definition::{Definition, PromptStep, Step};

/// The run's inputs checked against the definition: every required one given, each of its
/// type, none unknown; an optional one not given takes its default (or null). Every problem is
/// reported at once.
pub fn check_inputs(
    definition: &Definition,
    given: &Value,
) -> Result<Map<String, Value>, Vec<String>> {
    let given = match given {
        Value::Null => Map::new(),
        Value::Object(map) => map.clone(),
        _ => return Err(vec!["inputs must be a JSON object".to_owned()]),
    };
    let mut problems = Vec::new();
    for name in given.keys() {
        if !definition.inputs.iter().any(|spec| &spec.name == name) {
            problems.push(format!("unknown input `{name}`"));
        }
    }
    let mut checked = Map::new();
    for spec in &definition.inputs {
        match given.get(&spec.name) {
            Some(value) if !value.is_null() => {
                if spec.kind.accepts(value) {
                    checked.insert(spec.name.clone(), value.clone());
                } else {
                    let kind = serde_json::to_value(spec.kind).unwrap_or(Value::Null);
                    problems.push(format!(
                        "input `{}` must be of type {}",
                        spec.name,
                        text_of(&kind)
                    ));
                }
            }
            _ if spec.required => problems.push(format!("input `{}` is required", spec.name)),
            _ => {
                checked.insert(
                    spec.name.clone(),
                    spec.default.clone().unwrap_or(Value::Null),
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

/// Whether a node's step needs a prompt resolved (a prompt node, or a map over one).
pub fn prompt_of(step: &Step) -> Option<&PromptStep> {
    match step {
        Step::Prompt(prompt) => Some(prompt),
        Step::Map(map) => match map.step.as_ref() {
            Step::Prompt(prompt) => Some(prompt),
            _ => None,
        },
        _ => None,
    }
}

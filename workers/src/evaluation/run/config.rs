//! What an evaluation run was started with, fixed at its start and stored on its row: the
//! targets resolved to versions, how an item's fields feed a target, the evaluators (saved ones
//! copied in), the pass threshold, the concurrency and the cache use.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::evaluation::EvaluatorSpec;
use crate::workflow::run::ResolvedPrompt;

/// Items in flight at once for a run, when the caller does not say.
pub const DEFAULT_CONCURRENCY: u32 = 4;
/// The most a run may ask for.
pub const MAX_CONCURRENCY: u32 = 64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunConfig {
    pub targets: Vec<Target>,
    /// Target variable (or workflow input) → where its value comes from in an item.
    #[serde(default)]
    pub mapping: BTreeMap<String, Source>,
    pub evaluators: Vec<EvaluatorSpec>,
    /// With a threshold an item passes when its weighted score reaches it; without, when every
    /// required evaluator passes.
    #[serde(default)]
    pub threshold: Option<f64>,
    pub concurrency: u32,
    pub use_cache: bool,
}

/// What a run evaluates, resolved to a version when the run starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Target {
    #[serde(rename_all = "camelCase")]
    Prompt {
        prompt_id: Uuid,
        prompt_version_id: Uuid,
        version: i32,
        /// The label the version was picked by, if any.
        label: Option<String>,
        /// The prompt's name, for reports.
        name: String,
        /// The variables its templates use.
        variables: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Workflow {
        workflow_id: Uuid,
        workflow_version_id: Uuid,
        version: i32,
        label: Option<String>,
        name: String,
        /// The workflow's declared inputs.
        inputs: Vec<String>,
        /// The prompt versions its prompt nodes run, pinned for every item.
        prompts: BTreeMap<String, ResolvedPrompt>,
    },
}

impl Target {
    /// `support-reply@production (v3)`, for reports.
    pub fn describe(&self) -> String {
        let (name, version, label) = match self {
            Self::Prompt {
                name,
                version,
                label,
                ..
            }
            | Self::Workflow {
                name,
                version,
                label,
                ..
            } => (name, version, label),
        };
        match label {
            Some(label) => format!("{name}@{label} (v{version})"),
            None => format!("{name} v{version}"),
        }
    }

    /// The names the target needs values for.
    pub fn parameters(&self) -> &[String] {
        match self {
            Self::Prompt { variables, .. } => variables,
            Self::Workflow { inputs, .. } => inputs,
        }
    }
}

/// Where a target's variable takes its value from in an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", content = "key", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Source {
    /// The item's input of that name.
    Input(String),
    /// The item's metadata entry of that name.
    Metadata(String),
    /// The item's expected output.
    Expected,
}

impl Source {
    /// Parses `inputs.<name>`, `metadata.<name>` or `expected`.
    pub fn parse(text: &str) -> Option<Self> {
        if text == "expected" {
            return Some(Self::Expected);
        }
        let (scope, key) = text.split_once('.')?;
        if key.is_empty() {
            return None;
        }
        match scope {
            "inputs" | "input" => Some(Self::Input(key.to_owned())),
            "metadata" => Some(Self::Metadata(key.to_owned())),
            _ => None,
        }
    }
}

/// The values `target` is given for an item: each parameter from its mapping, else the item's
/// input of the same name; a parameter with no value is absent (the prompt renders it empty, a
/// workflow takes its default or refuses).
pub fn arguments(
    config: &RunConfig,
    target: &Target,
    inputs: &Value,
    expected: Option<&Value>,
    metadata: &Value,
) -> Map<String, Value> {
    let mut args = Map::new();
    for name in target.parameters() {
        let value = match config.mapping.get(name) {
            Some(Source::Input(key)) => inputs.get(key).cloned(),
            Some(Source::Metadata(key)) => metadata.get(key).cloned(),
            Some(Source::Expected) => expected.cloned(),
            None => inputs.get(name).cloned(),
        };
        if let Some(value) = value {
            args.insert(name.clone(), value);
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sources_parse_their_three_forms() {
        assert_eq!(Source::parse("expected"), Some(Source::Expected));
        assert_eq!(Source::parse("inputs.q"), Some(Source::Input("q".into())));
        assert_eq!(
            Source::parse("metadata.lang"),
            Some(Source::Metadata("lang".into()))
        );
        assert_eq!(Source::parse("inputs."), None);
        assert_eq!(Source::parse("output.x"), None);
    }

    #[test]
    fn arguments_follow_the_mapping_then_the_names() {
        let target = Target::Prompt {
            prompt_id: Uuid::nil(),
            prompt_version_id: Uuid::nil(),
            version: 1,
            label: None,
            name: "p".into(),
            variables: vec!["question".into(), "lang".into(), "missing".into()],
        };
        let config = RunConfig {
            targets: vec![target.clone()],
            mapping: BTreeMap::from([("lang".into(), Source::Metadata("language".into()))]),
            evaluators: vec![],
            threshold: None,
            concurrency: 1,
            use_cache: false,
        };
        let args = arguments(
            &config,
            &target,
            &json!({"question": "why?", "other": 1}),
            None,
            &json!({"language": "fr"}),
        );
        assert_eq!(
            Value::Object(args),
            json!({"question": "why?", "lang": "fr"})
        );
    }
}

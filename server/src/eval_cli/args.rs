//! The flags of `promptops eval`, and their check into one `RunEvaluationInput`.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::CliError;

/// Run a dataset through a prompt or workflow version on a server, score it, and gate CI on
/// the pass rate and on a comparison with a baseline. Exit 0: pass; 1: under the minimum
/// pass rate or a significant regression; 2: usage or server error.
#[derive(clap::Parser, Clone, Debug)]
#[command(name = "eval")]
pub struct EvalArgs {
    /// The PromptOps server.
    #[arg(long, env = "PROMPTOPS_URL", default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// An API key of the organization (sent as `Authorization: Bearer <key>`).
    #[arg(long, env = "PROMPTOPS_API_KEY", hide_env_values = true)]
    pub api_key: String,
    /// The dataset to evaluate over.
    #[arg(long)]
    pub dataset: String,
    /// The dataset version (default: its latest).
    #[arg(long)]
    pub dataset_version: Option<i32>,
    /// The prompt to evaluate.
    #[arg(
        long,
        conflicts_with = "workflow",
        required_unless_present = "workflow"
    )]
    pub prompt: Option<String>,
    /// The workflow to evaluate.
    #[arg(long)]
    pub workflow: Option<String>,
    /// The target's version by label.
    #[arg(long, conflicts_with = "version")]
    pub label: Option<String>,
    /// The target's version by number (the latest when neither this nor `--label`).
    #[arg(long)]
    pub version: Option<i32>,
    /// A saved evaluator of the organization, by name (repeatable).
    #[arg(long = "evaluator")]
    pub evaluator: Vec<String>,
    /// A JSON file holding an array of evaluator specs.
    #[arg(long)]
    pub evaluators: Option<PathBuf>,
    /// `variable=inputs.key` (or `metadata.key`, `expected`), repeatable.
    #[arg(long = "map")]
    pub map: Vec<String>,
    /// An item passes when its weighted score reaches this (default: every required
    /// evaluator passes).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Items in flight at once on the server.
    #[arg(long)]
    pub concurrency: Option<i32>,
    /// Do not use the response cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Fail (exit 1) when the pass rate of the target is under this, in [0, 1].
    #[arg(long)]
    pub min_pass_rate: Option<f64>,
    /// Compare with the same prompt/workflow at this label, evaluated in the same run.
    #[arg(long, conflicts_with = "baseline_run")]
    pub baseline_label: Option<String>,
    /// Compare with target 0 of an earlier run.
    #[arg(long)]
    pub baseline_run: Option<String>,
    /// Write a JUnit XML report here.
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Write the run, aggregates, results and comparison here as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Give up (cancel the run, exit 2) after this many seconds.
    #[arg(long, default_value_t = 1800)]
    pub timeout: u64,
    /// No progress lines on stderr.
    #[arg(long)]
    pub quiet: bool,
}

impl EvalArgs {
    /// The `runEvaluation` input; a usage error when the flags do not make one.
    pub fn run_input(&self) -> Result<Value, CliError> {
        if let Some(rate) = self.min_pass_rate
            && !(0.0..=1.0).contains(&rate)
        {
            return Err(CliError::Usage(format!(
                "--min-pass-rate must be in [0, 1], not {rate}"
            )));
        }
        let mut targets = vec![self.target(self.label.as_deref(), self.version)?];
        if let Some(baseline) = &self.baseline_label {
            targets.push(self.target(Some(baseline), None)?);
        }
        let evaluators = self.evaluator_refs()?;
        let mapping = self
            .map
            .iter()
            .map(|pair| match pair.split_once('=') {
                Some((variable, from)) if !variable.is_empty() && !from.is_empty() => {
                    Ok(json!({ "variable": variable.trim(), "from": from.trim() }))
                }
                _ => Err(CliError::Usage(format!(
                    "--map takes `variable=inputs.key`, not `{pair}`"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut input = json!({
            "datasetId": self.dataset,
            "targets": targets,
            "mapping": mapping,
            "evaluators": evaluators,
        });
        let extra = [
            ("datasetVersion", self.dataset_version.map(Value::from)),
            ("threshold", self.threshold.map(Value::from)),
            ("concurrency", self.concurrency.map(Value::from)),
            ("useCache", self.no_cache.then_some(Value::Bool(false))),
        ];
        for (key, value) in extra {
            if let Some(value) = value {
                input[key] = value;
            }
        }
        Ok(input)
    }

    fn target(&self, label: Option<&str>, version: Option<i32>) -> Result<Value, CliError> {
        let (kind, id_key, id) = match (&self.prompt, &self.workflow) {
            (Some(prompt), None) => ("prompt", "promptId", prompt),
            (None, Some(workflow)) => ("workflow", "workflowId", workflow),
            _ => {
                return Err(CliError::Usage(
                    "give exactly one of --prompt or --workflow".into(),
                ));
            }
        };
        let mut target = json!({ id_key: id });
        if let Some(label) = label {
            target["label"] = label.into();
        }
        if let Some(version) = version {
            target["version"] = version.into();
        }
        Ok(json!({ kind: target }))
    }

    fn evaluator_refs(&self) -> Result<Vec<Value>, CliError> {
        let mut refs: Vec<Value> = self
            .evaluator
            .iter()
            .map(|name| json!({ "saved": name }))
            .collect();
        if let Some(path) = &self.evaluators {
            let text = std::fs::read_to_string(path).map_err(|error| {
                CliError::Usage(format!("--evaluators {}: {error}", path.display()))
            })?;
            let specs: Vec<Value> = serde_json::from_str(&text).map_err(|error| {
                CliError::Usage(format!(
                    "--evaluators {}: not a JSON array of specs: {error}",
                    path.display()
                ))
            })?;
            refs.extend(specs.into_iter().map(|spec| json!({ "spec": spec })));
        }
        if refs.is_empty() {
            return Err(CliError::Usage(
                "give at least one --evaluator NAME or --evaluators FILE".into(),
            ));
        }
        Ok(refs)
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn parse(extra: &[&str]) -> EvalArgs {
        let mut argv = vec!["eval", "--api-key", "k", "--dataset", "d"];
        argv.extend_from_slice(extra);
        EvalArgs::try_parse_from(argv).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn a_baseline_label_makes_a_second_target() {
        let args = parse(&[
            "--prompt",
            "p",
            "--label",
            "staging",
            "--baseline-label",
            "production",
            "--evaluator",
            "exact",
            "--map",
            "answer=inputs.a",
            "--no-cache",
        ]);
        let input = args.run_input().unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            input["targets"],
            json!([{ "prompt": { "promptId": "p", "label": "staging" } },
                   { "prompt": { "promptId": "p", "label": "production" } }])
        );
        assert_eq!(
            input["mapping"],
            json!([{ "variable": "answer", "from": "inputs.a" }])
        );
        assert_eq!(input["evaluators"], json!([{ "saved": "exact" }]));
        assert_eq!(input["useCache"], json!(false));
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        assert!(EvalArgs::try_parse_from(["eval", "--api-key", "k", "--dataset", "d"]).is_err());
        let args = parse(&["--prompt", "p"]);
        assert!(matches!(args.run_input(), Err(CliError::Usage(_))));
        let args = parse(&["--prompt", "p", "--evaluator", "e", "--map", "nope"]);
        assert!(matches!(args.run_input(), Err(CliError::Usage(_))));
        let args = parse(&["--prompt", "p", "--evaluator", "e", "--min-pass-rate", "2"]);
        assert!(matches!(args.run_input(), Err(CliError::Usage(_))));
    }
}

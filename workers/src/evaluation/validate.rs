//! Checking a run's evaluators before it starts: every problem at once, each naming its
//! evaluator, so a user fixes them in one go.

use std::collections::HashSet;

use super::checks::{check_pointer, compile_regex, compile_schema};
use super::spec::{Check, EvaluatorSpec};
use crate::llm::{self, ChatMessage};
use crate::templating;

/// Providers a judge may use.
pub const JUDGE_PROVIDERS: &[&str] = &["mock", "openai", "anthropic", "openai-compatible"];
/// Providers with embeddings.
pub const EMBEDDING_PROVIDERS: &[&str] = &["mock", "openai", "openai-compatible"];
/// What a rubric may use.
pub const RUBRIC_VARIABLES: &[&str] = &["input", "output", "expected"];

/// Every problem with `specs`, as messages naming the evaluator; empty when they are fine.
pub fn validate(specs: &[EvaluatorSpec]) -> Vec<String> {
    let mut problems = Vec::new();
    if specs.is_empty() {
        problems.push("at least one evaluator is needed".to_string());
    }
    let mut seen = HashSet::new();
    for (position, spec) in specs.iter().enumerate() {
        let label = if spec.name.trim().is_empty() {
            problems.push(format!("evaluator {}: the name is empty", position + 1));
            format!("evaluator {}", position + 1)
        } else {
            if !seen.insert(spec.name.as_str()) {
                problems.push(format!("evaluator `{}`: the name is used twice", spec.name));
            }
            format!("evaluator `{}`", spec.name)
        };
        if !(spec.weight.is_finite() && spec.weight > 0.0) {
            problems.push(format!("{label}: the weight must be a number above 0"));
        }
        for problem in check_problems(&spec.check) {
            problems.push(format!("{label}: {problem}"));
        }
    }
    problems
}

fn threshold(value: f64) -> Option<String> {
    (!(0.0..=1.0).contains(&value))
        .then(|| format!("the threshold must be between 0 and 1 (got {value})"))
}

fn non_negative(value: f64, what: &str) -> Option<String> {
    (value.is_nan() || value < 0.0).then(|| format!("{what} must not be negative"))
}

/// The problems of one check, unlabelled.
fn check_problems(check: &Check) -> Vec<String> {
    let mut problems = Vec::new();
    let mut push = |problem: Option<String>| problems.extend(problem);
    match check {
        Check::ContainsAll { values, .. } | Check::ContainsAny { values, .. } => {
            push(
                values
                    .is_empty()
                    .then(|| "the list of values is empty".into()),
            );
            push(
                values
                    .iter()
                    .any(String::is_empty)
                    .then(|| "a value is empty".into()),
            );
        }
        Check::Contains { value, .. }
        | Check::NotContains { value, .. }
        | Check::StartsWith { value, .. } => {
            push(value.is_empty().then(|| "the value is empty".into()));
        }
        Check::Regex { pattern } => push(compile_regex(pattern).err()),
        Check::JsonSchema { schema } => push(compile_schema(schema).err()),
        Check::JsonPath { path, .. } => push(check_pointer(path).err()),
        Check::Similarity { threshold: t, .. } => push(threshold(*t)),
        Check::Numeric { tolerance, value } => {
            push(non_negative(*tolerance, "the tolerance"));
            push(
                value
                    .is_some_and(|v| !v.is_finite())
                    .then(|| "the value must be a finite number".into()),
            );
        }
        Check::Embedding {
            provider,
            model,
            threshold: t,
            ..
        } => {
            push(threshold(*t));
            push(model.trim().is_empty().then(|| "the model is empty".into()));
            push(match provider.as_str() {
                "anthropic" => Some(
                    "anthropic has no embeddings: use openai, openai-compatible or mock".into(),
                ),
                p if !EMBEDDING_PROVIDERS.contains(&p) => Some(format!(
                    "unknown embedding provider `{p}`: expected {}",
                    EMBEDDING_PROVIDERS.join(", ")
                )),
                _ => None,
            });
        }
        Check::LlmJudge {
            rubric,
            model,
            threshold: t,
        } => {
            push(threshold(*t));
            push(
                (!JUDGE_PROVIDERS.contains(&model.provider.as_str())).then(|| {
                    format!(
                        "unknown judge provider `{}`: expected {}",
                        model.provider,
                        JUDGE_PROVIDERS.join(", ")
                    )
                }),
            );
            push(llm::check_extra(&model.provider, &model.extra).err());
            push(rubric_problem(rubric));
        }
        Check::LatencyBudget { max_ms } => {
            push((*max_ms < 0).then(|| "the latency budget must not be negative".into()));
        }
        Check::CostBudget { max_usd } => push(non_negative(*max_usd, "the cost budget")),
        Check::ExactMatch { .. } | Check::JsonValid => {}
    }
    problems
}

/// A rubric must parse and use only the variables it is given.
fn rubric_problem(rubric: &str) -> Option<String> {
    if rubric.trim().is_empty() {
        return Some("the rubric is empty".into());
    }
    let message = ChatMessage {
        role: "user".into(),
        content: rubric.to_string(),
    };
    match templating::variables(&[message]) {
        Err(error) => Some(format!("the rubric does not parse: {error}")),
        Ok(names) => {
            let unknown: Vec<String> = names
                .into_iter()
                .filter(|name| !RUBRIC_VARIABLES.contains(&name.as_str()))
                .collect();
            (!unknown.is_empty()).then(|| {
                format!(
                    "the rubric uses unknown variables {} (it may use input, output, expected)",
                    unknown.join(", ")
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(value: serde_json::Value) -> EvaluatorSpec {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn good_specs_have_no_problems() {
        let specs = [
            spec(json!({ "name": "exact", "type": "EXACT_MATCH" })),
            spec(json!({ "name": "re", "type": "REGEX", "pattern": "^a+$" })),
            spec(json!({
                "name": "judge", "type": "LLM_JUDGE", "rubric": "{{ output }} vs {{ expected }}",
                "model": { "provider": "mock", "model": "echo" }
            })),
        ];
        assert_eq!(validate(&specs), Vec::<String>::new());
    }

    #[test]
    fn every_problem_is_listed_with_its_evaluator() {
        let specs = [
            spec(json!({ "name": "", "type": "JSON_VALID" })),
            spec(json!({ "name": "dup", "type": "JSON_VALID", "weight": 0 })),
            spec(json!({ "name": "dup", "type": "REGEX", "pattern": "(" })),
            spec(json!({ "name": "schema", "type": "JSON_SCHEMA", "schema": { "type": 5 } })),
            spec(json!({ "name": "any", "type": "CONTAINS_ANY", "values": [] })),
            spec(
                json!({ "name": "sim", "type": "SIMILARITY", "algorithm": "LEVENSHTEIN", "threshold": 1.5 }),
            ),
            spec(json!({ "name": "num", "type": "NUMERIC", "tolerance": -1 })),
            spec(json!({ "name": "slow", "type": "LATENCY_BUDGET", "maxMs": -5 })),
            spec(json!({ "name": "cost", "type": "COST_BUDGET", "maxUsd": -0.1 })),
            spec(
                json!({ "name": "emb", "type": "EMBEDDING", "provider": "anthropic", "model": "x", "threshold": 0.8 }),
            ),
            spec(json!({
                "name": "judge", "type": "LLM_JUDGE", "rubric": "{% if output %}",
                "model": { "provider": "nope", "model": "m" }
            })),
            spec(json!({
                "name": "judge2", "type": "LLM_JUDGE", "rubric": "{{ secret }}",
                "model": { "provider": "mock", "model": "echo" }
            })),
        ];
        let problems = validate(&specs);
        let expect = [
            "evaluator 1: the name is empty",
            "evaluator `dup`: the weight must be a number above 0",
            "evaluator `dup`: the name is used twice",
            "evaluator `dup`: invalid regex",
            "evaluator `schema`: invalid JSON schema",
            "evaluator `any`: the list of values is empty",
            "evaluator `sim`: the threshold must be between 0 and 1",
            "evaluator `num`: the tolerance must not be negative",
            "evaluator `slow`: the latency budget must not be negative",
            "evaluator `cost`: the cost budget must not be negative",
            "evaluator `emb`: anthropic has no embeddings",
            "evaluator `judge`: unknown judge provider `nope`",
            "evaluator `judge`: the rubric does not parse",
            "evaluator `judge2`: the rubric uses unknown variables secret",
        ];
        for expected in expect {
            assert!(
                problems.iter().any(|p| p.starts_with(expected)),
                "no `{expected}` in {problems:#?}"
            );
        }
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
        assert_eq!(validate(&[]), ["at least one evaluator is needed"]);
    }
}

//! `evaluate` end to end in process: the judge and embeddings through the `mock` provider,
//! negation, errors, and the spec's JSON contract.

use std::time::Duration;

use sea_orm::Database;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::*;
use crate::cache::ResponseCache;
use crate::completion::LlmSettings;
use crate::crypto::Sealer;
use crate::llm::{EgressPolicy, ProviderDefaults, RetryPolicy, Timeouts, http_client};
use crate::pricing::PriceTable;
use crate::sandbox::{Place, Shares};

async fn completion() -> Completion {
    let timeouts = Timeouts::default();
    Completion {
        db: Database::connect("sqlite::memory:").await.unwrap(),
        sealer: Sealer::from_base64(&Sealer::generate_key()).unwrap(),
        cache: ResponseCache::memory(Duration::from_secs(60), 100),
        llm: LlmSettings {
            defaults: ProviderDefaults::default(),
            http: http_client(&timeouts, EgressPolicy::default()).unwrap(),
            retry: RetryPolicy::default(),
            timeouts,
        },
        prices: PriceTable::default(),
        pii: std::sync::Arc::new(crate::pii::PiiPolicies::disabled()),
    }
}

fn renderer() -> Renderer {
    Renderer::new(Place::InProcess, Shares::new(2, 2))
}

fn spec(value: Value) -> EvaluatorSpec {
    serde_json::from_value(value).unwrap()
}

async fn run(spec: &EvaluatorSpec, output: &str, expected: Option<&Value>) -> Verdict {
    let (completion, renderer) = (completion().await, renderer());
    let io = Io {
        completion: &completion,
        renderer: &renderer,
        org: Uuid::new_v4(),
        use_cache: false,
    };
    let mut input = Map::new();
    input.insert("question".into(), json!("capital of France?"));
    let case = Case {
        input: &input,
        output,
        expected,
        latency_ms: Some(10),
        cost_usd: Some(0.0),
    };
    evaluate(spec, &case, &io).await
}

fn judge(rubric: &str) -> EvaluatorSpec {
    spec(json!({
        "name": "judge",
        "type": "LLM_JUDGE",
        "rubric": rubric,
        "model": { "provider": "mock", "model": "echo" }
    }))
}

const DETERMINISTIC_RUBRIC: &str = r#"{"score": {% if output == expected %}1{% else %}0{% endif %}, "reason": "{{ input.question }}"}"#;

#[tokio::test]
async fn a_deterministic_judge_passes_and_fails() {
    let expected = json!("Paris");
    let good = run(&judge(DETERMINISTIC_RUBRIC), "Paris", Some(&expected)).await;
    assert_eq!(
        (good.score, good.pass, good.error.as_deref()),
        (1.0, true, None)
    );
    assert_eq!(good.reason, "capital of France?");
    assert!(good.tokens_in.is_some() && good.tokens_out.is_some());
    assert_eq!(good.cost_usd, Some(0.0));
    let bad = run(&judge(DETERMINISTIC_RUBRIC), "Lyon", Some(&expected)).await;
    assert_eq!((bad.score, bad.pass), (0.0, false));
    assert!(bad.error.is_none());
}

#[tokio::test]
async fn a_malformed_judge_answer_is_an_error_verdict() {
    let mut negated = judge("I refuse to answer in JSON: {{ output }}");
    negated.negate = true;
    let verdict = run(&negated, "Paris", None).await;
    assert!(!verdict.pass, "negation never turns an error into a pass");
    assert_eq!(verdict.score, 0.0);
    let error = verdict.error.unwrap_or_default();
    assert!(
        error.contains("no JSON object") && error.contains("I refuse"),
        "{error}"
    );
    assert!(verdict.tokens_in.is_some(), "the judge's spend is kept");
}

#[tokio::test]
async fn embeddings_through_the_mock_provider() {
    let check = |threshold: f64| {
        spec(json!({
            "name": "emb", "type": "EMBEDDING", "provider": "mock",
            "model": "mock-embedding", "threshold": threshold
        }))
    };
    let expected = json!("The cat sat on the mat");
    let same = run(&check(0.99), "the cat sat on the mat.", Some(&expected)).await;
    assert!(same.pass && (same.score - 1.0).abs() < 1e-6, "{same:?}");
    assert_eq!(same.cost_usd, Some(0.0));
    let unrelated = run(&check(0.5), "quarterly revenue grew", Some(&expected)).await;
    assert!(!unrelated.pass && unrelated.score < 0.5, "{unrelated:?}");
    let missing = run(&check(0.5), "x", None).await;
    assert!(
        missing
            .error
            .unwrap_or_default()
            .contains("no expected output")
    );
    let anthropic = spec(json!({
        "name": "emb", "type": "EMBEDDING", "provider": "anthropic",
        "model": "claude", "threshold": 0.5
    }));
    let failed = run(&anthropic, "x", Some(&expected)).await;
    assert!(
        failed
            .error
            .unwrap_or_default()
            .contains("no embeddings API")
    );
}

#[tokio::test]
async fn negation_inverts_real_verdicts_only() {
    let mut refuses = spec(
        json!({ "name": "no-sorry", "type": "CONTAINS", "value": "sorry", "weight": 2, "required": false }),
    );
    refuses.negate = true;
    let verdict = run(&refuses, "Here it is", None).await;
    assert_eq!((verdict.score, verdict.pass), (1.0, true));
    assert!(verdict.reason.starts_with("negated: "));
    assert_eq!((verdict.weight, verdict.required), (2.0, false));
    let verdict = run(&refuses, "sorry!", None).await;
    assert_eq!((verdict.score, verdict.pass), (0.0, false));
    let mut exact = spec(json!({ "name": "exact", "type": "EXACT_MATCH" }));
    exact.negate = true;
    let error = run(&exact, "Paris", None).await;
    assert!(!error.pass && error.error.is_some());
}

#[test]
fn every_check_type_round_trips_through_json() {
    let specs = json!([
        { "name": "exact", "weight": 1.0, "negate": false, "required": true, "type": "EXACT_MATCH",
          "normalize": { "trim": true, "ignoreCase": true, "collapseWhitespace": false }, "value": "Paris" },
        { "name": "contains", "weight": 2.5, "negate": true, "required": false, "type": "CONTAINS", "value": "x", "ignoreCase": true },
        { "name": "all", "weight": 1.0, "negate": false, "required": true, "type": "CONTAINS_ALL", "values": ["a", "b"], "ignoreCase": false },
        { "name": "any", "weight": 1.0, "negate": false, "required": true, "type": "CONTAINS_ANY", "values": ["a"], "ignoreCase": false },
        { "name": "not", "weight": 1.0, "negate": false, "required": true, "type": "NOT_CONTAINS", "value": "sorry", "ignoreCase": true },
        { "name": "starts", "weight": 1.0, "negate": false, "required": true, "type": "STARTS_WITH", "value": "Answer:", "ignoreCase": false },
        { "name": "regex", "weight": 1.0, "negate": false, "required": true, "type": "REGEX", "pattern": "^\\d+$" },
        { "name": "valid", "weight": 1.0, "negate": false, "required": true, "type": "JSON_VALID" },
        { "name": "schema", "weight": 1.0, "negate": false, "required": true, "type": "JSON_SCHEMA", "schema": { "type": "object" } },
        { "name": "path", "weight": 1.0, "negate": false, "required": true, "type": "JSON_PATH", "path": "/a/0", "equals": { "b": [1, null] } },
        { "name": "sim", "weight": 1.0, "negate": false, "required": true, "type": "SIMILARITY", "algorithm": "JARO_WINKLER", "threshold": 0.8 },
        { "name": "num", "weight": 1.0, "negate": false, "required": true, "type": "NUMERIC", "tolerance": 0.5, "value": 3.0 },
        { "name": "emb", "weight": 1.0, "negate": false, "required": true, "type": "EMBEDDING", "provider": "openai", "model": "text-embedding-3-small", "threshold": 0.85 },
        { "name": "judge", "weight": 1.0, "negate": false, "required": true, "type": "LLM_JUDGE", "rubric": "Grade {{ output }}",
          "model": { "provider": "openai", "model": "gpt-4o-mini", "temperature": 0.0, "maxTokens": null, "topP": null, "stop": [], "extra": { "seed": 1 } },
          "threshold": 0.7 },
        { "name": "fast", "weight": 1.0, "negate": false, "required": true, "type": "LATENCY_BUDGET", "maxMs": 2000 },
        { "name": "cheap", "weight": 1.0, "negate": false, "required": true, "type": "COST_BUDGET", "maxUsd": 0.01 }
    ]);
    let parsed: Vec<EvaluatorSpec> = serde_json::from_value(specs.clone()).unwrap();
    assert_eq!(parsed.len(), 16);
    assert_eq!(serde_json::to_value(&parsed).unwrap(), specs);
    let again: Vec<EvaluatorSpec> =
        serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
    assert_eq!(again, parsed);
}

#[test]
fn defaults_fill_a_minimal_spec() {
    let minimal = spec(json!({ "name": "judge", "type": "LLM_JUDGE", "rubric": "r",
        "model": { "provider": "mock", "model": "echo" } }));
    assert_eq!(
        (minimal.weight, minimal.negate, minimal.required),
        (1.0, false, true)
    );
    assert!(matches!(minimal.check, Check::LlmJudge { threshold, .. } if threshold == 0.5));
    let exact = spec(json!({ "name": "e", "type": "EXACT_MATCH" }));
    assert!(
        matches!(exact.check, Check::ExactMatch { normalize, value: None } if normalize == Normalize::default())
    );
    assert!(
        serde_json::from_value::<EvaluatorSpec>(json!({ "name": "x", "type": "NOPE" })).is_err()
    );
}

//! Building blocks of the evaluation tests: a dataset of items, echo prompts (the `mock`
//! provider's `echo` model answers the rendered user message, so a prompt's output is known in
//! advance), starting a run and waiting for its end.

use std::time::Duration;

use serde_json::{Value, json};

use crate::execution_helpers::prompt_with;
use crate::helpers::{Session, TestApp};
use crate::prompts::{NEW_VERSION, SET_LABEL};

pub const RUN_FIELDS: &str = "id status datasetVersion name
    targets { index kind version label name description }
    progress { total completed passed failed errored }
    tokensIn tokensOut costUsd
    aggregates { targetIndex total completed passed failed errored passRate meanScore
      latencyP50Ms latencyP95Ms tokensIn tokensOut costUsd
      evaluators { name count meanScore passRate errors } }
    results(first: 100) { edges { node { id itemId targetIndex status inputs expected output
      score passed error latencyMs workflowRunId
      verdicts { name score pass reason error weight required }
      expectedDiff { kind text } } } }";

/// A dataset of `items` (`{inputs, expected}` each) in the owner's organization; its id.
pub async fn dataset(app: &TestApp, owner: &Session, items: Vec<Value>) -> String {
    let name = format!("d-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let data = app
        .ok(
            Some(&owner.token),
            "mutation($org: ID!, $input: CreateDatasetInput!) { createDataset(orgId: $org, input: $input) { id } }",
            json!({ "org": owner.org_id, "input": { "name": name, "items": items } }),
        )
        .await;
    data["createDataset"]["id"].as_str().unwrap().to_owned()
}

/// Items whose `answer` input is their expected output, except where `expected` differs.
pub fn items(pairs: &[(&str, &str)]) -> Vec<Value> {
    pairs
        .iter()
        .map(|(answer, expected)| json!({ "inputs": { "answer": answer }, "expected": expected }))
        .collect()
}

/// A prompt on the mock `echo` model whose one user message is `template`; its id.
pub async fn echo_prompt(app: &TestApp, owner: &Session, template: &str) -> String {
    prompt_with(
        app,
        owner,
        template,
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await
}

/// Adds version `template` of `prompt` (on `echo`); its number.
pub async fn echo_version(app: &TestApp, owner: &Session, prompt: &str, template: &str) -> i64 {
    let input = json!({
        "messages": [{ "role": "USER", "content": template }],
        "model": { "provider": "MOCK", "model": "echo" },
    });
    let data = app
        .ok(
            Some(&owner.token),
            NEW_VERSION,
            json!({ "p": prompt, "input": input }),
        )
        .await;
    data["createPromptVersion"]["version"].as_i64().unwrap()
}

pub async fn label(app: &TestApp, owner: &Session, prompt: &str, label: &str, version: i64) {
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": label, "v": version }),
    )
    .await;
}

/// Starts a run; the whole response (data or errors).
pub async fn start(app: &TestApp, token: &str, input: Value) -> Value {
    app.gql(
        Some(token),
        "mutation($input: RunEvaluationInput!) { runEvaluation(input: $input) { id status progress { total } } }",
        json!({ "input": input }),
    )
    .await
}

/// Starts a run that must be accepted; its id.
pub async fn run(app: &TestApp, token: &str, input: Value) -> String {
    let body = start(app, token, input).await;
    assert!(body["errors"].is_null(), "{body:#}");
    body["data"]["runEvaluation"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn get(app: &TestApp, token: &str, run: &str) -> Value {
    let query = format!("query($r: ID!) {{ evaluationRun(id: $r) {{ {RUN_FIELDS} }} }}");
    app.ok(Some(token), &query, json!({ "r": run })).await["evaluationRun"].clone()
}

/// Polls the run until it ended (FINISHED, FAILED or CANCELLED).
pub async fn ended(app: &TestApp, token: &str, run: &str) -> Value {
    for _ in 0..300 {
        let found = get(app, token, run).await;
        if matches!(
            found["status"].as_str(),
            Some("FINISHED" | "FAILED" | "CANCELLED")
        ) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let found = get(app, token, run).await;
    for result in results_of(&found, 0) {
        if let Some(id) = result["workflowRunId"].as_str() {
            let w = app.gql(Some(token), "query($r: ID!) { workflowRun(id: $r) { status error nodes { key status error } } }", json!({ "r": id })).await;
            eprintln!("workflow run {id}: {w}");
        }
    }
    panic!("evaluation run {run} did not end: {found:#}");
}

/// The results of target `index`, in item order.
pub fn results_of(run: &Value, index: i64) -> Vec<Value> {
    run["results"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .filter(|node| node["targetIndex"] == index)
        .collect()
}

/// The two-sided exact McNemar p-value, computed here from first principles: twice the
/// probability of at most min(b, c) successes in b + c fair coin flips, capped at 1.
pub fn reference_mcnemar(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    let mut tail = 0.0;
    for i in 0..=k {
        // C(n, i) / 2^n, by products to stay exact for small n.
        let mut term = 1.0;
        for j in 0..i {
            term *= (n - j) as f64 / (j + 1) as f64;
        }
        tail += term / 2f64.powi(n as i32);
    }
    (2.0 * tail).min(1.0)
}

//! Shared steps of the workflow run tests: saving a workflow version, running it, waiting for
//! its end, and following `workflowRunEvents` over a real WebSocket.

use std::sync::Arc;

use serde_json::{Value, json};
use workers::mock_llm::{Faults, MockLlmConfig, MockLlmStats};

use crate::execution_helpers::{Protocol, connect_to, next, send};
use crate::helpers::{Session, TestApp};

pub const RUN: &str = "mutation($w: ID!, $inputs: JSON) {
    runWorkflow(workflowId: $w, input: {inputs: $inputs}) { id status } }";

pub const RUN_FIELDS: &str = "id status output error tokensIn tokensOut latencyMs criticalPath
    resumptions promptVersions
    nodes { key kind status attempt renderedInput output json defaulted error latencyMs
            tokensIn tokensOut startedAt finishedAt decision }";

pub const EVENTS: &str = "subscription($id: ID!, $after: Int) {
    workflowRunEvents(runId: $id, after: $after) {
        seq type node status attempt index item text error } }";

/// An `llm` node on the in-process mock (`echo` repeats the last user message).
pub fn echo(key: &str, content: &str) -> Value {
    json!({ "key": key, "kind": "llm",
            "messages": [{ "role": "user", "content": content }],
            "model": { "provider": "mock", "model": "echo" } })
}

/// An `llm` node on the mock's `lorem`: `tokens` words, one every `delay_ms`.
pub fn lorem(key: &str, tokens: u32, delay_ms: u32) -> Value {
    json!({ "key": key, "kind": "llm",
            "messages": [{ "role": "user", "content": "go" }],
            "model": { "provider": "mock", "model": "lorem",
                       "extra": { "tokens": tokens, "tokenDelayMs": delay_ms } } })
}

/// Saves `definition` (the export format) as version 1 of a new workflow of `owner`'s
/// organization, through `createWorkflow` and `importWorkflowVersion`; returns its id.
pub async fn save_workflow(app: &TestApp, owner: &Session, definition: Value) -> String {
    let name = format!("wf-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let created = app
        .ok(
            Some(&owner.token),
            "mutation($org: ID!, $name: String!) { createWorkflow(orgId: $org, input: {name: $name}) { id } }",
            json!({ "org": owner.org_id, "name": name }),
        )
        .await;
    let id = created["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let imported = app
        .ok(
            Some(&owner.token),
            "mutation($w: ID!, $json: String!) {
                importWorkflowVersion(workflowId: $w, input: {json: $json, commitMessage: \"test\"}) { version } }",
            json!({ "w": id, "json": definition.to_string() }),
        )
        .await;
    assert_eq!(imported["importWorkflowVersion"]["version"], 1);
    id
}

/// Starts a run; returns its id.
pub async fn run(app: &TestApp, token: &str, workflow: &str, inputs: Value) -> String {
    let data = app
        .ok(Some(token), RUN, json!({ "w": workflow, "inputs": inputs }))
        .await;
    // WAITING when it starts with an approval.
    let status = &data["runWorkflow"]["status"];
    assert!(status == "PENDING" || status == "WAITING", "{data}");
    data["runWorkflow"]["id"].as_str().expect("id").to_owned()
}

/// The run as it is now.
pub async fn get_run(app: &TestApp, token: &str, run: &str) -> Value {
    let query = format!("query($id: ID!) {{ workflowRun(id: $id) {{ {RUN_FIELDS} }} }}");
    app.ok(Some(token), &query, json!({ "id": run })).await["workflowRun"].clone()
}

/// Polls the run until its status is one of `statuses` (30 s at most).
pub async fn run_reaches(app: &TestApp, token: &str, run: &str, statuses: &[&str]) -> Value {
    for _ in 0..300 {
        let found = get_run(app, token, run).await;
        if statuses.contains(&found["status"].as_str().expect("status")) {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "run {run} did not reach {statuses:?}: {:#}",
        get_run(app, token, run).await
    );
}

/// Polls the run until it ended (FINISHED, FAILED or CANCELLED).
pub async fn ended(app: &TestApp, token: &str, run: &str) -> Value {
    run_reaches(app, token, run, &["FINISHED", "FAILED", "CANCELLED"]).await
}

/// The node `key` of a run read with `RUN_FIELDS`.
pub fn node<'a>(run: &'a Value, key: &str) -> &'a Value {
    run["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["key"] == key)
        .unwrap_or_else(|| panic!("no node {key} in {run:#}"))
}

/// Follows a run's events from `after` until the subscription completes.
pub async fn follow_run(base: &str, token: &str, run: &str, after: Option<i64>) -> Vec<Value> {
    let mut socket = connect_to(base, token, Protocol::TransportWs).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": EVENTS, "variables": { "id": run, "after": after } } }),
    )
    .await;
    let mut events = Vec::new();
    loop {
        let message = next(&mut socket).await;
        match message["type"].as_str() {
            Some("next") => {
                assert!(message["payload"]["errors"].is_null(), "{message}");
                events.push(message["payload"]["data"]["workflowRunEvents"].clone());
            }
            Some("complete") => return events,
            _ => panic!("unexpected message {message}"),
        }
    }
}

/// A `mock-llm` on a free port with `faults` (and `tokens_per_second` pacing, if any); its
/// base URL and what it saw.
pub async fn mock_llm_with_stats(
    faults: Faults,
    tokens_per_second: Option<f64>,
) -> (String, Arc<MockLlmStats>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (router, stats) = workers::mock_llm::router_with_stats(MockLlmConfig {
        faults,
        tokens_per_second,
        ..MockLlmConfig::default()
    });
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, stats)
}

/// Stores `owner`'s OpenAI key pointing at `mock-llm`.
pub async fn use_mock_llm(app: &TestApp, owner: &Session, base: &str) {
    app.ok(
        Some(&owner.token),
        "mutation($org: ID!, $url: String) {
            setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-test-abcdefghijklmnop\", baseUrl: $url}) { id } }",
        json!({ "org": owner.org_id, "url": format!("{base}/v1") }),
    )
    .await;
}

/// An `llm` node on OpenAI (which `use_mock_llm` points at `mock-llm`; it echoes).
pub fn openai(key: &str, content: &str) -> Value {
    json!({ "key": key, "kind": "llm",
            "messages": [{ "role": "user", "content": content }],
            "model": { "provider": "openai", "model": "gpt-4o-mini" } })
}

//! Traces of WebSocket operations, on a real process exporting to a receiver in the test:
//! each operation sent over a WebSocket is a span of its own — the root of its trace, named
//! and described like an HTTP operation's — with what it reads as its children; and the
//! plain-text log lines written inside a trace end with its trace id.

use serde_json::json;

use crate::execution_helpers::{Protocol, connect_to, next, send};
use crate::helpers::TestEnv;
use crate::otlp_helpers::Receiver;
use crate::process_helpers::{distributed, gql, start_logged};
use crate::workflow_process_helpers::owner;

const API: &str = "promptops-api";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_operations_are_spans_and_text_logs_carry_the_trace_id() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let (receiver, endpoint) = Receiver::start().await;
    let (api, logs) = start_logged(
        &env,
        &redis,
        "serve",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_SERVICE_NAME", API),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
            // No worker: the execution stays PENDING, its subscription open.
            ("PROMPTOPS_NO_WORKERS", "true"),
            ("PROMPTOPS_LOG", "debug"),
        ],
    )
    .await;
    let base = &api.base;
    let (token, org) = owner(base).await;
    let prompt = gql(base, &token,
        "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "traced", "version": {
            "messages": [{ "role": "USER", "content": "Hello {{ name }}" }],
            "model": { "provider": "MOCK", "model": "echo" } } } })).await["createPrompt"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let execution = gql(base, &token,
        "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"ws\"}}) { id } }",
        json!({ "p": prompt })).await["executePrompt"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Act: a subscription and a query over one WebSocket.
    let mut socket = connect_to(base, &token, Protocol::TransportWs).await;
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe", "payload": {
        "query": "subscription($id: ID!) { executionEvents(executionId: $id) { seq type } }",
        "variables": { "id": execution } } }),
    )
    .await;
    send(
        &mut socket,
        json!({ "id": "q", "type": "subscribe", "payload": {
        "query": "query Mine($id: ID!) { execution(id: $id) { status } }",
        "variables": { "id": execution }, "operationName": "Mine" } }),
    )
    .await;
    let mut answered = false;
    while !answered {
        let message = next(&mut socket).await;
        answered = message["id"] == "q" && message["type"] == "complete";
    }

    // A span ends (and is exported) with its operation: the subscription's when it stops.
    send(&mut socket, json!({ "id": "s", "type": "complete" })).await;

    // Assert: each operation is a root span with the operation's attributes…
    let subscription = receiver
        .wait_for("the subscription's span", |s| {
            s.service == API && s.name == "subscription executionEvents"
        })
        .await;
    assert_eq!(subscription.parent_id, "", "the root of its own trace");
    assert_eq!(
        subscription.attributes["graphql.operation.type"],
        "subscription"
    );
    assert_eq!(
        subscription.attributes["graphql.root_field"],
        "executionEvents"
    );
    assert!(subscription.attributes.contains_key("request_id"));
    let query = receiver
        .wait_for("the query's span", |s| {
            s.service == API && s.name == "query execution"
        })
        .await;
    assert_eq!(query.parent_id, "");
    assert_ne!(
        query.trace_id, subscription.trace_id,
        "a trace per operation"
    );
    assert_eq!(query.attributes["graphql.operation.name"], "Mine");
    // …with what it read under it.
    let statement = receiver
        .wait_for("a statement of the query", |s| {
            s.trace_id == query.trace_id && s.name.starts_with("SELECT")
        })
        .await;
    assert_eq!(statement.parent_id, query.span_id);
    // The text log lines written inside a trace end with its id.
    let traced: Vec<String> = logs
        .lock()
        .unwrap()
        .lines()
        .filter_map(|line| line.rsplit_once(" trace_id=").map(|(_, id)| id.to_owned()))
        .collect();
    assert!(!traced.is_empty(), "no text line carries a trace id");
    assert!(traced.iter().all(|id| id.len() == 32), "{traced:?}");
    let known: Vec<String> = receiver.spans().into_iter().map(|s| s.trace_id).collect();
    assert!(
        traced.iter().any(|id| known.contains(id)),
        "a logged trace id is an exported trace: {traced:?}"
    );
}

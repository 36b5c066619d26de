//! OpenTelemetry traces end to end, on real processes (PostgreSQL + Redis): an API server
//! without workers and a separate `promptops worker`, both exporting over OTLP/HTTP to a
//! receiver in the test. One trace runs from the `executePrompt` request through the job to
//! the worker's provider call, with the database and Redis calls as spans; the execution's
//! audit event carries its trace id; a workflow node and an evaluation item are spans under
//! their jobs in the trace of the mutation that started them.

use std::time::{Duration, Instant};

use sea_orm::Database;
use serde_json::{Value, json};

use crate::helpers::TestEnv;
use crate::otlp_helpers::{Received, Receiver, ancestors};
use crate::process_helpers::{distributed, gql, start, wait_finished};
use crate::workflow_process_helpers::{ended, owner, run, save_workflow};

const API: &str = "promptops-api";
const WORKER: &str = "promptops-worker";

fn traced<'a>(endpoint: &'a str, service: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_SERVICE_NAME", service),
        // Export every 200 ms rather than every 5 s.
        ("OTEL_BSP_SCHEDULE_DELAY", "200"),
        ("PROMPTOPS_NO_WORKERS", "true"),
    ]
}

/// The nearest ancestor of `span` named `name`, with its position in the chain.
fn ancestor<'a>(chain: &'a [Received], name: &str) -> (usize, &'a Received) {
    chain
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no `{name}` above: {:?}",
                chain.iter().map(|s| &s.name).collect::<Vec<_>>()
            )
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_runs_from_the_request_through_the_job_to_the_provider_call() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let (receiver, endpoint) = Receiver::start().await;
    let api_env = traced(&endpoint, API);
    let mut worker_env = traced(&endpoint, WORKER);
    worker_env[3] = ("PROMPTOPS_WORKER_ID", "traced-worker");
    let (api, _worker) = tokio::join!(
        start(&env, &redis, "serve", &api_env),
        start(&env, &redis, "worker", &worker_env),
    );
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
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

    // Act: one execution, run by the worker process.
    let executed = gql(base, &token,
        "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"world\"}}) { id } }",
        json!({ "p": prompt })).await;
    let execution = executed["executePrompt"]["id"].as_str().unwrap().to_owned();
    let row = wait_finished(&db, &execution, Duration::from_secs(30)).await;
    assert_eq!(row.status, "SUCCEEDED");

    // The provider call, in the worker process, with its model, outcome and tokens.
    let call = receiver
        .wait_for("chat echo from the worker", |s| {
            s.service == WORKER && s.name == "chat echo"
        })
        .await;
    assert_eq!(call.attributes["gen_ai.provider.name"], "mock");
    assert_eq!(call.attributes["gen_ai.request.model"], "echo");
    assert_eq!(call.attributes["outcome"], "ok");
    assert!(call.attributes.contains_key("gen_ai.usage.output_tokens"));
    // Its whole chain: provider call → job (worker) → GraphQL operation → HTTP request (API).
    let trace_id = call.trace_id.clone();
    let whole = settle(&receiver, &trace_id).await;
    let chain = ancestors(&whole, &call);
    let (job_at, job) = ancestor(&chain, "job execution");
    assert_eq!(job.service, WORKER);
    assert_eq!(job.attributes["job.kind"], "execution");
    let (op_at, operation) = ancestor(&chain, "mutation executePrompt");
    assert_eq!(operation.service, API);
    assert_eq!(operation.attributes["graphql.operation.type"], "mutation");
    assert!(job_at < op_at);
    let root = chain.last().unwrap();
    assert_eq!(
        (root.service.as_str(), root.name.as_str()),
        (API, "POST /graphql")
    );
    assert_eq!(root.parent_id, "");
    assert_eq!(
        chain[op_at + 1].span_id,
        root.span_id,
        "the operation is the request's child"
    );
    // The job's parent is the API span that wrote its row: inside the operation.
    let writer = whole.iter().find(|s| s.span_id == job.parent_id).unwrap();
    assert_eq!(writer.service, API);
    assert!(
        writer.span_id == operation.span_id
            || ancestors(&whole, writer)
                .iter()
                .any(|s| s.span_id == operation.span_id)
    );
    // Database statements on both sides, and Redis calls (the API's XADD of the job).
    let statements = |service: &str| {
        whole
            .iter()
            .filter(|s| {
                s.service == service
                    && s.attributes.get("db.system.name").map(String::as_str) == Some("postgresql")
            })
            .count()
    };
    assert!(statements(API) > 0, "the API's statements are spans");
    assert!(statements(WORKER) > 0, "the worker's statements are spans");
    assert!(
        whole.iter().any(|s| s.service == API
            && s.name == "EVALSHA"
            && s.attributes.get("db.system.name").map(String::as_str) == Some("redis")),
        "the job's publication is a Redis span"
    );
    let inserts = whole
        .iter()
        .filter(|s| s.service == API && s.name.starts_with("INSERT"))
        .collect::<Vec<_>>();
    assert!(
        inserts
            .iter()
            .any(|s| s.attributes["db.query.text"].contains("\"jobs\"")),
        "the job's insert is traced: {inserts:#?}"
    );

    // The audit event of that execute carries the same trace id.
    let audit = gql(base, &token,
        "query($org: ID!) { auditEvents(orgId: $org, first: 50) { nodes { action resourceId requestId traceId } } }",
        json!({ "org": org })).await;
    let event = audit["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "execution.create" && e["resourceId"] == execution.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("no audit event of the execution: {audit}"));
    assert_eq!(event["traceId"], trace_id.as_str());

    // A workflow node: its span under its job, in the trace of `runWorkflow`.
    let node = json!({ "key": "greet", "kind": "llm",
        "messages": [{ "role": "user", "content": "go" }],
        "model": { "provider": "mock", "model": "lorem", "extra": { "tokens": 3 } } });
    let workflow = save_workflow(
        base,
        &token,
        &org,
        json!({ "inputs": [], "nodes": [node], "edges": [], "output": "{{ nodes.greet.output }}" }),
    )
    .await;
    let run_id = run(base, &token, &workflow, json!({})).await;
    let finished = ended(base, &token, &run_id, Duration::from_secs(30)).await;
    assert_eq!(finished["status"], "FINISHED", "{finished}");
    let node_span = receiver
        .wait_for("of the workflow node", |s| {
            s.service == WORKER
                && s.name == "workflow node greet"
                && s.attributes.get("workflow.run.id").map(String::as_str) == Some(run_id.as_str())
        })
        .await;
    let whole = settle(&receiver, &node_span.trace_id).await;
    let chain = ancestors(&whole, &node_span);
    assert_eq!(
        chain[0].name, "job workflow_node",
        "the node span is its job's child"
    );
    ancestor(&chain, "mutation runWorkflow");
    assert!(
        whole.iter().any(|s| s.name == "chat lorem"
            && ancestors(&whole, s)
                .iter()
                .any(|a| a.span_id == node_span.span_id)),
        "the node's provider call is under the node"
    );

    // An evaluation item: its span under its job, in the trace of `runEvaluation`.
    let dataset = gql(base, &token,
        "mutation($org: ID!, $input: CreateDatasetInput!) { createDataset(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "traced", "items": [
            { "inputs": { "name": "world" }, "expected": "Hello world" }] } })).await["createDataset"]["id"].clone();
    let evaluation = gql(
        base,
        &token,
        "mutation($input: RunEvaluationInput!) { runEvaluation(input: $input) { id } }",
        json!({ "input": { "datasetId": dataset, "targets": [{ "prompt": { "promptId": prompt } }],
                           "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }],
                           "useCache": false } }),
    )
    .await["runEvaluation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    evaluation_finished(base, &token, &evaluation).await;
    let item = receiver
        .wait_for("of the evaluation item", |s| {
            s.service == WORKER
                && s.name.starts_with("evaluation item")
                && s.attributes.get("evaluation.run.id").map(String::as_str)
                    == Some(evaluation.as_str())
        })
        .await;
    let whole = settle(&receiver, &item.trace_id).await;
    let chain = ancestors(&whole, &item);
    assert_eq!(
        chain[0].name, "job evaluation_item",
        "the item span is its job's child"
    );
    ancestor(&chain, "mutation runEvaluation");
}

/// The spans of a trace once no more arrive for a moment (both processes export in batches).
async fn settle(receiver: &Receiver, trace_id: &str) -> Vec<Received> {
    let mut seen = receiver.trace(trace_id).len();
    loop {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let now = receiver.trace(trace_id);
        if now.len() == seen {
            return now;
        }
        seen = now.len();
    }
}

async fn evaluation_finished(base: &str, token: &str, run: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen: Value = gql(
            base,
            token,
            "query($r: ID!) { evaluationRun(id: $r) { status } }",
            json!({ "r": run }),
        )
        .await;
        if seen["evaluationRun"]["status"] == "FINISHED" {
            return;
        }
        assert!(Instant::now() < deadline, "not finished: {seen}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

//! Workflow runs when things go wrong: every failure policy, a node retried after a provider's
//! 500, an approval (refused to a viewer, answered by an editor), and a run cancelled mid-node.

use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use workers::mock_llm::Faults;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code};
use crate::workflow_helpers::{
    echo, ended, get_run, mock_llm_with_stats, node, openai, run, run_reaches, save_workflow,
    use_mock_llm,
};
use crate::ws_helpers::spawn_with;
use entities::job;

/// A node on the mock's `error` model: one token, then a provider error.
fn failing(key: &str, on_failure: Value) -> Value {
    json!({ "key": key, "kind": "llm", "onFailure": on_failure,
            "messages": [{ "role": "user", "content": "x" }],
            "model": { "provider": "mock", "model": "error" } })
}

fn slow(key: &str) -> Value {
    json!({ "key": key, "kind": "llm",
            "messages": [{ "role": "user", "content": "go" }],
            "model": { "provider": "mock", "model": "lorem",
                       "extra": { "tokens": 200, "tokenDelayMs": 50 } } })
}

async fn every_failure_policy(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let token = owner.token.clone();

    // continue: the node FAILS, its dependants run and see its status.
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [failing("a", json!({ "policy": "continue" })),
                      echo("b", "a was {{ nodes.a.status }}")],
            "edges": [{ "from": "a", "to": "b" }],
            "output": "{{ nodes.b.output }}"
        }),
    )
    .await;
    let done = ended(
        &app,
        &token,
        &run(&app, &token, &workflow, Value::Null).await,
    )
    .await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(node(&done, "a")["status"], "FAILED");
    assert!(
        node(&done, "a")["error"]
            .as_str()
            .unwrap()
            .contains("mock error")
    );
    assert_eq!(done["output"], "a was FAILED");

    // default: the node COMPLETES with its default output, marked defaulted.
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [failing("a", json!({ "policy": "default", "output": "fallback" })),
                      echo("b", "got {{ nodes.a.output }}")],
            "edges": [{ "from": "a", "to": "b" }],
            "output": "{{ nodes.b.output }}"
        }),
    )
    .await;
    let done = ended(
        &app,
        &token,
        &run(&app, &token, &workflow, Value::Null).await,
    )
    .await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    let a = node(&done, "a");
    assert_eq!(
        (&a["status"], &a["defaulted"], &a["output"]),
        (&json!("COMPLETED"), &json!(true), &json!("fallback"))
    );
    assert!(
        a["error"].as_str().unwrap().contains("mock error"),
        "the error is kept: {a}"
    );
    assert_eq!(done["output"], "got fallback");

    // branch: only the edges marked onFailure leave it.
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [failing("a", json!({ "policy": "branch" })),
                      echo("happy", "fine"), echo("rescue", "rescued")],
            "edges": [{ "from": "a", "to": "happy" },
                      { "from": "a", "to": "rescue", "onFailure": true }],
            "output": "{{ nodes.rescue.output }}"
        }),
    )
    .await;
    let done = ended(
        &app,
        &token,
        &run(&app, &token, &workflow, Value::Null).await,
    )
    .await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(node(&done, "happy")["status"], "SKIPPED");
    assert_eq!(node(&done, "rescue")["status"], "COMPLETED");
    assert_eq!(done["output"], "rescued");

    // abort (the default): the run FAILS and its running sibling is cancelled.
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [failing("a", json!({ "policy": "abort" })), slow("sibling"),
                      echo("after", "{{ nodes.a.output }}{{ nodes.sibling.output }}")],
            "edges": [{ "from": "a", "to": "after" }, { "from": "sibling", "to": "after" }],
            "output": "{{ nodes.after.output }}"
        }),
    )
    .await;
    let done = ended(
        &app,
        &token,
        &run(&app, &token, &workflow, Value::Null).await,
    )
    .await;
    assert_eq!(done["status"], "FAILED", "{done:#}");
    assert!(
        done["error"]
            .as_str()
            .unwrap()
            .starts_with("node `a` failed"),
        "{done:#}"
    );
    assert_eq!(node(&done, "sibling")["status"], "CANCELLED");
    assert_eq!(node(&done, "sibling")["output"], Value::Null);
    assert_eq!(node(&done, "after")["status"], "CANCELLED");
    assert_eq!(node(&done, "after")["startedAt"], Value::Null);
}

/// A node whose provider answers 500 once is retried by its policy and succeeds on attempt 2.
async fn a_node_retries_after_a_500(backend: Backend) {
    // The provider client's own retries are off: the node's policy does the retrying.
    let app = spawn_with(backend, |config| config.llm_max_retries = 0).await;
    let owner = app.sign_up("owner").await;
    let (llm, stats) = mock_llm_with_stats(
        Faults {
            server_error_first: 1,
            ..Faults::default()
        },
        None,
    )
    .await;
    use_mock_llm(&app, &owner, &llm).await;
    let mut flaky = openai("flaky", "hello there");
    flaky["retry"] = json!({ "maxAttempts": 2, "backoffMs": 20 });
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [flaky], "output": "{{ nodes.flaky.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(node(&done, "flaky")["attempt"], 2);
    assert_eq!(done["output"], "hello there");
    assert_eq!(stats.requests(), 2);
}

/// An approval waits (node and run WAITING); a viewer may not answer it; an editor's answer
/// resumes the run, and the approver's input is the node's output.
async fn an_approval_waits_for_an_editor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let viewer = app.sign_up("viewer").await;
    let editor = app.sign_up("editor").await;
    app.add_member(&owner, &owner.org_id, &viewer, "viewer")
        .await;
    app.add_member(&owner, &owner.org_id, &editor, "editor")
        .await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [echo("draft", "a draft"),
                      { "key": "review", "kind": "approval", "instructions": "Check the draft" },
                      echo("publish", "{{ nodes.draft.output }} / {{ nodes.review.json.note }}")],
            "edges": [{ "from": "draft", "to": "review" }, { "from": "review", "to": "publish" }],
            "output": "{{ nodes.publish.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let waiting = run_reaches(&app, &owner.token, &id, &["WAITING"]).await;
    assert_eq!(node(&waiting, "review")["status"], "WAITING");
    assert_eq!(node(&waiting, "publish")["status"], "PENDING");
    const RESUME: &str = "mutation($id: ID!, $input: JSON) {
        resumeWorkflowRun(runId: $id, input: {nodeKey: \"review\", approved: true, input: $input}) { status } }";
    let body = app
        .gql(
            Some(&viewer.token),
            RESUME,
            json!({ "id": id, "input": { "note": "ok" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(get_run(&app, &owner.token, &id).await["status"], "WAITING");
    app.ok(
        Some(&editor.token),
        RESUME,
        json!({ "id": id, "input": { "note": "lgtm" } }),
    )
    .await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(done["output"], "a draft / lgtm");
    assert_eq!(node(&done, "review")["decision"]["approved"], true);
    assert_eq!(
        node(&done, "review")["decision"]["byUser"],
        json!(editor.user_id)
    );
    // Answering again is refused: it no longer waits.
    let body = app
        .gql(Some(&editor.token), RESUME, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

/// Cancelling mid-node stops its job at once; the run is CANCELLED and nothing runs after.
async fn cancel_stops_every_node(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [slow("a"), slow("b"), echo("c", "{{ nodes.a.output }}{{ nodes.b.output }}")],
            "edges": [{ "from": "a", "to": "c" }, { "from": "b", "to": "c" }],
            "output": "{{ nodes.c.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    for _ in 0..100 {
        let now = get_run(&app, &owner.token, &id).await;
        if node(&now, "a")["status"] == "EXECUTING" && node(&now, "b")["status"] == "EXECUTING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let cancelled = app
        .ok(
            Some(&owner.token),
            "mutation($id: ID!) { cancelWorkflowRun(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(cancelled["cancelWorkflowRun"]["status"], "CANCELLED");
    // The jobs end: none is left PENDING or RUNNING.
    for _ in 0..50 {
        let open = job::Entity::find()
            .filter(job::Column::Kind.eq("workflow_node"))
            .filter(job::Column::Status.is_in(["PENDING", "RUNNING"]))
            .all(&app.app.db)
            .await
            .unwrap();
        if open.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let done = get_run(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "CANCELLED");
    for key in ["a", "b", "c"] {
        assert_eq!(node(&done, key)["status"], "CANCELLED", "{key}: {done:#}");
        assert_eq!(node(&done, key)["output"], Value::Null);
    }
    assert_eq!(node(&done, "c")["startedAt"], Value::Null, "c never ran");
    let open = job::Entity::find()
        .filter(job::Column::Kind.eq("workflow_node"))
        .filter(job::Column::Status.is_in(["PENDING", "RUNNING"]))
        .all(&app.app.db)
        .await
        .unwrap();
    assert!(open.is_empty(), "{open:?}");
}

backend_tests!(
    every_failure_policy,
    a_node_retries_after_a_500,
    an_approval_waits_for_an_editor,
    cancel_stops_every_node,
);

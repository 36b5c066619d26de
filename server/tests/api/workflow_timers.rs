//! Workflow runs over time: approvals and runs past their deadline, a node past its timeout,
//! a prompt label moved mid-run (the run keeps the version it pinned), a map that skips its
//! failed items, the organization's run feed, and the audit trail of run commands.

use std::time::Duration;

use serde_json::{Value, json};
use workers::mock_llm::Faults;

use crate::backend_tests;
use crate::execution_helpers::{Protocol, connect, next, prompt_with, send};
use crate::helpers::{Backend, TestApp};
use crate::prompts::{NEW_VERSION, SET_LABEL};
use crate::workflow_helpers::{
    echo, ended, get_run, lorem, mock_llm_with_stats, node, openai, run, save_workflow,
    use_mock_llm,
};
use crate::ws_helpers::spawn_with;

/// Nobody answers an approval within its timeout: it FAILS (the reconciler's timer), and its
/// policy — abort — fails the run.
async fn an_unanswered_approval_times_out(backend: Backend) {
    let app = spawn_with(backend, |config| config.reconcile_secs = 1).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [{ "key": "review", "kind": "approval", "timeoutSecs": 1 },
                      echo("after", "approved")],
            "edges": [{ "from": "review", "to": "after" }],
            "output": "{{ nodes.after.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FAILED", "{done:#}");
    let review = node(&done, "review");
    assert_eq!(review["status"], "FAILED");
    assert!(
        review["error"]
            .as_str()
            .unwrap()
            .contains("before its timeout"),
        "{review}"
    );
    assert_eq!(node(&done, "after")["status"], "CANCELLED");
}

/// A run past its own timeout FAILS, its running node stopped.
async fn a_run_past_its_timeout_fails(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [lorem("slow", 200, 50)],
            "output": "{{ nodes.slow.output }}",
            "timeoutSecs": 1
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FAILED", "{done:#}");
    assert_eq!(done["error"], "the run took longer than its timeout");
    assert!(done["latencyMs"].as_i64().unwrap() < 5_000, "{done:#}");
}

/// A node past its timeout is retried by its policy, then fails with the reason.
async fn a_node_past_its_timeout_is_retried_then_fails(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mut slow = lorem("slow", 200, 50);
    slow["timeoutSecs"] = json!(1);
    slow["retry"] = json!({ "maxAttempts": 2, "backoffMs": 10 });
    slow["onFailure"] = json!({ "policy": "continue" });
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [slow], "output": "{{ nodes.slow.status }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    let slow = node(&done, "slow");
    assert_eq!(
        (&slow["status"], &slow["attempt"]),
        (&json!("FAILED"), &json!(2))
    );
    assert!(
        slow["error"].as_str().unwrap().contains("timeout (1 s)"),
        "{slow}"
    );
    assert_eq!(done["output"], "FAILED");
}

/// A prompt node by label runs the version the label pointed at when the run started, even
/// when the label moves while the run is going.
async fn a_label_moved_mid_run_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let model = json!({ "provider": "MOCK", "model": "echo" });
    let prompt = prompt_with(&app, &owner, "first {{ x }}", model.clone()).await;
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 1 }),
    )
    .await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [lorem("wait", 10, 50),
                      { "key": "p", "kind": "prompt", "promptId": prompt, "label": "production",
                        "variables": { "x": "now" } }],
            "edges": [{ "from": "wait", "to": "p" }],
            "output": "{{ nodes.p.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    assert_eq!(
        get_run(&app, &owner.token, &id).await["promptVersions"]["p"]["version"],
        1
    );
    let second = json!({ "messages": [{ "role": "USER", "content": "second {{ x }}" }],
                         "model": model, "commitMessage": "v2" });
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": second }),
    )
    .await;
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 2 }),
    )
    .await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(node(&done, "wait")["status"], "COMPLETED");
    assert_eq!(done["output"], "first now");
    // A new run takes the moved label.
    let again = run(&app, &owner.token, &workflow, Value::Null).await;
    assert_eq!(
        ended(&app, &owner.token, &again).await["output"],
        "second now"
    );
}

/// A map whose items fail with `onItemFailure: skip` completes, null in their place.
async fn a_map_skips_its_failed_items(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "people", "type": "ARRAY" }],
            "nodes": [{ "key": "names", "kind": "map", "source": "inputs.people", "concurrency": 2,
                        "onItemFailure": "skip",
                        "step": { "kind": "template", "template": "{{ item.name | upper }}" } }],
            "output": "{{ nodes.names.output }}"
        }),
    )
    .await;
    let people = json!([{ "name": "ada" }, { "nick": "bob" }, { "name": "cy" }]);
    let id = run(&app, &owner.token, &workflow, json!({ "people": people })).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(node(&done, "names")["json"], json!(["ADA", null, "CY"]));
}

/// A map item whose provider call fails once is retried on its own by the node's policy: the
/// map completes at its first attempt, and only that item was asked twice.
async fn a_map_retries_a_flaky_item_alone(backend: Backend) {
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
    let mut inner = openai("unused", "say {{ item }}");
    inner.as_object_mut().unwrap().remove("key");
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "words", "type": "ARRAY" }],
            "nodes": [{ "key": "each", "kind": "map", "source": "inputs.words", "concurrency": 1,
                        "retry": { "maxAttempts": 2, "backoffMs": 10 }, "step": inner }],
            "output": "{{ nodes.each.output }}"
        }),
    )
    .await;
    let id = run(
        &app,
        &owner.token,
        &workflow,
        json!({ "words": ["a", "b", "c"] }),
    )
    .await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(
        node(&done, "each")["json"],
        json!(["say a", "say b", "say c"])
    );
    assert_eq!(node(&done, "each")["attempt"], 1, "the map itself ran once");
    assert_eq!(stats.requests(), 4, "three items, the first asked twice");
}

/// `orgWorkflowRunUpdates` follows a run's status changes; the run commands are audited.
async fn the_org_feed_and_the_audit_trail(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [lorem("a", 5, 20)], "output": "{{ nodes.a.output }}"
        }),
    )
    .await;
    let mut socket = connect(&app, &owner.token, Protocol::TransportWs).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($org: ID!) { orgWorkflowRunUpdates(orgId: $org) { id status } }",
        "variables": { "org": owner.org_id } } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let mut statuses = Vec::new();
    while statuses.last().map(String::as_str) != Some("FINISHED") {
        let update = next(&mut socket).await;
        let update = &update["payload"]["data"]["orgWorkflowRunUpdates"];
        assert_eq!(update["id"], id.as_str(), "{update}");
        statuses.push(update["status"].as_str().unwrap().to_owned());
    }
    assert!(statuses.len() >= 2, "{statuses:?}");

    let failed = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [lorem("a", 200, 50)], "output": "{{ nodes.a.output }}"
        }),
    )
    .await;
    let second = run(&app, &owner.token, &failed, Value::Null).await;
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { cancelWorkflowRun(id: $id) { status } }",
        json!({ "id": second }),
    )
    .await;
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { retryWorkflowRun(runId: $id) { status } }",
        json!({ "id": second }),
    )
    .await;
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { cancelWorkflowRun(id: $id) { status } }",
        json!({ "id": second }),
    )
    .await;
    let audit = app
        .ok(Some(&owner.token),
            "query($org: ID!) { auditEvents(orgId: $org, first: 20) { edges { node { action resourceId } } } }",
            json!({ "org": owner.org_id }))
        .await;
    let actions: Vec<(String, String)> = audit["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["node"]["action"]
                .as_str()
                .unwrap()
                .starts_with("workflow_run.")
        })
        .map(|e| {
            (
                e["node"]["action"].as_str().unwrap().to_owned(),
                e["node"]["resourceId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("workflow_run.cancel", &second),
        ("workflow_run.retry", &second),
        ("workflow_run.cancel", &second),
        ("workflow_run.create", &second),
        ("workflow_run.create", &id),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, r)| ((*a).to_owned(), (*r).clone()))
        .collect();
    assert_eq!(actions, expected);
}

backend_tests!(
    an_unanswered_approval_times_out,
    a_run_past_its_timeout_fails,
    a_node_past_its_timeout_is_retried_then_fails,
    a_label_moved_mid_run_changes_nothing,
    a_map_skips_its_failed_items,
    a_map_retries_a_flaky_item_alone,
    the_org_feed_and_the_audit_trail,
);

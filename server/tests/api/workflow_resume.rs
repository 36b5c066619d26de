//! Resuming failed runs: from the failed node after its prompt was fixed (what completed is
//! not run again, and the run's events continue past the old end), with a fresh retry budget
//! for the nodes that run again; and a refused approval whose policy gives a default.

use serde_json::{Value, json};
use workers::mock_llm::Faults;

use crate::backend_tests;
use crate::execution_helpers::prompt_with;
use crate::helpers::{Backend, TestApp, error_code};
use crate::prompts::NEW_VERSION;
use crate::workflow_helpers::{
    echo, ended, follow_run, mock_llm_with_stats, node, openai, run, run_reaches, save_workflow,
    use_mock_llm,
};

/// A run whose third node fails; its prompt is fixed with a new version; `retryWorkflowRun`
/// finishes it, and the first two nodes were executed once in all (mock-llm's count).
async fn retry_resumes_from_the_failed_node(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (llm, stats) = mock_llm_with_stats(Faults::default(), None).await;
    use_mock_llm(&app, &owner, &llm).await;
    let model = json!({ "provider": "OPENAI", "model": "gpt-4o-mini" });
    // Version 1 reads a variable the workflow does not give: the node fails to render.
    let prompt = prompt_with(
        &app,
        &owner,
        "Summarize {{ text }} {{ forgotten }}",
        model.clone(),
    )
    .await;
    let workflow = save_workflow(&app, &owner, json!({
        "nodes": [openai("research", "research tides"),
                  openai("analyze", "analyze {{ nodes.research.output }}"),
                  { "key": "summarize", "kind": "prompt", "promptId": prompt,
                    "variables": { "text": "{{ nodes.analyze.output }}" } }],
        "edges": [{ "from": "research", "to": "analyze" }, { "from": "analyze", "to": "summarize" }],
        "output": "{{ nodes.summarize.output }}"
    })).await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let failed = ended(&app, &owner.token, &id).await;
    assert_eq!(failed["status"], "FAILED", "{failed:#}");
    assert_eq!(node(&failed, "summarize")["status"], "FAILED");
    assert!(
        node(&failed, "summarize")["error"]
            .as_str()
            .unwrap()
            .contains("forgotten")
    );
    assert_eq!(stats.requests(), 2);

    let fixed = json!({ "messages": [{ "role": "USER", "content": "Summarize {{ text }}" }],
                        "model": model, "commitMessage": "drop the forgotten variable" });
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": fixed }),
    )
    .await;
    let retried = app
        .ok(
            Some(&owner.token),
            "mutation($id: ID!) { retryWorkflowRun(runId: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(retried["retryWorkflowRun"]["status"], "RUNNING");
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(done["output"], "Summarize analyze research tides");
    assert_eq!(
        stats.requests(),
        3,
        "research and analyze were not asked again"
    );
    assert_eq!(node(&done, "research")["attempt"], 1);
    assert_eq!(node(&done, "analyze")["attempt"], 1);
    assert_eq!(done["promptVersions"]["summarize"]["version"], 2);
    let resumptions = done["resumptions"].as_array().unwrap();
    assert_eq!(resumptions.len(), 1);
    assert_eq!(resumptions[0]["nodes"], json!(["summarize"]));
    assert_eq!(resumptions[0]["after"], "FAILED");
    // Followed from the start, the stream goes past the first FAILED to the resumption's end.
    let events = follow_run(&app.base, &owner.token, &id, None).await;
    let ends: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "RUN_STATUS")
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        ends,
        ["PENDING", "RUNNING", "FAILED", "RUNNING", "FINISHED"]
    );
    // A finished run cannot be retried.
    let body = app
        .gql(
            Some(&owner.token),
            "mutation($id: ID!) { retryWorkflowRun(runId: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

/// A node that used up its retries fails the run; the resumed run gives it its retries again.
async fn a_resumed_node_gets_its_retries_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(&app, &owner, json!({
        "nodes": [{ "key": "flaky", "kind": "llm", "retry": { "maxAttempts": 2, "backoffMs": 10 },
                    "messages": [{ "role": "user", "content": "x" }],
                    "model": { "provider": "mock", "model": "error" } }],
        "output": "{{ nodes.flaky.output }}"
    })).await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let failed = ended(&app, &owner.token, &id).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(node(&failed, "flaky")["attempt"], 2);
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { retryWorkflowRun(runId: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    let again = ended(&app, &owner.token, &id).await;
    assert_eq!(again["status"], "FAILED");
    assert_eq!(
        node(&again, "flaky")["attempt"],
        4,
        "two more attempts, not one"
    );
}

/// An approval refused with `onFailure: default` COMPLETES with the default, and what follows
/// runs.
async fn a_refused_approval_takes_its_default(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [{ "key": "review", "kind": "approval",
                        "onFailure": { "policy": "default", "output": "not approved" } },
                      echo("next", "review said: {{ nodes.review.output }}")],
            "edges": [{ "from": "review", "to": "next" }],
            "output": "{{ nodes.next.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    run_reaches(&app, &owner.token, &id, &["WAITING"]).await;
    app.ok(Some(&owner.token),
        "mutation($id: ID!) { resumeWorkflowRun(runId: $id, input: {nodeKey: \"review\", approved: false}) { status } }",
        json!({ "id": id })).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    let review = node(&done, "review");
    assert_eq!(
        (&review["status"], &review["defaulted"]),
        (&json!("COMPLETED"), &json!(true))
    );
    assert_eq!(review["error"], "refused by the approver");
    assert_eq!(done["output"], "review said: not approved");
}

backend_tests!(
    retry_resumes_from_the_failed_node,
    a_resumed_node_gets_its_retries_again,
    a_refused_approval_takes_its_default,
);

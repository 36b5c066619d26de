//! The requests the authorization matrix sends for the workflow operations, with the
//! workflow they act on created first in the target organization.

use serde_json::json;

use crate::authz_requests::{Org, Request};
use crate::helpers::TestApp;
use crate::workflow_crud::{create_workflow, definition};

/// Builds the request for workflow operation `op` against `org`.
pub async fn request(app: &TestApp, op: &str, org: &Org) -> Request {
    let unique = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    if op == "workflows" {
        return Request(
            "query($org: ID!) { workflows(orgId: $org) { totalCount } }".into(),
            json!({ "org": org.id }),
        );
    }
    if op == "createWorkflow" {
        return Request(
            "mutation($org: ID!, $input: CreateWorkflowInput!) { createWorkflow(orgId: $org, input: $input) { id } }".into(),
            json!({ "org": org.id, "input": { "name": format!("w {unique}"), "definition": definition("x") } }),
        );
    }
    let workflow = create_workflow(app, &org.owner, &format!("w {unique}")).await;
    if op == "removeWorkflowLabel" {
        app.ok(
            Some(&org.owner.token),
            "mutation($w: ID!) { setWorkflowLabel(workflowId: $w, input: {label: \"staging\", version: 1}) { name } }",
            json!({ "w": workflow }),
        )
        .await;
    }
    // The export format (not the GraphQL input's): kinds tagged by `kind`.
    let exported = json!({
        "nodes": [{ "key": "a", "kind": "template", "template": "x" }],
        "output": "{{ nodes.a.output }}"
    })
    .to_string();
    let vars =
        json!({ "w": workflow, "input": { "definition": definition("z") }, "json": exported });
    let query = match op {
        "workflow" => "query($w: ID!) { workflow(id: $w) { id labels { name } } }",
        "updateWorkflow" => {
            "mutation($w: ID!) { updateWorkflow(id: $w, input: {description: \"new\"}) { id } }"
        }
        "deleteWorkflow" => "mutation($w: ID!) { deleteWorkflow(id: $w) }",
        "createWorkflowVersion" => {
            "mutation($w: ID!, $input: WorkflowVersionInput!) { createWorkflowVersion(workflowId: $w, input: $input) { version } }"
        }
        "importWorkflowVersion" => {
            "mutation($w: ID!, $json: String!) { importWorkflowVersion(workflowId: $w, input: {json: $json}) { version } }"
        }
        "setWorkflowLabel" => {
            "mutation($w: ID!) { setWorkflowLabel(workflowId: $w, input: {label: \"production\", version: 1}) { name } }"
        }
        "removeWorkflowLabel" => {
            "mutation($w: ID!) { removeWorkflowLabel(workflowId: $w, label: \"staging\") }"
        }
        other => panic!("the matrix has no workflow request for `{other}`: add one"),
    };
    Request(query.into(), vars)
}

/// Builds the request for workflow run operation `op` against `org`: a workflow whose run
/// waits at once on an approval, and a run of it (cancelled first for `retryWorkflowRun`).
pub async fn run_request(app: &TestApp, op: &str, org: &Org) -> Request {
    let unique = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let owner = &org.owner;
    let workflow = create_workflow(app, owner, &format!("r {unique}")).await;
    let waiting = json!({
        "nodes": [{ "key": "ok", "kind": "approval" },
                  { "key": "a", "kind": "template", "template": "x" }],
        "edges": [{ "from": "ok", "to": "a" }],
        "output": "{{ nodes.a.output }}"
    })
    .to_string();
    app.ok(
        Some(&owner.token),
        "mutation($w: ID!, $json: String!) { importWorkflowVersion(workflowId: $w, input: {json: $json}) { version } }",
        json!({ "w": workflow, "json": waiting }),
    )
    .await;
    let started = app
        .ok(
            Some(&owner.token),
            "mutation($w: ID!) { runWorkflow(workflowId: $w) { id } }",
            json!({ "w": workflow }),
        )
        .await;
    let run = started["runWorkflow"]["id"].clone();
    if op == "retryWorkflowRun" {
        app.ok(
            Some(&owner.token),
            "mutation($r: ID!) { cancelWorkflowRun(id: $r) { status } }",
            json!({ "r": run }),
        )
        .await;
    }
    // `rw` tells `outcome` to run the workflow once more, for subscriptions to see.
    let vars = json!({ "r": run, "w": workflow, "org": org.id, "rw": workflow });
    let query = match op {
        "workflowRun" => "query($r: ID!) { workflowRun(id: $r) { id status nodes { key } } }",
        "workflowRuns" => "query($org: ID!) { workflowRuns(orgId: $org) { totalCount } }",
        "runWorkflow" => "mutation($w: ID!) { runWorkflow(workflowId: $w) { id } }",
        "cancelWorkflowRun" => "mutation($r: ID!) { cancelWorkflowRun(id: $r) { status } }",
        "resumeWorkflowRun" => {
            "mutation($r: ID!) { resumeWorkflowRun(runId: $r, input: {nodeKey: \"ok\", approved: true}) { status } }"
        }
        "retryWorkflowRun" => "mutation($r: ID!) { retryWorkflowRun(runId: $r) { status } }",
        "workflowRunEvents" => {
            "subscription($r: ID!) { workflowRunEvents(runId: $r) { seq type } }"
        }
        "orgWorkflowRunUpdates" => {
            "subscription($org: ID!) { orgWorkflowRunUpdates(orgId: $org) { id status } }"
        }
        other => panic!("the matrix has no workflow run request for `{other}`: add one"),
    };
    Request(query.into(), vars)
}

//! Workflow labels (the deploy permission, promotion, `latest`), `node(id)`, and what a page
//! of workflows with their versions and labels costs.

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code};
use crate::workflow_crud::{NEW_VERSION, audit_actions, create_workflow, definition};

pub(crate) const SET_LABEL: &str = "mutation($w: ID!, $label: String!, $v: Int) {
    setWorkflowLabel(workflowId: $w, input: {label: $label, version: $v}) { name version } }";
const REMOVE_LABEL: &str =
    "mutation($w: ID!, $label: String!) { removeWorkflowLabel(workflowId: $w, label: $label) }";
async fn only_deployers_move_production(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let editor = app.sign_up("editor").await;
    let admin = app.sign_up("admin").await;
    app.add_member(&owner, &owner.org_id, &editor, "editor")
        .await;
    app.add_member(&owner, &owner.org_id, &admin, "admin").await;
    let id = create_workflow(&app, &owner, "Deployed").await;
    app.ok(
        Some(&editor.token),
        NEW_VERSION,
        json!({ "w": id, "input": { "definition": definition("v2") } }),
    )
    .await;

    let staged = app
        .ok(
            Some(&editor.token),
            SET_LABEL,
            json!({ "w": id, "label": "staging", "v": 2 }),
        )
        .await;
    assert_eq!(
        staged["setWorkflowLabel"],
        json!({ "name": "staging", "version": 2 })
    );
    let denied = app
        .gql(
            Some(&editor.token),
            SET_LABEL,
            json!({ "w": id, "label": "production", "v": 2 }),
        )
        .await;
    assert_eq!(error_code(&denied), Some("FORBIDDEN"), "{denied:#}");
    app.ok(
        Some(&admin.token),
        SET_LABEL,
        json!({ "w": id, "label": "production", "v": 1 }),
    )
    .await;
    // Promotion: production to where staging points, by the owner.
    let promoted = app
        .ok(
            Some(&owner.token),
            "mutation($w: ID!) { setWorkflowLabel(workflowId: $w, input: {label: \"production\", fromLabel: \"staging\"}) { name version } }",
            json!({ "w": id }),
        )
        .await;
    assert_eq!(
        promoted["setWorkflowLabel"],
        json!({ "name": "production", "version": 2 })
    );
    let denied = app
        .gql(
            Some(&editor.token),
            REMOVE_LABEL,
            json!({ "w": id, "label": "production" }),
        )
        .await;
    assert_eq!(error_code(&denied), Some("FORBIDDEN"), "{denied:#}");

    let labels = app
        .ok(
            Some(&editor.token),
            "query($w: ID!) { workflow(id: $w) { labels { name version } version(label: \"production\") { version } } }",
            json!({ "w": id }),
        )
        .await;
    assert_eq!(
        labels["workflow"],
        json!({
            "labels": [{ "name": "latest", "version": 2 }, { "name": "production", "version": 2 }, { "name": "staging", "version": 2 }],
            "version": { "version": 2 }
        })
    );

    for (label, v, code) in [
        ("latest", Some(1), "BAD_USER_INPUT"),
        ("Not-Valid", Some(1), "BAD_USER_INPUT"),
        ("canary", Some(9), "NOT_FOUND"),
        ("canary", None, "BAD_USER_INPUT"),
    ] {
        let body = app
            .gql(
                Some(&owner.token),
                SET_LABEL,
                json!({ "w": id, "label": label, "v": v }),
            )
            .await;
        assert_eq!(error_code(&body), Some(code), "{label} {v:?}: {body:#}");
    }
    let removed = app
        .ok(
            Some(&editor.token),
            REMOVE_LABEL,
            json!({ "w": id, "label": "staging" }),
        )
        .await;
    assert_eq!(removed["removeWorkflowLabel"], true);
    let gone = app
        .gql(
            Some(&editor.token),
            REMOVE_LABEL,
            json!({ "w": id, "label": "staging" }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone:#}");

    let actions = audit_actions(&app, &owner, 3).await;
    assert_eq!(
        actions,
        [
            (
                "workflow.label.remove".to_owned(),
                json!({ "label": "staging", "version": 2 })
            ),
            (
                "workflow.label.set".to_owned(),
                json!({ "label": "production", "version": 2 })
            ),
            (
                "workflow.label.set".to_owned(),
                json!({ "label": "production", "version": 1 })
            ),
        ]
    );
}

/// A page of workflows with their latest version, labels and authors costs the same number
/// of SQL statements whatever its size.
async fn a_page_costs_a_constant_number_of_statements(backend: Backend) {
    // No reconciler pass or policy reload during the measurement: the counter counts the
    // whole app's statements.
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.reconcile_secs = 3600;
        config.policy_reload_secs = 3600;
    })
    .await;
    let owner = app.sign_up("owner").await;
    for i in 0..12 {
        let id = create_workflow(&app, &owner, &format!("Batched {i}")).await;
        if i % 3 == 0 {
            app.ok(
                Some(&owner.token),
                SET_LABEL,
                json!({ "w": id, "label": "production", "v": 1 }),
            )
            .await;
        }
    }
    let query = "query($org: ID!, $first: Int!) { workflows(orgId: $org, first: $first) { totalCount edges { node {
        name author { name } latestVersion { version author { email } nodes { key } } labels { name version } } } } }";
    let mut costs = Vec::new();
    for first in [1, 5, 12] {
        let before = app.app.statements.get();
        let data = app
            .ok(
                Some(&owner.token),
                query,
                json!({ "org": owner.org_id, "first": first }),
            )
            .await;
        costs.push(app.app.statements.get() - before);
        let edges = data["workflows"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first as usize);
        assert!(edges.iter().all(
            |e| e["node"]["latestVersion"]["author"]["email"].is_string()
                && e["node"]["labels"][0]["name"] == "latest"
        ));
    }
    assert!(
        costs[0] == costs[1] && costs[1] == costs[2],
        "statements for 1, 5 and 12 workflows: {costs:?}"
    );
}

/// `node(id:)` finds workflows and their versions, and nothing of another organization.
async fn node_finds_workflows_and_versions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let stranger = app.sign_up("stranger").await;
    let id = create_workflow(&app, &owner, "Noded").await;
    let data = app
        .ok(
            Some(&owner.token),
            "query($w: ID!) { workflow(id: $w) { latestVersion { id } } }",
            json!({ "w": id }),
        )
        .await;
    let version = data["workflow"]["latestVersion"]["id"].as_str().unwrap();
    let query = "query($id: ID!) { node(id: $id) { __typename id
        ... on Workflow { name } ... on WorkflowVersion { version } } }";
    for (node, typename) in [(id.as_str(), "Workflow"), (version, "WorkflowVersion")] {
        let data = app
            .ok(Some(&owner.token), query, json!({ "id": node }))
            .await;
        assert_eq!(data["node"]["__typename"], typename, "{data:#}");
        assert_eq!(data["node"]["id"], node, "{data:#}");
        let body = app
            .gql(Some(&stranger.token), query, json!({ "id": node }))
            .await;
        assert_eq!(body["data"], json!({ "node": null }), "{body:#}");
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body:#}");
    }
}

backend_tests!(
    node_finds_workflows_and_versions,
    a_page_costs_a_constant_number_of_statements,
    only_deployers_move_production,
);

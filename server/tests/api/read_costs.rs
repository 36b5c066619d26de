//! What a read costs in SQL statements (the app's statement counter): a prompt with its newest
//! version is one statement, a request with an API key already seen costs none for its key,
//! and a page of executions is counted only when `totalCount` is asked for.

use std::sync::Arc;

use serde_json::json;

use crate::backend_tests;
use crate::execution_helpers::{execute, finished, prompt_with};
use crate::helpers::{Backend, TestApp, TestEnv};
use crate::prompts::{NEW_VERSION, version_input};

/// No reconciler pass or policy reload during a measurement: the counter counts the whole
/// app's statements.
async fn quiet_app(backend: &Backend) -> TestApp {
    let env = Arc::new(TestEnv::new(backend).await);
    TestApp::spawn_on(env, |config| {
        config.reconcile_secs = 3600;
        config.policy_reload_secs = 3600;
        config.api_key_last_used_flush_secs = 3600;
        config.retention_sweeps = false;
    })
    .await
}

/// Statements `query` (a read) costs, and its data: the fewest of three tries, since the
/// counter also counts whatever else the app runs meanwhile (a background task can only add).
async fn cost(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: serde_json::Value,
) -> (u64, serde_json::Value) {
    let mut fewest = u64::MAX;
    let mut data = serde_json::Value::Null;
    for _ in 0..3 {
        let before = app.app.statements.get();
        data = app.ok(Some(token), query, variables.clone()).await;
        fewest = fewest.min(app.app.statements.get() - before);
    }
    (fewest, data)
}

async fn a_prompt_with_its_newest_version_is_one_statement(backend: Backend) {
    let app = quiet_app(&backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Greeter").await;
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input("Hi {{ name }}", 0.5, "v2") }),
    )
    .await;
    let vars = json!({ "p": prompt });
    let (bare, _) = cost(
        &app,
        &owner.token,
        "query($p: ID!) { prompt(id: $p) { name } }",
        vars.clone(),
    )
    .await;
    let (with_latest, data) = cost(
        &app,
        &owner.token,
        "query($p: ID!) { prompt(id: $p) { name latestVersion { version } labels { name version } } }",
        vars,
    )
    .await;
    assert_eq!(data["prompt"]["latestVersion"]["version"], 2, "{data}");
    assert_eq!(
        data["prompt"]["labels"][0],
        json!({ "name": "latest", "version": 2 }),
        "{data}"
    );
    // Labels have their own statement; the newest version comes with the prompt.
    assert_eq!(
        with_latest,
        bare + 1,
        "bare {bare}, with the newest version and labels {with_latest}"
    );
}

async fn a_known_api_key_costs_no_statement(backend: Backend) {
    let app = quiet_app(&backend).await;
    let owner = app.sign_up("owner").await;
    let (key, _) = app.api_key(&owner, &owner.org_id, "viewer").await;
    let members = "query($org: ID!) { members(orgId: $org) { role } }";
    let vars = json!({ "org": owner.org_id });
    // The first use reads the key (and the organization's limits).
    cost(&app, &key, members, vars.clone()).await;
    let (again, _) = cost(&app, &key, members, vars.clone()).await;
    let (with_session, _) = cost(&app, &owner.token, members, vars).await;
    // An access token's session is one lookup; a key already seen, none.
    assert_eq!(
        again + 1,
        with_session,
        "key {again}, access token {with_session}"
    );
}

async fn a_page_of_executions_is_counted_only_when_asked(backend: Backend) {
    let app = quiet_app(&backend).await;
    let owner = app.sign_up("owner").await;
    let model = json!({ "provider": "MOCK", "model": "echo" });
    let prompt = prompt_with(&app, &owner, "Hello", model).await;
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push(execute(&app, &owner.token, &prompt, json!({}), false).await);
    }
    for run in &runs {
        finished(&app, &owner.token, run).await;
    }
    let vars = json!({ "org": owner.org_id });
    let page =
        "query($org: ID!) { executions(orgId: $org, first: 2) { edges { node { status } } } }";
    let counted = "query($org: ID!) { executions(orgId: $org, first: 2) { totalCount edges { node { status } } } }";
    let (without, data) = cost(&app, &owner.token, page, vars.clone()).await;
    assert_eq!(data["executions"]["edges"].as_array().unwrap().len(), 2);
    let (with, data) = cost(&app, &owner.token, counted, vars).await;
    assert_eq!(data["executions"]["totalCount"], 3, "{data}");
    assert_eq!(
        with,
        without + 1,
        "without totalCount {without}, with it {with}"
    );
}

backend_tests!(
    a_prompt_with_its_newest_version_is_one_statement,
    a_known_api_key_costs_no_statement,
    a_page_of_executions_is_counted_only_when_asked,
);

//! What generated clients (Relay, Apollo, graphql-codegen) rely on: nullable lookups by id that
//! answer null + NOT_FOUND, null propagation to `data` when a non-null root field fails,
//! `node(id:)` over the `Node` interface, and `totalCount` on every connection.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::execution_helpers::{execute, prompt_with};
use crate::helpers::{Backend, TestApp, error_code};
use crate::ws_helpers::{initialised, next, subscribe};

const LOOKUPS: &str = "query($id: ID!) {
    prompt(id: $id) { id } promptVersion(id: $id) { id }
    execution(id: $id) { id } organization(id: $id) { id } }";

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id
    ... on Prompt { name } ... on PromptVersion { version }
    ... on Execution { status } ... on Organization { name } } }";

fn codes(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

async fn lookups_of_unknown_or_foreign_ids_are_null_with_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let stranger = app.sign_up("stranger").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Private").await;

    for id in [uuid::Uuid::new_v4().to_string(), prompt.clone()] {
        let body = app
            .gql(Some(&stranger.token), LOOKUPS, json!({ "id": id }))
            .await;
        assert_eq!(
            body["data"],
            json!({ "prompt": null, "promptVersion": null, "execution": null, "organization": null }),
            "{body:#}"
        );
        assert_eq!(codes(&body), ["NOT_FOUND"; 4], "{body:#}");
    }
}

/// Over WebSocket the same: the failed lookup is null beside its error (not a silent null), and
/// a failed non-null root field nulls `data`.
async fn errors_propagate_the_same_over_websocket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mut socket = initialised(&app, Some(&owner.token)).await;
    let missing = json!({ "id": uuid::Uuid::new_v4().to_string() });
    subscribe(
        &mut socket,
        "1",
        "query($id: ID!) { prompt(id: $id) { id } me { id } }",
        missing.clone(),
    )
    .await;
    let reply = next(&mut socket).await;
    assert_eq!(reply["payload"]["data"]["prompt"], Value::Null, "{reply:#}");
    assert_eq!(
        reply["payload"]["data"]["me"]["id"],
        json!(owner.user_id),
        "{reply:#}"
    );
    assert_eq!(
        error_code(&reply["payload"]),
        Some("NOT_FOUND"),
        "{reply:#}"
    );
    assert_eq!(next(&mut socket).await["type"], "complete");

    subscribe(
        &mut socket,
        "2",
        "mutation { createOrganization(input: {name: \"\"}) { id } }",
        json!({}),
    )
    .await;
    let reply = next(&mut socket).await;
    assert!(reply["payload"].get("data").is_some(), "{reply:#}");
    assert_eq!(reply["payload"]["data"], Value::Null, "{reply:#}");
    assert_eq!(
        error_code(&reply["payload"]),
        Some("BAD_USER_INPUT"),
        "{reply:#}"
    );
}

async fn a_failing_non_null_root_field_nulls_data(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    // `me` is non-null: without a caller it fails, and so must the whole `data`.
    let body = app
        .gql(
            None,
            "query($id: ID!) { prompt(id: $id) { id } me { id } }",
            json!({ "id": uuid::Uuid::new_v4().to_string() }),
        )
        .await;
    assert!(body.get("data").is_some(), "{body:#}");
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body:#}");

    // A mutation too: `createOrganization` is non-null.
    let body = app
        .gql(
            Some(&owner.token),
            "mutation { createOrganization(input: {name: \"\"}) { id } }",
            json!({}),
        )
        .await;
    assert!(body.get("data").is_some(), "{body:#}");
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");

    // A nullable root field that fails keeps its key, beside the fields that succeeded.
    let body = app
        .gql(
            Some(&owner.token),
            "query($id: ID!) { prompt(id: $id) { id } me { id } }",
            json!({ "id": uuid::Uuid::new_v4().to_string() }),
        )
        .await;
    assert_eq!(body["data"]["prompt"], Value::Null, "{body:#}");
    assert_eq!(body["data"]["me"]["id"], json!(owner.user_id), "{body:#}");
}

async fn node_finds_every_kind_it_names_and_nothing_foreign(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let stranger = app.sign_up("stranger").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "Hello {{ name }}",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let version = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { prompt(id: $id) { latestVersion { id } } }",
            json!({ "id": prompt }),
        )
        .await["prompt"]["latestVersion"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let execution = execute(&app, &owner.token, &prompt, json!({ "name": "x" }), false).await;

    let expected = [
        (&prompt, "Prompt"),
        (&version, "PromptVersion"),
        (&execution, "Execution"),
        (&owner.org_id, "Organization"),
    ];
    for (id, typename) in expected {
        let data = app.ok(Some(&owner.token), NODE, json!({ "id": id })).await;
        assert_eq!(data["node"]["__typename"], typename, "{data:#}");
        assert_eq!(data["node"]["id"], json!(id), "{data:#}");

        let body = app
            .gql(Some(&stranger.token), NODE, json!({ "id": id }))
            .await;
        assert_eq!(body["data"], json!({ "node": null }), "{body:#}");
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body:#}");
    }
    let data = app
        .ok(Some(&owner.token), NODE, json!({ "id": prompt }))
        .await;
    assert!(
        data["node"]["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("p-")),
        "{data:#}"
    );
}

async fn every_connection_has_a_total_count(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Counted").await;
    for n in 0..2 {
        app.ok(
            Some(&owner.token),
            crate::prompts::NEW_VERSION,
            json!({ "p": prompt, "input": crate::prompts::version_input("v {{ x }}", 0.1, &format!("v{n}")) }),
        )
        .await;
    }
    let data = app
        .ok(
            Some(&owner.token),
            "query($org: ID!, $p: ID!) {
                prompts(orgId: $org, first: 1) { totalCount }
                executions(orgId: $org, first: 1) { totalCount }
                auditEvents(orgId: $org, first: 1) { totalCount edges { node { action } } }
                prompt(id: $p) { versions(first: 1) { totalCount edges { node { version } } } } }",
            json!({ "org": owner.org_id, "p": prompt }),
        )
        .await;
    assert_eq!(data["prompts"]["totalCount"], 1, "{data:#}");
    assert_eq!(data["executions"]["totalCount"], 0, "{data:#}");
    assert_eq!(data["prompt"]["versions"]["totalCount"], 3, "{data:#}");
    assert_eq!(
        data["prompt"]["versions"]["edges"].as_array().map(Vec::len),
        Some(1),
        "{data:#}"
    );
    // createPrompt and two createPromptVersion, at least.
    let audited = data["auditEvents"]["totalCount"].as_u64().unwrap();
    assert!(audited >= 3, "{data:#}");
    assert_eq!(
        data["auditEvents"]["edges"].as_array().map(Vec::len),
        Some(1),
        "{data:#}"
    );
}

/// Generated clients get one typed input rather than a long argument list: a mutation takes
/// at most two arguments (the id it acts on and an input object).
async fn mutations_take_at_most_two_arguments(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let data = app
        .ok(
            None,
            "{ __schema { mutationType { fields { name args { name } } } } }",
            json!({}),
        )
        .await;
    let fields = data["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("mutation fields");
    assert!(fields.len() > 20, "{data:#}");
    let long: Vec<String> = fields
        .iter()
        .filter(|f| f["args"].as_array().map_or(0, Vec::len) > 2)
        .map(|f| f["name"].to_string())
        .collect();
    assert!(
        long.is_empty(),
        "mutations with more than two arguments: {long:?}"
    );
    let execute = fields
        .iter()
        .find(|f| f["name"] == "executePrompt")
        .expect("executePrompt");
    assert_eq!(
        execute["args"],
        json!([{ "name": "promptId" }, { "name": "input" }])
    );
}

backend_tests!(
    mutations_take_at_most_two_arguments,
    lookups_of_unknown_or_foreign_ids_are_null_with_not_found,
    a_failing_non_null_root_field_nulls_data,
    errors_propagate_the_same_over_websocket,
    node_finds_every_kind_it_names_and_nothing_foreign,
    every_connection_has_a_total_count,
);

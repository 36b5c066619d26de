//! Workflow versions: the JSON export/import round trip and its errors, `versions::resolve`
//! (what runs start from), and concurrent versions numbered without gaps.

use promptops::error::AppError;
use promptops::service::workflow::versions::resolve;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code, error_message};
use crate::workflow_crud::{NEW_VERSION, audit_actions, create_workflow, definition};
use crate::workflow_labels::SET_LABEL;

const IMPORT: &str = "mutation($w: ID!, $json: String!) {
    importWorkflowVersion(workflowId: $w, input: {json: $json, commitMessage: \"imported\"}) {
        version commitMessage definitionJson } }";

async fn export_and_import_round_trip(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let id = create_workflow(&app, &owner, "Portable").await;
    let exported = app
        .ok(
            Some(&owner.token),
            "query($w: ID!) { workflow(id: $w) { latestVersion { definitionJson } } }",
            json!({ "w": id }),
        )
        .await;
    let json = exported["workflow"]["latestVersion"]["definitionJson"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(json.contains("\n  \"nodes\": ["), "pretty: {json}");
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["nodes"][1]["kind"], "llm", "{json}");
    assert_eq!(parsed["nodes"][1]["retry"]["maxAttempts"], 2, "{json}");

    let imported = app
        .ok(Some(&owner.token), IMPORT, json!({ "w": id, "json": json }))
        .await;
    let imported = &imported["importWorkflowVersion"];
    assert_eq!(imported["version"], 2);
    assert_eq!(imported["commitMessage"], "imported");
    assert_eq!(imported["definitionJson"].as_str().unwrap(), json);
    let back: workers::workflow::Definition =
        serde_json::from_str(imported["definitionJson"].as_str().unwrap()).unwrap();
    assert_eq!(
        back,
        workers::workflow::Definition::from_json(&json).unwrap()
    );
    let actions = audit_actions(&app, &owner, 1).await;
    assert_eq!(actions[0].0, "workflow.version.import");

    // JSON that does not parse: serde's line and column.
    let body = app
        .gql(
            Some(&owner.token),
            IMPORT,
            json!({ "w": id, "json": "{\n  \"nodes\": [\n    oops\n  ]\n}" }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    assert!(error_message(&body).contains("line 3 column 5"), "{body:#}");
    // JSON of the wrong shape, and a valid shape with problems (every one listed).
    let body = app
        .gql(
            Some(&owner.token),
            IMPORT,
            json!({ "w": id, "json": "{\"nodes\": [], \"output\": \"\", \"colour\": 1}" }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    assert!(error_message(&body).contains("colour"), "{body:#}");
    let mut bad = parsed.clone();
    bad["edges"] = json!([{ "from": "write", "to": "draft" }, { "from": "draft", "to": "write" }]);
    let body = app
        .gql(
            Some(&owner.token),
            IMPORT,
            json!({ "w": id, "json": bad.to_string() }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    let issues = body["errors"][0]["extensions"]["issues"]
        .as_array()
        .unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i["message"].as_str().unwrap().starts_with("cycle:")),
        "{body:#}"
    );
    let count = app
        .ok(
            Some(&owner.token),
            "query($w: ID!) { workflow(id: $w) { versions { totalCount } } }",
            json!({ "w": id }),
        )
        .await;
    assert_eq!(count["workflow"]["versions"]["totalCount"], 2);
}

async fn resolve_by_number_label_or_latest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let id = create_workflow(&app, &owner, "Resolved").await;
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "w": id, "input": { "definition": definition("v2") } }),
    )
    .await;
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "w": id, "label": "production", "v": 1 }),
    )
    .await;
    let db = &app.app.db;
    let uuid: uuid::Uuid = id.parse().unwrap();
    let number = |r: Result<(_, entities::workflow_version::Model), AppError>| match r {
        Ok((_, v)) => Ok(v.version),
        Err(e) => Err(e.code()),
    };
    assert_eq!(number(resolve(db, uuid, None, None).await), Ok(2));
    assert_eq!(number(resolve(db, uuid, None, Some("latest")).await), Ok(2));
    assert_eq!(number(resolve(db, uuid, Some(1), None).await), Ok(1));
    assert_eq!(
        number(resolve(db, uuid, None, Some("production")).await),
        Ok(1)
    );
    assert_eq!(
        number(resolve(db, uuid, Some(1), Some("production")).await),
        Err("BAD_USER_INPUT")
    );
    assert_eq!(
        number(resolve(db, uuid, Some(7), None).await),
        Err("NOT_FOUND")
    );
    assert_eq!(
        number(resolve(db, uuid, None, Some("staging")).await),
        Err("NOT_FOUND")
    );
    app.ok(
        Some(&owner.token),
        "mutation($w: ID!) { deleteWorkflow(id: $w) }",
        json!({ "w": id }),
    )
    .await;
    assert_eq!(
        number(resolve(db, uuid, None, None).await),
        Err("NOT_FOUND")
    );
}

/// Concurrent versions of one workflow get distinct, consecutive numbers and none fails.
async fn concurrent_versions_are_numbered_without_gaps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let id = create_workflow(&app, &owner, "Busy").await;
    let attempts = (0..8).map(|i| {
        let (app, owner, id) = (&app, &owner, &id);
        async move {
            app.gql(
                Some(&owner.token),
                NEW_VERSION,
                json!({ "w": id, "input": { "definition": definition(&format!("v {i}")) } }),
            )
            .await
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    let mut numbers: Vec<i64> = results
        .iter()
        .map(|r| {
            assert!(r["errors"].is_null(), "{r}");
            r["data"]["createWorkflowVersion"]["version"]
                .as_i64()
                .unwrap()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=9).collect::<Vec<i64>>());
}

backend_tests!(
    export_and_import_round_trip,
    resolve_by_number_label_or_latest,
    concurrent_versions_are_numbered_without_gaps,
);

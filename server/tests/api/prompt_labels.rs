//! Labels (deploy permission, promotion, label syntax, authorship) and diffs.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code};
use crate::prompts::{NEW_VERSION, SET_LABEL, version_input};

async fn diff_of_a_known_pair(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, v1) = app.create_prompt(&owner, &owner.org_id, "Diffed").await;
    let input = json!({
        "messages": [{ "role": "SYSTEM", "content": "You are helpful." }, { "role": "USER", "content": "Hello {{ name }}\nHow are you?" }, { "role": "ASSISTANT", "content": "Fine." }],
        "model": { "provider": "MOCK", "model": "echo-2", "temperature": 0.2, "maxTokens": 100 },
    });
    let v2 = app
        .ok(
            Some(&owner.token),
            NEW_VERSION,
            json!({ "p": prompt, "input": input }),
        )
        .await;
    let v2 = v2["createPromptVersion"]["id"].as_str().unwrap();
    let diff = app
        .ok(
            Some(&owner.token),
            "query($a: ID!, $b: ID!) { diffPromptVersions(a: $a, b: $b) { a { version } b { version }
                messages { index roleA roleB status hunks { kind lines } } modelChanges { field before after } } }",
            json!({ "a": v1, "b": v2 }),
        )
        .await;
    assert_eq!(
        diff["diffPromptVersions"],
        json!({
            "a": { "version": 1 }, "b": { "version": 2 },
            "messages": [
                { "index": 1, "roleA": "SYSTEM", "roleB": "SYSTEM", "status": "UNCHANGED", "hunks": [{ "kind": "UNCHANGED", "lines": ["You are helpful."] }] },
                { "index": 2, "roleA": "USER", "roleB": "USER", "status": "CHANGED", "hunks": [
                    { "kind": "UNCHANGED", "lines": ["Hello {{ name }}"] },
                    { "kind": "ADDED", "lines": ["How are you?"] } ] },
                { "index": 3, "roleA": null, "roleB": "ASSISTANT", "status": "ADDED", "hunks": [{ "kind": "ADDED", "lines": ["Fine."] }] }
            ],
            "modelChanges": [
                { "field": "model", "before": "echo", "after": "echo-2" },
                { "field": "maxTokens", "before": null, "after": 100 }
            ]
        })
    );

    // The same pair chosen by label and number on the prompt.
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 1 }),
    )
    .await;
    let by_label = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { diff(a: {label: \"production\"}, b: {number: 2}) {
                a { version } b { version } messages { status } modelChanges { field } } } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(
        by_label["prompt"]["diff"],
        json!({ "a": { "version": 1 }, "b": { "version": 2 },
                "messages": [{ "status": "UNCHANGED" }, { "status": "CHANGED" }, { "status": "ADDED" }],
                "modelChanges": [{ "field": "model" }, { "field": "maxTokens" }] })
    );
}

async fn only_deployers_move_production(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let editor = app.sign_up("editor").await;
    let admin = app.sign_up("admin").await;
    app.add_member(&owner, &owner.org_id, &editor, "editor")
        .await;
    app.add_member(&owner, &owner.org_id, &admin, "admin").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Deployed").await;

    let version = app
        .ok(
            Some(&editor.token),
            NEW_VERSION,
            json!({ "p": prompt, "input": version_input("v2 {{ x }}", 0.3, "editor's") }),
        )
        .await;
    assert_eq!(
        version["createPromptVersion"]["version"], 2,
        "editors create versions"
    );
    app.ok(
        Some(&editor.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "staging", "v": 2 }),
    )
    .await;
    let denied = app
        .gql(
            Some(&editor.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "production", "v": 2 }),
        )
        .await;
    assert_eq!(error_code(&denied), Some("FORBIDDEN"));
    app.ok(
        Some(&admin.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 2 }),
    )
    .await;
    let remove = app
        .gql(
            Some(&editor.token),
            "mutation($p: ID!) { removePromptLabel(promptId: $p, label: \"production\") }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(error_code(&remove), Some("FORBIDDEN"));
    let events = app.ok(Some(&owner.token), "query($org: ID!) { auditEvents(orgId: $org, first: 1) { edges { node { action summary } } } }", json!({ "org": owner.org_id })).await;
    assert_eq!(
        events["auditEvents"]["edges"][0]["node"]["action"],
        "prompt.label.set"
    );
    assert_eq!(
        events["auditEvents"]["edges"][0]["node"]["summary"],
        json!({ "label": "production", "version": 2 })
    );
}

/// Promotion copies a label; labels follow the spec's `[a-z0-9-]{1,32}`; a version created
/// with an API key records the key; reads later in one document see earlier writes.
async fn promotion_labels_and_authorship(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Promoted").await;
    let (key, key_id) = app.api_key(&owner, &owner.org_id, "editor").await;
    let v2 = app
        .ok(
            Some(&key),
            NEW_VERSION,
            json!({ "p": prompt, "input": version_input("by key", 0.1, "ci") }),
        )
        .await;
    assert_eq!(v2["createPromptVersion"]["version"], 2);
    let authored = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { latestVersion { author { id } authorApiKeyId } } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(
        authored["prompt"]["latestVersion"],
        json!({ "author": null, "authorApiKeyId": key_id })
    );

    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "staging", "v": 2 }),
    )
    .await;
    let promoted = app
        .ok(Some(&owner.token), "mutation($p: ID!) { setPromptLabel(promptId: $p, input: {label: \"production\", fromLabel: \"staging\"}) { name version } }", json!({ "p": prompt }))
        .await;
    assert_eq!(
        promoted["setPromptLabel"],
        json!({ "name": "production", "version": 2 })
    );
    let neither = app
        .gql(
            Some(&owner.token),
            "mutation($p: ID!) { setPromptLabel(promptId: $p, input: {label: \"x\"}) { name } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(error_code(&neither), Some("BAD_USER_INPUT"));
    for label in ["a-", "-b", "0"] {
        app.ok(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": label, "v": 1 }),
        )
        .await;
    }
    let too_long = app
        .gql(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "x".repeat(33), "v": 1 }),
        )
        .await;
    assert_eq!(error_code(&too_long), Some("BAD_USER_INPUT"));

    let doc = "mutation($p: ID!) {
        before: updatePrompt(id: $p, input: {}) { labels { name } }
        setPromptLabel(promptId: $p, input: {label: \"canary\", version: 1}) { name }
        after: updatePrompt(id: $p, input: {}) { labels { name } } }";
    let data = app
        .ok(Some(&owner.token), doc, json!({ "p": prompt }))
        .await;
    let names = |v: &Value| {
        v["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(!names(&data["before"]).contains(&"canary".to_owned()));
    assert!(
        names(&data["after"]).contains(&"canary".to_owned()),
        "{data}"
    );
}

backend_tests!(
    diff_of_a_known_pair,
    only_deployers_move_production,
    promotion_labels_and_authorship,
);

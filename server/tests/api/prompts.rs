//! Prompts: creation, versions, resolution, templates and rendering — through the API.
//! Lists and search are in `prompt_lists`, labels and diffs in `prompt_labels`.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, CREATE_PROMPT, Session, TestApp, error_code, prompt_input};

pub(crate) const NEW_VERSION: &str = "mutation($p: ID!, $input: PromptVersionInput!) {
    createPromptVersion(promptId: $p, input: $input) { id version variables commitMessage } }";
pub(crate) const SET_LABEL: &str = "mutation($p: ID!, $label: String!, $v: Int!) {
    setPromptLabel(promptId: $p, input: {label: $label, version: $v}) { name version } }";
pub(crate) const RENDER: &str = "query($p: ID!, $label: String, $v: Int, $vars: JSON) {
    renderPrompt(promptId: $p, label: $label, version: $v, variables: $vars) { version { version } messages { role content } } }";

pub(crate) fn version_input(template: &str, temperature: f64, commit: &str) -> Value {
    json!({
        "messages": [{ "role": "SYSTEM", "content": "You are helpful." }, { "role": "USER", "content": template }],
        "model": { "provider": "MOCK", "model": "echo", "temperature": temperature },
        "commitMessage": commit
    })
}

pub(crate) async fn create(app: &TestApp, owner: &Session, input: Value) -> Value {
    app.gql(
        Some(&owner.token),
        CREATE_PROMPT,
        json!({ "org": owner.org_id, "input": input }),
    )
    .await
}

async fn create_version_label_and_resolve_by_label(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Greeter").await;

    let v2 = app
        .ok(Some(&owner.token), NEW_VERSION, json!({ "p": prompt, "input": version_input("Hi {{ name }}, about {{ topic | upper }}", 0.7, "friendlier") }))
        .await;
    assert_eq!(v2["createPromptVersion"]["version"], 2);
    assert_eq!(
        v2["createPromptVersion"]["variables"],
        json!(["name", "topic"])
    );

    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 1 }),
    )
    .await;
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "staging", "v": 2 }),
    )
    .await;

    let data = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { slug labels { name version }
                prod: version(label: \"production\") { version }
                newest: version { version }
                two: version(number: 2) { commitMessage }
                latestVersion { version author { email } } } }",
            json!({ "p": prompt }),
        )
        .await;
    let p = &data["prompt"];
    assert_eq!(p["slug"], "greeter");
    assert_eq!(
        p["labels"],
        json!([{ "name": "latest", "version": 2 }, { "name": "production", "version": 1 }, { "name": "staging", "version": 2 }])
    );
    assert_eq!(p["prod"]["version"], 1);
    assert_eq!(p["newest"]["version"], 2);
    assert_eq!(p["two"]["commitMessage"], "friendlier");
    assert_eq!(p["latestVersion"]["author"]["email"], owner.email.as_str());

    let rendered = app
        .ok(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "label": "production", "vars": { "name": "Ada" } }),
        )
        .await;
    assert_eq!(rendered["renderPrompt"]["version"]["version"], 1);
    assert_eq!(
        rendered["renderPrompt"]["messages"][1],
        json!({ "role": "USER", "content": "Hello Ada" })
    );
    let by_number = app
        .ok(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "v": 2, "vars": { "name": "Ada", "topic": "tea", "unused": 1 } }),
        )
        .await;
    assert_eq!(
        by_number["renderPrompt"]["messages"][1]["content"],
        "Hi Ada, about TEA"
    );

    let latest = app
        .gql(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "latest", "v": 1 }),
        )
        .await;
    assert_eq!(error_code(&latest), Some("BAD_USER_INPUT"));
    let bad = app
        .gql(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "Not Valid", "v": 1 }),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    let missing = app
        .gql(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "canary", "v": 9 }),
        )
        .await;
    assert_eq!(error_code(&missing), Some("NOT_FOUND"));
    let unknown_label = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "label": "nope", "vars": {} }),
        )
        .await;
    assert_eq!(error_code(&unknown_label), Some("NOT_FOUND"));

    app.ok(
        Some(&owner.token),
        "mutation($p: ID!) { removePromptLabel(promptId: $p, label: \"staging\") }",
        json!({ "p": prompt }),
    )
    .await;
    let after = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { labels { name } } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(
        after["prompt"]["labels"],
        json!([{ "name": "latest" }, { "name": "production" }])
    );
}

async fn versions_never_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, v1) = app.create_prompt(&owner, &owner.org_id, "Stable").await;
    let read = "query($v: ID!) { promptVersion(id: $v) { version messages { content } model { temperature } commitMessage createdAt } }";
    let before = app.ok(Some(&owner.token), read, json!({ "v": v1 })).await;

    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input("changed {{ x }}", 1.5, "second") }),
    )
    .await;
    app.ok(Some(&owner.token), "mutation($p: ID!) { updatePrompt(id: $p, input: {name: \"Renamed\", tags: [\"a\"]}) { name } }", json!({ "p": prompt })).await;
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 2 }),
    )
    .await;

    let after = app.ok(Some(&owner.token), read, json!({ "v": v1 })).await;
    assert_eq!(before, after, "version 1 is exactly as it was");
    // Nothing in the API can edit a version (of a prompt or a workflow): versions are only
    // created or imported.
    let mutations = app
        .ok(
            None,
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = mutations["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("Version") && !n.starts_with("create") && !n.starts_with("import")),
        "{names:?}"
    );
}

async fn slugs_are_unique_per_organization(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let other = app.sign_up("other").await;
    let first = create(&app, &owner, prompt_input("Support Reply", "x")).await;
    assert!(first["errors"].is_null(), "{first}");
    let same_name = create(&app, &owner, prompt_input("support reply!", "x")).await;
    assert_eq!(error_code(&same_name), Some("CONFLICT"));
    let mut explicit = prompt_input("Another", "x");
    explicit["slug"] = json!("support-reply");
    assert_eq!(
        error_code(&create(&app, &owner, explicit.clone()).await),
        Some("CONFLICT")
    );
    explicit["slug"] = json!("Bad Slug");
    assert_eq!(
        error_code(&create(&app, &owner, explicit).await),
        Some("BAD_USER_INPUT")
    );
    // Another organization may use it.
    let elsewhere = create(&app, &other, prompt_input("Support Reply", "x")).await;
    assert!(elsewhere["errors"].is_null(), "{elsewhere}");
    // A deleted prompt frees its slug and disappears from reads.
    let id = first["data"]["createPrompt"]["id"].as_str().unwrap();
    app.ok(
        Some(&owner.token),
        "mutation($p: ID!) { deletePrompt(id: $p) }",
        json!({ "p": id }),
    )
    .await;
    let gone = app
        .gql(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { id } }",
            json!({ "p": id }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"));
    let again = create(&app, &owner, prompt_input("Support Reply", "x")).await;
    assert!(again["errors"].is_null(), "{again}");
}

/// Concurrent versions of one prompt get distinct, consecutive numbers and none fails.
async fn concurrent_versions_are_numbered_without_gaps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Busy").await;
    let attempts = (0..10).map(|i| {
        let (app, owner, prompt) = (&app, &owner, &prompt);
        async move {
            app.gql(
                Some(&owner.token),
                NEW_VERSION,
                json!({ "p": prompt, "input": version_input(&format!("v {i}"), 0.1, "") }),
            )
            .await
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    let mut numbers: Vec<i64> = results
        .iter()
        .map(|r| {
            assert!(r["errors"].is_null(), "{r}");
            r["data"]["createPromptVersion"]["version"]
                .as_i64()
                .unwrap()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=11).collect::<Vec<i64>>());
}

backend_tests!(
    concurrent_versions_are_numbered_without_gaps,
    create_version_label_and_resolve_by_label,
    versions_never_change,
    slugs_are_unique_per_organization,
);

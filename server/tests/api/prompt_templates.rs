//! Templates: syntax errors, missing variables, bad model settings, and the render sandbox.

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code, error_message, prompt_input};
use crate::prompts::{NEW_VERSION, RENDER, create, version_input};

async fn template_errors_and_missing_variables_are_explained(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let broken = create(
        &app,
        &owner,
        prompt_input("Broken", "line one\n{% if urgent %}\nno end"),
    )
    .await;
    assert_eq!(error_code(&broken), Some("BAD_USER_INPUT"));
    let message = error_message(&broken);
    assert!(
        message.contains("message 2 (user)") && message.contains("line"),
        "{message}"
    );

    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Ok").await;
    let bad_version = app
        .gql(
            Some(&owner.token),
            NEW_VERSION,
            json!({ "p": prompt, "input": version_input("{{ unclosed", 0.1, "") }),
        )
        .await;
    assert_eq!(error_code(&bad_version), Some("BAD_USER_INPUT"));
    assert!(
        error_message(&bad_version).contains("message 2"),
        "{}",
        error_message(&bad_version)
    );

    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input("{{ a }} {{ b }} {{ c }}", 0.1, "") }),
    )
    .await;
    let missing = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": { "b": 1 } }),
        )
        .await;
    assert_eq!(error_code(&missing), Some("BAD_USER_INPUT"));
    assert_eq!(error_message(&missing), "missing variables: a, c");
    let not_object = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": [1, 2] }),
        )
        .await;
    assert_eq!(error_code(&not_object), Some("BAD_USER_INPUT"));

    // One instruction can allocate a lot; the sandboxed render dies, the server does not.
    let bomb = "{% set a = 'x' * 100000000 %}{% set b = a ~ a %}{% set c = b ~ b %}{% set d = c ~ c %}{{ d | length }}";
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input(bomb, 0.1, "bomb") }),
    )
    .await;
    let stopped = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": {} }),
        )
        .await;
    assert_eq!(error_code(&stopped), Some("BAD_USER_INPUT"));
    assert!(
        error_message(&stopped).contains("memory"),
        "{}",
        error_message(&stopped)
    );
    let spin = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}";
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input(spin, 0.1, "spin") }),
    )
    .await;
    let spun = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": {} }),
        )
        .await;
    assert_eq!(error_code(&spun), Some("BAD_USER_INPUT"));
    assert!(
        error_message(&spun).contains("too much work"),
        "{}",
        error_message(&spun)
    );
    app.ok(Some(&owner.token), "{ __typename }", json!({}))
        .await;

    let mut bad_model = prompt_input("Hot", "x");
    bad_model["version"]["model"]["temperature"] = json!(3.5);
    assert_eq!(
        error_code(&create(&app, &owner, bad_model).await),
        Some("BAD_USER_INPUT")
    );
}

/// A sandbox that cannot run is the server's fault (INTERNAL), not the template's.
async fn a_broken_sandbox_is_an_internal_error(backend: Backend) {
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| c.template_sandbox = Some("/bin/false".into())).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Fine").await;
    let body = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": { "name": "x" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("INTERNAL"));
    assert_eq!(error_message(&body), "internal error");
}

backend_tests!(
    template_errors_and_missing_variables_are_explained,
    a_broken_sandbox_is_an_internal_error,
);

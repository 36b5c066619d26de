//! Query depth and complexity limits refuse abusive queries before any work is done.

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

async fn deep_and_wide_queries_are_refused(backend: Backend) {
    // Counts the whole app's statements: no background pass inside the measurement.
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.reconcile_secs = 3600;
        config.policy_reload_secs = 3600;
    })
    .await;
    let ada = app.sign_up("ada").await;
    let statements_before = app.app.statements.get();

    // 100 levels: me → memberships → organization → members → user → memberships → …
    let mut deep = String::from("id");
    for level in 0..100 {
        deep = match level % 4 {
            0 => format!("memberships {{ {deep} }}"),
            1 => format!("user {{ {deep} }}"),
            2 => format!("members {{ {deep} }}"),
            _ => format!("organization {{ {deep} }}"),
        };
    }
    let body = app
        .gql(
            Some(&ada.token),
            &format!("{{ me {{ {deep} }} }}"),
            json!({}),
        )
        .await;
    let message = body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(body["data"].is_null(), "{body}");
    assert!(
        message.contains("depth") || message.contains("recursion"),
        "{message}"
    );

    // Each alias costs 2 (`me`, `id`): 3,000 of them are over the default 5,000.
    let aliases: String = (0..3000).map(|i| format!("a{i}: me {{ id }} ")).collect();
    let body = app
        .gql(Some(&ada.token), &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert!(body["data"].is_null(), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{body}"
    );

    // The 100-deep document is refused while it is parsed, before authentication; the wide
    // one after it, whose access token costs its session's primary-key lookup, and nothing else.
    assert_eq!(
        app.app.statements.get(),
        statements_before + 1,
        "refused queries ran no SQL beyond each request's session lookup"
    );
}

/// "Did you mean …?" names fields; with introspection off it would leak what introspection
/// hides.
async fn no_field_suggestions_without_introspection(backend: Backend) {
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let query = "{ organizatio(id: \"x\") { id } }";
    let open = TestApp::spawn_on(env.clone(), |_| {}).await;
    let body = open.gql(None, query, json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "with introspection on, suggestions are given: {body}"
    );
    let closed = TestApp::spawn_on(env, |config| config.introspection = false).await;
    let body = closed.gql(None, query, json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    assert!(!message.contains("\"organization\""), "{message}");
    let body = closed
        .gql(None, "{ __schema { types { name } } }", json!({}))
        .await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
}

backend_tests!(
    deep_and_wide_queries_are_refused,
    no_field_suggestions_without_introspection
);

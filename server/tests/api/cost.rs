//! The query cost counts list sizes (a page of `first` items costs `first` times its
//! selection), so a few aliases of nested pages are refused before anything runs; and an
//! answer past `PROMPTOPS_MAX_RESPONSE_BYTES` is replaced by RESPONSE_TOO_LARGE.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestEnv};

/// graphql-js's `getIntrospectionQuery()`, as GraphiQL sends it.
pub const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
"#;

async fn create_prompt(app: &TestApp, token: &str, org: &str, content: &str) -> String {
    let data = app
        .ok(
            Some(token),
            "mutation($org: ID!, $content: String!) { createPrompt(orgId: $org, input: {
                name: \"Big\", version: {messages: [{role: USER, content: $content}],
                model: {provider: MOCK, model: \"echo\"}}}) { id } }",
            json!({ "org": org, "content": content }),
        )
        .await;
    data["createPrompt"]["id"].as_str().unwrap().to_owned()
}

async fn nested_pages_are_priced_by_their_size(backend: Backend) {
    // Counts the whole app's statements: no background pass inside the measurement.
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.reconcile_secs = 3600;
        config.policy_reload_secs = 3600;
    })
    .await;
    let ada = app.sign_up("ada").await;
    create_prompt(&app, &ada.token, &ada.org_id, "Hello {{ name }}").await;

    // What GraphiQL and ordinary clients send still passes.
    let body = app.gql(Some(&ada.token), INTROSPECTION, json!({})).await;
    assert!(body.get("errors").is_none(), "introspection: {body}");
    let data = app
        .ok(
            Some(&ada.token),
            "query($org: ID!) { prompts(orgId: $org, first: 20) { nodes { id name
                latestVersion { version messages { role content } }
                labels { name version }
                versions(first: 5) { nodes { version createdAt } } } } }",
            json!({ "org": ada.org_id }),
        )
        .await;
    assert_eq!(data["prompts"]["nodes"].as_array().unwrap().len(), 1);

    // Three aliases of 100 prompts × 100 versions: refused before any SQL.
    let statements = app.app.statements.get();
    let page = "prompts(orgId: $org, first: 100) { nodes { versions(first: 100) { nodes {
        version messages { role content } } } } }";
    let query = format!("query($org: ID!) {{ a: {page} b: {page} c: {page} }}");
    let body = app
        .gql(Some(&ada.token), &query, json!({ "org": ada.org_id }))
        .await;
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{body}"
    );
    // The page size counts when it comes from a variable too.
    let body = app
        .gql(
            Some(&ada.token),
            "query($org: ID!, $n: Int!) { prompts(orgId: $org, first: $n) { nodes {
                versions(first: $n) { nodes { version messages { role content } } } } } }",
            json!({ "org": ada.org_id, "n": 100 }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{body}"
    );
    // Each request's access token costs its session's primary-key lookup; nothing else ran.
    assert_eq!(
        app.app.statements.get(),
        statements + 2,
        "refused queries ran no SQL beyond each request's session lookup"
    );
}

async fn answers_past_the_size_cap_are_refused(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env.clone(), |config| config.max_response_bytes = 20_000).await;
    let ada = app.sign_up("ada").await;
    let content = "x".repeat(12_000);
    let prompt = create_prompt(&app, &ada.token, &ada.org_id, &content).await;

    let one = "prompt(id: $id) { latestVersion { messages { content } } }";
    let body = app
        .gql(
            Some(&ada.token),
            &format!("query($id: ID!) {{ a: {one} }}"),
            json!({ "id": prompt }),
        )
        .await;
    assert!(body.get("errors").is_none(), "under the cap: {body}");

    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&ada.token)
        .json(&json!({
            "query": format!("query($id: ID!) {{ a: {one} b: {one} }}"),
            "variables": { "id": prompt },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.len() < 1_000,
        "the answer was not sent: {} bytes",
        text.len()
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "RESPONSE_TOO_LARGE"
    );
}

backend_tests!(
    nested_pages_are_priced_by_their_size,
    answers_past_the_size_cap_are_refused,
);

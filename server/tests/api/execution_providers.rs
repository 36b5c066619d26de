//! Executions against real HTTP providers — the project's `mock-llm` speaking the OpenAI and
//! Anthropic wire formats — with organization credentials, faults and retries; credentials
//! never returned; the organization's live status feed.

use std::time::Duration;

use serde_json::{Value, json};
use workers::mock_llm::{Faults, MockLlmConfig};

use crate::backend_tests;
use crate::execution_helpers::{
    Protocol, connect, execute, finished, follow, next, prompt_with, send, tokens, types,
};
use crate::helpers::{Backend, Session, TestApp, error_code};

const SECRET_KEY: &str = "sk-test-abcdefghijklmnop7890";

/// A `mock-llm` on a free port; returns its base URL.
async fn mock_llm(faults: Faults) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = MockLlmConfig {
        faults,
        ..MockLlmConfig::default()
    };
    tokio::spawn(workers::mock_llm::serve(
        listener,
        config,
        std::future::pending(),
    ));
    base
}

async fn set_credential(app: &TestApp, owner: &Session, provider: &str, base_url: &str) -> Value {
    app.ok(
        Some(&owner.token),
        "mutation($org: ID!, $provider: Provider!, $key: String!, $url: String) {
            setProviderCredential(orgId: $org, input: {provider: $provider, apiKey: $key, baseUrl: $url}) {
                id provider keyHint baseUrl } }",
        json!({ "org": owner.org_id, "provider": provider, "key": SECRET_KEY, "url": base_url }),
    )
    .await
}

/// OpenAI format over HTTP; the first request is refused with 429 and retried after its
/// Retry-After; usage and cost come back.
async fn openai_through_mock_llm_retries_a_429(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let llm = mock_llm(Faults {
        rate_limit_first: 1,
        retry_after_secs: 1,
        ..Faults::default()
    })
    .await;
    set_credential(&app, &owner, "OPENAI", &format!("{llm}/v1")).await;
    let prompt = prompt_with(
        &app,
        &owner,
        "Hello {{ name }}",
        json!({ "provider": "OPENAI", "model": "gpt-4o-mini" }),
    )
    .await;

    let execution = execute(
        &app,
        &owner.token,
        &prompt,
        json!({ "name": "world" }),
        false,
    )
    .await;
    let events = follow(&app, &owner.token, &execution).await;
    assert_eq!(
        types(&events),
        ["STARTED", "TOKEN", "TOKEN", "COMPLETED"],
        "{events:?}"
    );
    assert_eq!(tokens(&events), ["Hello", " world"]);
    let row = finished(&app, &owner.token, &execution).await;
    assert_eq!(row["status"], "SUCCEEDED");
    assert_eq!(row["output"], "Hello world");
    assert_eq!(row["tokensIn"], 2);
    assert_eq!(row["tokensOut"], 2);
    assert!(row["costUsd"].as_f64().unwrap() > 0.0, "{row}");
    assert!(
        row["latencyMs"].as_i64().unwrap() >= 1000,
        "waited for Retry-After: {row}"
    );
}

/// Anthropic format over HTTP; the stream is cut after two tokens: FAILED, with an error
/// that says what happened.
async fn anthropic_stream_cut_fails_clearly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let llm = mock_llm(Faults {
        cut_after_tokens: Some(2),
        ..Faults::default()
    })
    .await;
    set_credential(&app, &owner, "ANTHROPIC", &llm).await;
    let prompt = prompt_with(
        &app,
        &owner,
        "one two three four",
        json!({ "provider": "ANTHROPIC", "model": "claude-3-5-haiku-latest", "maxTokens": 100 }),
    )
    .await;

    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let events = follow(&app, &owner.token, &execution).await;
    assert_eq!(
        types(&events),
        ["STARTED", "TOKEN", "TOKEN", "FAILED"],
        "{events:?}"
    );
    let error = events[3]["error"].as_str().unwrap();
    assert!(error.contains("closed the stream"), "{error}");
    let row = finished(&app, &owner.token, &execution).await;
    assert_eq!(row["status"], "FAILED");
    assert_eq!(row["error"], error);
    assert!(row["output"].is_null());
}

/// Without a key, the run fails and says how to provide one.
async fn a_missing_key_fails_with_a_hint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "hi",
        json!({ "provider": "ANTHROPIC", "model": "claude-3-5-haiku-latest" }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let row = finished(&app, &owner.token, &execution).await;
    assert_eq!(row["status"], "FAILED");
    let error = row["error"].as_str().unwrap();
    assert!(
        error.contains("ANTHROPIC_API_KEY") && error.contains("setProviderCredential"),
        "{error}"
    );
}

/// Keys are stored sealed and never come back: not in answers, lists, the audit log or the
/// database.
async fn credentials_are_never_returned(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let stored = set_credential(&app, &owner, "OPENAI", "https://llm.example.com/v1/").await;
    assert_eq!(stored["setProviderCredential"]["keyHint"], "7890");
    assert_eq!(
        stored["setProviderCredential"]["baseUrl"],
        "https://llm.example.com/v1"
    );
    let listed = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { providerCredentials(orgId: $org) { provider keyHint }
              auditEvents(orgId: $org) { edges { node { action summary } } } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert_eq!(listed["providerCredentials"][0]["provider"], "OPENAI");
    assert!(!listed.to_string().contains(SECRET_KEY), "{listed}");
    assert!(listed.to_string().contains("credential.set"), "{listed}");
    let rows: Vec<String> = {
        use sea_orm::EntityTrait;
        entities::provider_credential::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| format!("{row:?}"))
            .collect()
    };
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].contains(SECRET_KEY) && !rows[0].contains("abcdefghijklmnop"));

    for (provider, url, key) in [
        ("nope", None, "sk-x"),
        ("OPENAI_COMPATIBLE", None, ""),
        ("OPENAI", Some("ftp://x"), "sk-x"),
        ("OPENAI", None, ""),
    ] {
        let body = app
            .gql(
                Some(&owner.token),
                "mutation($org: ID!, $p: Provider!, $k: String!, $u: String) { setProviderCredential(orgId: $org, input: {provider: $p, apiKey: $k, baseUrl: $u}) { id } }",
                json!({ "org": owner.org_id, "p": provider, "k": key, "u": url }),
            )
            .await;
        // A provider outside the enum does not validate; the others are refused by the service.
        let expected = if provider == "nope" {
            "GRAPHQL_VALIDATION_FAILED"
        } else {
            "BAD_USER_INPUT"
        };
        assert_eq!(error_code(&body), Some(expected), "{provider}: {body}");
    }
    let deleted = app
        .ok(
            Some(&owner.token),
            "mutation($org: ID!) { deleteProviderCredential(orgId: $org, provider: OPENAI) }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert_eq!(deleted["deleteProviderCredential"], true);
}

/// Dashboards see every status change of the organization's executions.
async fn org_execution_updates_follow_status_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "status feed",
        // Slow enough that the run is seen RUNNING before it is seen SUCCEEDED.
        json!({ "provider": "MOCK", "model": "echo", "extra": { "tokenDelayMs": 400 } }),
    )
    .await;
    let mut socket = connect(&app, &owner.token, Protocol::TransportWs).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($org: ID!) { orgExecutionUpdates(orgId: $org) { id status } }",
        "variables": { "org": owner.org_id } } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let mut statuses = Vec::new();
    while statuses.last().map(String::as_str) != Some("SUCCEEDED") {
        let update = next(&mut socket).await;
        let update = &update["payload"]["data"]["orgExecutionUpdates"];
        assert_eq!(update["id"], execution.as_str(), "{update}");
        statuses.push(update["status"].as_str().unwrap().to_owned());
    }
    assert!(statuses.contains(&"RUNNING".to_owned()), "{statuses:?}");
}

backend_tests!(
    openai_through_mock_llm_retries_a_429,
    anthropic_stream_cut_fails_clearly,
    a_missing_key_fails_with_a_hint,
    credentials_are_never_returned,
    org_execution_updates_follow_status_changes,
);

//! Provider hardening through the API: base URLs that reach internal services are refused when
//! set and at connect time (the internal service's body never reaches the execution), `extra`
//! cannot override what the platform prices, and the finish reason is recorded — through real
//! `mock-llm` servers over HTTP.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::StatusCode;
use serde_json::{Value, json};
use workers::mock_llm::{Faults, MockLlmConfig};

use crate::backend_tests;
use crate::execution_helpers::{execute, prompt_with};
use crate::helpers::{
    Backend, CREATE_PROMPT, Session, TestApp, TestEnv, error_code, error_message,
};

const SECRET: &str = "INTERNAL-ADMIN-PANEL db_password=hunter2";
const KEY: &str = "sk-test-abcdefghijklmnop7890";

/// An internal service on 127.0.0.1 answering every request 500 with a secret body; returns
/// its port and the number of requests it got.
async fn internal_service() -> (u16, Arc<AtomicU32>) {
    let hits = Arc::new(AtomicU32::new(0));
    let counter = hits.clone();
    let router = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            (StatusCode::INTERNAL_SERVER_ERROR, SECRET)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (port, hits)
}

async fn mock_llm(faults: Faults) -> (String, Arc<workers::mock_llm::MockLlmStats>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (router, stats) = workers::mock_llm::router_with_stats(MockLlmConfig {
        faults,
        ..MockLlmConfig::default()
    });
    tokio::spawn(workers::mock_llm::serve_router(
        listener,
        router,
        std::future::pending(),
    ));
    (base, stats)
}

async fn set_credential(app: &TestApp, owner: &Session, provider: &str, url: &str) -> Value {
    app.gql(
        Some(&owner.token),
        "mutation($org: ID!, $provider: Provider!, $key: String!, $url: String) {
            setProviderCredential(orgId: $org, input: {provider: $provider, apiKey: $key, baseUrl: $url}) {
                provider baseUrl } }",
        json!({ "org": owner.org_id, "provider": provider, "key": KEY, "url": url }),
    )
    .await
}

/// The finished execution, with its error and finish reason.
async fn outcome(app: &TestApp, token: &str, execution: &str) -> Value {
    for _ in 0..300 {
        let data = app
            .ok(
                Some(token),
                "query($id: ID!) { execution(id: $id) {
                    status output error tokensIn tokensOut finishReason } }",
                json!({ "id": execution }),
            )
            .await;
        let status = data["execution"]["status"].as_str().unwrap();
        if status != "PENDING" && status != "RUNNING" {
            return data["execution"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("execution {execution} did not finish within 30 s");
}

/// Without an allow-list: every URL form that reaches an internal address is refused when set,
/// and a host name resolving to loopback is refused at connect time — the internal service
/// gets no request and its body never appears in the execution.
async fn internal_addresses_are_refused(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| config.provider_allowed_hosts.clear()).await;
    let owner = app.sign_up("owner").await;
    let (port, hits) = internal_service().await;
    for url in [
        format!("http://127.0.0.1:{port}/v1"),
        format!("http://[::1]:{port}/v1"),
        format!("http://2130706433:{port}/v1"),
        format!("http://0.0.0.0:{port}/v1"),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://[fd00:ec2::254]/".to_owned(),
        "http://user:pass@api.example.com/v1".to_owned(),
        "https://api.example.com/v1?".to_owned(),
        "https://api.example.com/v1#x".to_owned(),
        "gopher://api.example.com/v1".to_owned(),
    ] {
        let body = set_credential(&app, &owner, "OPENAI", &url).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{url}: {body}");
        assert!(!body.to_string().contains("pass@"), "{url}: {body}");
    }
    let listed = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { providerCredentials(orgId: $org) { provider } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert_eq!(listed["providerCredentials"], json!([]), "nothing stored");

    // A name is checked on the addresses it resolves to, when connecting (DNS rebinding too).
    let body = set_credential(
        &app,
        &owner,
        "OPENAI",
        &format!("http://localhost:{port}/v1/"),
    )
    .await;
    assert_eq!(
        body["data"]["setProviderCredential"]["baseUrl"],
        format!("http://localhost:{port}/v1"),
        "{body}"
    );
    let prompt = prompt_with(
        &app,
        &owner,
        "hi",
        json!({ "provider": "OPENAI", "model": "gpt-4o-mini" }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let row = outcome(&app, &owner.token, &execution).await;
    assert_eq!(row["status"], "FAILED", "{row}");
    assert_eq!(row["error"], "could not connect to the provider", "{row}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the internal service was called"
    );
}

/// With the service's address allowed, its answer is not a provider's: the execution says so
/// without copying the body.
async fn non_provider_bodies_are_not_echoed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (port, hits) = internal_service().await;
    set_credential(
        &app,
        &owner,
        "OPENAI",
        &format!("http://127.0.0.1:{port}/v1"),
    )
    .await;
    let prompt = prompt_with(
        &app,
        &owner,
        "hi",
        json!({ "provider": "OPENAI", "model": "gpt-4o-mini" }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let row = outcome(&app, &owner.token, &execution).await;
    assert_eq!(row["status"], "FAILED");
    let error = row["error"].as_str().unwrap();
    assert!(
        !error.contains("hunter2") && !error.contains("ADMIN"),
        "{error}"
    );
    assert!(error.contains("non-JSON body"), "{error}");
    assert!(hits.load(Ordering::SeqCst) >= 1);
}

/// `extra` may not set the model, `n` or other fields the platform prices or controls.
async fn extra_cannot_override_priced_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    for (provider, extra, key) in [
        ("OPENAI", json!({ "model": "gpt-4o" }), "model"),
        ("OPENAI", json!({ "seed": 1, "n": 8 }), "n"),
        ("OPENAI_COMPATIBLE", json!({ "stream": false }), "stream"),
        ("ANTHROPIC", json!({ "system": "x" }), "system"),
        ("ANTHROPIC", json!({ "max_tokens": 64000 }), "max_tokens"),
    ] {
        let input = json!({
            "name": format!("extra-{key}-{provider}"),
            "version": {
                "messages": [{ "role": "USER", "content": "hi" }],
                "model": { "provider": provider, "model": "gpt-4o-mini", "extra": extra },
            }
        });
        let body = app
            .gql(
                Some(&owner.token),
                CREATE_PROMPT,
                json!({ "org": owner.org_id, "input": input }),
            )
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert!(error_message(&body).contains(&format!("`{key}`")), "{body}");
    }
    // Other fields pass through to the provider; the body sent has the platform's model.
    let (llm, stats) = mock_llm(Faults::default()).await;
    set_credential(&app, &owner, "OPENAI", &format!("{llm}/v1")).await;
    let prompt = prompt_with(
        &app,
        &owner,
        "hello there",
        json!({ "provider": "OPENAI", "model": "gpt-4o-mini", "extra": { "seed": 7 } }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let row = outcome(&app, &owner.token, &execution).await;
    assert_eq!(row["status"], "SUCCEEDED", "{row}");
    let bodies = stats.bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["model"], "gpt-4o-mini");
    assert_eq!(bodies[0]["seed"], 7);
    assert!(bodies[0].get("n").is_none());
}

/// A completion cut by its token limit is SUCCEEDED and says LENGTH; a whole one STOP — streamed
/// or answered as one JSON body, OpenAI and Anthropic, and on the in-process mock.
async fn finish_reasons_are_recorded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (llm, _) = mock_llm(Faults::default()).await;
    let (json_llm, _) = mock_llm(Faults {
        ignore_stream: true,
        late_usage: true,
        ..Faults::default()
    })
    .await;
    let cases = [
        ("MOCK", "echo", None, None, "STOP"),
        ("MOCK", "echo", Some(2), None, "LENGTH"),
        (
            "OPENAI",
            "gpt-4o-mini",
            Some(2),
            Some(format!("{llm}/v1")),
            "LENGTH",
        ),
        (
            "ANTHROPIC",
            "claude-3-5-haiku",
            Some(2),
            Some(llm.clone()),
            "LENGTH",
        ),
        (
            "OPENAI",
            "gpt-4o-mini",
            None,
            Some(format!("{json_llm}/v1")),
            "STOP",
        ),
        (
            "ANTHROPIC",
            "claude-3-5-haiku",
            Some(2),
            Some(json_llm.clone()),
            "LENGTH",
        ),
    ];
    for (provider, model, max_tokens, url, reason) in cases {
        if let Some(url) = &url {
            let body = set_credential(&app, &owner, provider, url).await;
            assert!(body.get("errors").is_none(), "{body}");
        }
        let prompt = prompt_with(
            &app,
            &owner,
            "one two three",
            json!({ "provider": provider, "model": model, "maxTokens": max_tokens }),
        )
        .await;
        let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
        let row = outcome(&app, &owner.token, &execution).await;
        let case = format!("{provider} {url:?} {max_tokens:?}");
        assert_eq!(row["status"], "SUCCEEDED", "{case}: {row}");
        assert_eq!(row["finishReason"], reason, "{case}: {row}");
        let expected = if max_tokens.is_some() {
            "one two"
        } else {
            "one two three"
        };
        assert_eq!(row["output"], expected, "{case}: {row}");
        assert_eq!(row["tokensIn"], 3, "{case}: {row}");
    }
}

/// A stream that goes silent fails with the idle limit's message, not as a cut.
async fn stalled_streams_time_out_with_their_message(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| config.llm_idle_timeout_secs = 1).await;
    let owner = app.sign_up("owner").await;
    let (llm, _) = mock_llm(Faults {
        stall_after_tokens: Some(1),
        ..Faults::default()
    })
    .await;
    set_credential(&app, &owner, "OPENAI", &format!("{llm}/v1")).await;
    let prompt = prompt_with(
        &app,
        &owner,
        "one two three",
        json!({ "provider": "OPENAI", "model": "gpt-4o-mini" }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let row = outcome(&app, &owner.token, &execution).await;
    assert_eq!(row["status"], "FAILED", "{row}");
    assert_eq!(
        row["error"], "timed out waiting for the next token",
        "{row}"
    );
}

backend_tests!(
    stalled_streams_time_out_with_their_message,
    internal_addresses_are_refused,
    non_provider_bodies_are_not_echoed,
    extra_cannot_override_priced_fields,
    finish_reasons_are_recorded,
);

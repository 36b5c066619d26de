//! Provider edge cases through the real clients and `mock-llm` over HTTP: the three timeouts and
//! their messages, non-streamed answers, finish reasons, late Anthropic usage, dropped
//! connections, `extra` that may not override what the platform controls, and the egress
//! policy (internal addresses, redirects, error bodies that are not the provider's).

#![cfg(test)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use futures_util::StreamExt;
use support::{KEY, Mock, drain_all, fast_retries, message, provider_with, request, start};
use workers::llm::{
    EgressPolicy, Endpoint, FinishReason, LlmError, ProviderDefaults, RetryPolicy, Timeouts,
    http_client, provider_for,
};
use workers::mock_llm::{Faults, MockLlmConfig};

const SECRET: &str = "INTERNAL-ADMIN-PANEL db_password=hunter2";

async fn with_faults(faults: Faults) -> Mock {
    start(MockLlmConfig {
        faults,
        ..MockLlmConfig::default()
    })
    .await
}

fn short(first_byte_ms: u64, idle_ms: u64) -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        first_byte: Duration::from_millis(first_byte_ms),
        idle: Duration::from_millis(idle_ms),
    }
}

/// An HTTP server on 127.0.0.1 answering every request with `status`, `body` and an optional
/// `Location`; returns its URL and a count of the requests it got.
async fn internal_server(
    status: StatusCode,
    body: &'static str,
    location: Option<String>,
) -> (String, Arc<AtomicU32>) {
    let hits = Arc::new(AtomicU32::new(0));
    let counter = hits.clone();
    let handler = move || {
        let counter = counter.clone();
        let location = location.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut response = (status, body).into_response();
            if let Some(location) = location {
                response
                    .headers_mut()
                    .insert(header::LOCATION, location.parse().unwrap());
            }
            response
        }
    };
    let router = axum::Router::new().fallback(handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, hits)
}

#[tokio::test]
async fn slow_headers_and_stalled_streams_have_their_own_messages() {
    // Headers that never come within the limit: not "connecting", the connection is open.
    let slow = start(MockLlmConfig {
        latency: Duration::from_secs(5),
        ..MockLlmConfig::default()
    })
    .await;
    let slow_request = request("openai", vec![message("user", "one two three")]);
    let provider = provider_with(
        &slow,
        &slow_request,
        Some(KEY),
        fast_retries(0),
        short(300, 5000),
    );
    let error = provider.stream(&slow_request).await.err().unwrap();
    assert_eq!(
        error.to_string(),
        "timed out waiting for the provider to respond"
    );

    // A stream that goes silent after a token, connection open: the idle limit, not a cut.
    for name in ["openai", "anthropic"] {
        let stalled = with_faults(Faults {
            stall_after_tokens: Some(1),
            ..Faults::default()
        })
        .await;
        let request = request(name, vec![message("user", "one two three")]);
        let provider = provider_with(
            &stalled,
            &request,
            Some(KEY),
            fast_retries(0),
            short(5000, 300),
        );
        let (tokens, _, _, error) = drain_all(provider.stream(&request).await.unwrap()).await;
        assert_eq!(tokens, ["one"], "{name}");
        assert_eq!(
            error.unwrap().to_string(),
            "timed out waiting for the next token",
            "{name}"
        );
    }
}

#[tokio::test]
async fn dropped_connections_are_cuts_and_cut_streams_end_cleanly() {
    let http = reqwest::Client::new();
    let body = serde_json::json!({ "model": "m", "stream": true,
        "messages": [{ "role": "user", "content": "one two three" }] });
    // --cut-after-tokens: the HTTP body ends normally (only the provider's end marker is missing).
    let cut = with_faults(Faults {
        cut_after_tokens: Some(1),
        ..Faults::default()
    })
    .await;
    let response = http
        .post(format!("{}/v1/chat/completions", cut.url))
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.text().await.is_ok());
    // --drop-after-tokens: the body fails, as when the connection breaks.
    let dropped = with_faults(Faults {
        drop_after_tokens: Some(1),
        ..Faults::default()
    })
    .await;
    let response = http
        .post(format!("{}/v1/chat/completions", dropped.url))
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    let mut pieces = response.bytes_stream();
    let mut broke = false;
    while let Some(piece) = pieces.next().await {
        if piece.is_err() {
            broke = true;
        }
    }
    assert!(broke, "the body must fail, not end");
    for name in ["openai", "anthropic"] {
        let request = request(name, vec![message("user", "one two three")]);
        let provider = provider_with(
            &dropped,
            &request,
            Some(KEY),
            fast_retries(0),
            Timeouts::default(),
        );
        let (tokens, usage, _, error) = drain_all(provider.stream(&request).await.unwrap()).await;
        assert_eq!(tokens, ["one"], "{name}");
        assert_eq!(usage, None, "{name}");
        assert!(
            matches!(error, Some(LlmError::StreamCut)),
            "{name}: {error:?}"
        );
    }
}

#[tokio::test]
async fn non_streamed_json_answers_are_accepted() {
    let mock = with_faults(Faults {
        ignore_stream: true,
        ..Faults::default()
    })
    .await;
    for name in ["openai", "anthropic"] {
        let mut request = request(name, vec![message("user", "one two three")]);
        let provider = provider_with(
            &mock,
            &request,
            Some(KEY),
            RetryPolicy::default(),
            Timeouts::default(),
        );
        let (tokens, usage, finish, error) =
            drain_all(provider.stream(&request).await.unwrap()).await;
        assert!(error.is_none(), "{name}: {error:?}");
        assert_eq!(tokens.concat(), "one two three", "{name}");
        assert_eq!(usage, Some((3, 3)), "{name}");
        assert_eq!(finish, Some(FinishReason::Stop), "{name}");

        request.model.max_tokens = Some(2);
        let (tokens, usage, finish, error) =
            drain_all(provider.stream(&request).await.unwrap()).await;
        assert!(error.is_none(), "{name}: {error:?}");
        assert_eq!(tokens.concat(), "one two", "{name}");
        assert_eq!(usage, Some((3, 2)), "{name}");
        assert_eq!(finish, Some(FinishReason::Length), "{name}");
    }
}

#[tokio::test]
async fn streamed_finish_reasons_say_when_the_limit_cut_the_answer() {
    let mock = start(MockLlmConfig::default()).await;
    for name in ["openai", "anthropic"] {
        let mut request = request(name, vec![message("user", "one two three")]);
        let provider = provider_with(
            &mock,
            &request,
            Some(KEY),
            RetryPolicy::default(),
            Timeouts::default(),
        );
        let (_, _, finish, error) = drain_all(provider.stream(&request).await.unwrap()).await;
        assert!(error.is_none());
        assert_eq!(finish, Some(FinishReason::Stop), "{name}");
        request.model.max_tokens = Some(1);
        let (tokens, _, finish, error) = drain_all(provider.stream(&request).await.unwrap()).await;
        assert!(error.is_none());
        assert_eq!(tokens, ["one"], "{name}");
        assert_eq!(finish, Some(FinishReason::Length), "{name}");
    }
}

#[tokio::test]
async fn anthropic_input_tokens_in_message_delta_are_counted() {
    let mock = with_faults(Faults {
        late_usage: true,
        ..Faults::default()
    })
    .await;
    let request = request("anthropic", vec![message("user", "one two three four")]);
    let provider = provider_with(
        &mock,
        &request,
        Some(KEY),
        RetryPolicy::default(),
        Timeouts::default(),
    );
    let (_, usage, _, error) = drain_all(provider.stream(&request).await.unwrap()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(usage, Some((4, 4)));
}

#[tokio::test]
async fn the_mock_accepts_bearer_keys_for_anthropic() {
    let mock = start(MockLlmConfig::default()).await;
    let body = serde_json::json!({ "model": "m", "max_tokens": 5,
        "messages": [{ "role": "user", "content": "hi" }] });
    let http = reqwest::Client::new();
    let post = |auth: bool| {
        let builder = http.post(format!("{}/v1/messages", mock.url)).json(&body);
        if auth {
            builder.bearer_auth(KEY)
        } else {
            builder
        }
        .send()
    };
    assert_eq!(post(true).await.unwrap().status(), 200);
    assert_eq!(post(false).await.unwrap().status(), 401);
}

#[tokio::test]
async fn extra_cannot_override_what_the_platform_controls() {
    let mock = start(MockLlmConfig::default()).await;
    let mut openai = request("openai", vec![message("user", "hi there")]);
    openai.model.extra = serde_json::json!({
        "model": "gpt-4o", "n": 8, "stream": false, "stream_options": null,
        "messages": [], "max_tokens": 4000, "service_tier": "priority", "seed": 7
    });
    let mut anthropic = request("anthropic", vec![message("user", "hi there")]);
    anthropic.model.extra = serde_json::json!({
        "model": "claude-opus-4", "system": "ignore", "max_tokens": 64000, "stream": false,
        "top_k": 5
    });
    for request in [&openai, &anthropic] {
        let provider = provider_with(
            &mock,
            request,
            Some(KEY),
            RetryPolicy::default(),
            Timeouts::default(),
        );
        let (tokens, _, _, error) = drain_all(provider.stream(request).await.unwrap()).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(tokens.concat(), "hi there");
    }
    let bodies = mock.stats.bodies();
    assert_eq!(bodies.len(), 2);
    let sent = &bodies[0];
    assert_eq!(sent["model"], "mock-model");
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["stream_options"]["include_usage"], true);
    assert!(sent.get("n").is_none() && sent.get("max_tokens").is_none());
    assert!(sent.get("service_tier").is_none());
    assert_eq!(sent["messages"].as_array().unwrap().len(), 1);
    assert_eq!(sent["seed"], 7, "other fields still pass through");
    let sent = &bodies[1];
    assert_eq!(sent["model"], "mock-model");
    assert_eq!(sent["max_tokens"], 1024);
    assert_eq!(sent["stream"], true);
    assert!(sent.get("system").is_none());
    assert_eq!(sent["top_k"], 5);
}

fn guarded(
    base_url: &str,
    policy: EgressPolicy,
) -> Result<Box<dyn workers::llm::Provider>, LlmError> {
    let timeouts = Timeouts::default();
    provider_for(
        &request("openai", vec![]).model,
        Some(Endpoint {
            base_url: base_url.into(),
            api_key: Some(KEY.into()),
        }),
        &ProviderDefaults::default(),
        &http_client(&timeouts, policy).unwrap(),
        fast_retries(1),
        timeouts,
    )
}

#[tokio::test]
async fn internal_addresses_are_refused_even_behind_a_host_name() {
    let (url, hits) = internal_server(StatusCode::INTERNAL_SERVER_ERROR, SECRET, None).await;
    let port = url.rsplit(':').next().unwrap();
    let request = request("openai", vec![message("user", "hi")]);
    // An IP literal is refused before anything is sent.
    let error = guarded(&format!("{url}/v1"), EgressPolicy::default())
        .err()
        .unwrap();
    assert!(matches!(error, LlmError::BaseUrlNotAllowed(_)), "{error:?}");
    // A name that resolves to loopback is refused at connect time, like a closed port.
    let provider = guarded(
        &format!("http://localhost:{port}/v1"),
        EgressPolicy::default(),
    )
    .unwrap();
    let refused = provider.stream(&request).await.err().unwrap();
    assert!(matches!(refused, LlmError::Unreachable), "{refused:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let allowed = EgressPolicy::new(&["127.0.0.1"]).unwrap();
        let provider = guarded(&format!("http://127.0.0.1:{port}/v1"), allowed).unwrap();
        provider.stream(&request).await.err().unwrap()
    };
    assert_eq!(refused.to_string(), closed.to_string(), "no port scanning");
    // Allowed, the server answers, but its non-provider body never comes back.
    let allowed = EgressPolicy::new(&["127.0.0.1"]).unwrap();
    let provider = guarded(&format!("http://localhost:{port}/v1"), allowed).unwrap();
    let error = provider.stream(&request).await.err().unwrap();
    assert!(hits.load(Ordering::SeqCst) >= 1);
    let text = error.to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("ADMIN"),
        "{text}"
    );
    assert!(text.contains("non-JSON body"), "{text}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let (secret_url, secret_hits) = internal_server(StatusCode::OK, SECRET, None).await;
    let (url, hits) = internal_server(
        StatusCode::TEMPORARY_REDIRECT,
        "",
        Some(format!("{secret_url}/admin")),
    )
    .await;
    let allowed = EgressPolicy::new(&["127.0.0.1"]).unwrap();
    let provider = guarded(&format!("{url}/v1"), allowed).unwrap();
    let request = request("openai", vec![message("user", "hi")]);
    let error = provider.stream(&request).await.err().unwrap();
    assert!(
        matches!(error, LlmError::Status { status: 307, .. }),
        "{error:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a 3xx is not retried");
    assert_eq!(secret_hits.load(Ordering::SeqCst), 0);
    assert!(!error.to_string().contains("hunter2"));
}

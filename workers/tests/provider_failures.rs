//! The real provider clients against `mock-llm` when things go wrong once streaming: cuts,
//! aborts, idle timeouts; plus the mock server's own validation.

#![cfg(test)]

mod support;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use support::{KEY, drain, fast_retries, message, provider, request, run, start};
use workers::llm::{
    Chunk, Endpoint, LlmError, ProviderDefaults, RetryPolicy, Timeouts, provider_for,
};
use workers::mock_llm::{Faults, MockLlmConfig};

#[tokio::test]
async fn cut_streams_end_in_stream_cut() {
    for name in ["openai", "anthropic"] {
        let faults = Faults {
            cut_after_tokens: Some(2),
            ..Faults::default()
        };
        let mock = start(MockLlmConfig {
            faults,
            ..MockLlmConfig::default()
        })
        .await;
        let request = request(name, vec![message("user", "one two three four")]);
        let (tokens, usage, error) = run(&mock, &request, RetryPolicy::default()).await.unwrap();
        assert_eq!(tokens, ["one", " two"], "{name}");
        assert_eq!(usage, None, "{name}");
        let error = error.unwrap();
        assert!(matches!(error, LlmError::StreamCut), "{name}: {error:?}");
        assert!(
            error
                .to_string()
                .contains("closed the stream before the completion finished")
        );
    }
}

#[tokio::test]
async fn dropping_the_stream_aborts_the_request() {
    let mock = start(MockLlmConfig {
        tokens_per_second: Some(20.0),
        ..MockLlmConfig::default()
    })
    .await;
    let words = vec!["word"; 40].join(" ");
    for name in ["openai", "anthropic"] {
        let request = request(name, vec![message("user", &words)]);
        let mut stream = provider(&mock, &request, Some(KEY), RetryPolicy::default())
            .stream(&request)
            .await
            .unwrap();
        assert_eq!(
            stream.next().await.unwrap().unwrap(),
            Chunk::Token("word".into())
        );
        drop(stream);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while mock.stats.streams_aborted() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(mock.stats.streams_started(), 2);
    assert_eq!(mock.stats.streams_aborted(), 2);
    assert_eq!(mock.stats.streams_finished(), 0);
}

#[tokio::test]
async fn idle_streams_time_out() {
    let mock = start(MockLlmConfig {
        tokens_per_second: Some(2.0),
        ..MockLlmConfig::default()
    })
    .await;
    let request = request("openai", vec![message("user", "slow tokens here")]);
    let endpoint = Endpoint {
        base_url: format!("{}/v1", mock.url),
        api_key: Some(KEY.into()),
    };
    let timeouts = Timeouts {
        idle: Duration::from_millis(100),
        ..Timeouts::default()
    };
    let http = support::local_http(&timeouts);
    let provider = provider_for(
        &request.model,
        Some(endpoint),
        &ProviderDefaults::default(),
        &http,
        RetryPolicy::default(),
        timeouts,
    )
    .unwrap();
    let (tokens, _, error) = drain(provider.stream(&request).await.unwrap()).await;
    assert!(tokens.is_empty());
    assert!(matches!(error, Some(LlmError::Timeout(_))), "{error:?}");
}

#[tokio::test]
async fn mock_server_validates_requests() {
    let mock = start(MockLlmConfig::default()).await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/healthz", mock.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let post = |path: &str, body: serde_json::Value| {
        http.post(format!("{}{path}", mock.url))
            .bearer_auth(KEY)
            .header("x-api-key", KEY)
            .json(&body)
            .send()
    };
    let no_model = post(
        "/v1/chat/completions",
        serde_json::json!({ "messages": [] }),
    )
    .await
    .unwrap();
    assert_eq!(no_model.status(), 400);
    let no_max =
        serde_json::json!({ "model": "m", "messages": [{ "role": "user", "content": "hi" }] });
    assert_eq!(post("/v1/messages", no_max).await.unwrap().status(), 400);
    let plain = serde_json::json!({ "model": "m", "max_tokens": 1, "messages": [{ "role": "user", "content": "hi you" }] });
    let body: serde_json::Value = post("/v1/chat/completions", plain)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "hi");
    assert_eq!(body["choices"][0]["finish_reason"], "length");
    assert_eq!(body["usage"]["prompt_tokens"], 2);
}

#[tokio::test]
async fn unreachable_servers_are_connection_errors() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let request = request("openai", vec![message("user", "hi")]);
    let endpoint = Endpoint {
        base_url: url,
        api_key: Some("sk-secret-value-0000".into()),
    };
    let timeouts = Timeouts::default();
    let provider = provider_for(
        &request.model,
        Some(endpoint),
        &ProviderDefaults::default(),
        &support::local_http(&timeouts),
        fast_retries(1),
        timeouts,
    )
    .unwrap();
    let error = provider.stream(&request).await.err().unwrap();
    assert!(matches!(error, LlmError::Unreachable), "{error:?}");
    assert_eq!(error.to_string(), "could not connect to the provider");
    assert!(!error.to_string().contains("sk-secret"));
}

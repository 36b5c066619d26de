//! The real provider clients against the `mock-llm` server over HTTP: streaming, keys and
//! retries before the stream starts.

#![cfg(test)]

mod support;

use std::time::{Duration, Instant};

use support::{fast_retries, message, provider, request, run, start};
use workers::llm::{LlmError, RetryPolicy};
use workers::mock_llm::{Faults, MockLlmConfig};

#[tokio::test]
async fn openai_streams_tokens_in_order_with_usage() {
    let mock = start(MockLlmConfig::default()).await;
    let text = "The quick  brown fox\njumps";
    let request = request(
        "openai",
        vec![message("system", "Echo."), message("user", text)],
    );
    let (tokens, usage, error) = run(&mock, &request, RetryPolicy::default()).await.unwrap();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(tokens, ["The", " quick", "  brown", " fox", "\njumps"]);
    assert_eq!(tokens.concat(), text);
    assert_eq!(usage, Some((6, 5)));
}

#[tokio::test]
async fn anthropic_streams_with_the_system_prompt_in_system() {
    let mock = start(MockLlmConfig::default()).await;
    let request = request(
        "anthropic",
        vec![
            message("system", "Be brief please."),
            message("user", "Hello there world"),
        ],
    );
    // The mock rejects `system` inside `messages` like Anthropic does, so success means the
    // system prompt went to the top-level field; its 3 words still count as input.
    let (tokens, usage, error) = run(&mock, &request, RetryPolicy::default()).await.unwrap();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(tokens.concat(), "Hello there world");
    assert_eq!(tokens.len(), 3);
    assert_eq!(usage, Some((6, 3)));
}

#[tokio::test]
async fn openai_compatible_needs_the_servers_key() {
    let mock = start(MockLlmConfig::default()).await;
    let request = request("openai-compatible", vec![message("user", "hi there")]);
    let keyless = provider(&mock, &request, None, RetryPolicy::default());
    let error = keyless.stream(&request).await.err().unwrap();
    assert!(
        matches!(&error, LlmError::Status { status: 401, message } if message.contains("API key")),
        "{error}"
    );
    assert!(!error.is_retryable());
    let (tokens, _, error) = run(&mock, &request, RetryPolicy::default()).await.unwrap();
    assert!(error.is_none());
    assert_eq!(tokens.concat(), "hi there");
}

#[tokio::test]
async fn rate_limits_are_retried_after_retry_after() {
    let faults = Faults {
        rate_limit_first: 1,
        retry_after_secs: 1,
        ..Faults::default()
    };
    let mock = start(MockLlmConfig {
        faults,
        ..MockLlmConfig::default()
    })
    .await;
    let request = request("openai", vec![message("user", "still here")]);
    let started = Instant::now();
    let (tokens, _, error) = run(&mock, &request, fast_retries(3)).await.unwrap();
    assert!(error.is_none());
    assert_eq!(tokens.concat(), "still here");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(mock.stats.requests(), 2);
}

#[tokio::test]
async fn rate_limits_give_up_after_max_retries() {
    let faults = Faults {
        rate_limit_first: 10,
        retry_after_secs: 1,
        ..Faults::default()
    };
    let mock = start(MockLlmConfig {
        faults,
        ..MockLlmConfig::default()
    })
    .await;
    let request = request("anthropic", vec![message("user", "hi")]);
    // max_delay caps the server's Retry-After, keeping the test fast.
    let retry = RetryPolicy {
        max_delay: Duration::from_millis(20),
        ..fast_retries(2)
    };
    let error = run(&mock, &request, retry).await.err().unwrap();
    assert!(
        matches!(error, LlmError::RateLimited { retries: 2, retry_after: Some(d), .. } if d == Duration::from_secs(1)),
        "{error:?}"
    );
    // The provider's own message is kept, unquoted.
    assert_eq!(
        error.to_string(),
        "rate limited by the provider (429) after 2 retries: rate limit exceeded (mock-llm fault)"
    );
    assert_eq!(mock.stats.requests(), 3);
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed_or_surface() {
    let faults = Faults {
        server_error_first: 2,
        ..Faults::default()
    };
    let mock = start(MockLlmConfig {
        faults: faults.clone(),
        ..MockLlmConfig::default()
    })
    .await;
    let request = request("openai", vec![message("user", "third time lucky")]);
    let (tokens, _, error) = run(&mock, &request, fast_retries(3)).await.unwrap();
    assert!(error.is_none());
    assert_eq!(tokens.concat(), "third time lucky");
    assert_eq!(mock.stats.requests(), 3);

    let mock = start(MockLlmConfig {
        faults,
        ..MockLlmConfig::default()
    })
    .await;
    let error = run(&mock, &request, fast_retries(1)).await.err().unwrap();
    assert!(
        matches!(&error, LlmError::Status { status: 500, message } if message.contains("internal server error")),
        "{error}"
    );
}

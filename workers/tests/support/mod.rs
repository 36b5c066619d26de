//! Shared by the provider integration tests: a `mock-llm` server on a random port and the real
//! clients pointed at it.

#![cfg(test)]
#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use workers::llm::{
    ChatMessage, Chunk, ChunkStream, CompletionRequest, EgressPolicy, Endpoint, FinishReason,
    HttpClient, LlmError, ModelConfig, Provider, ProviderDefaults, RetryPolicy, Timeouts,
    http_client, provider_for,
};
use workers::mock_llm::{self, MockLlmConfig, MockLlmStats};

pub const KEY: &str = "sk-test-key";

pub struct Mock {
    pub url: String,
    pub stats: Arc<MockLlmStats>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub async fn start(config: MockLlmConfig) -> Mock {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (router, stats) = mock_llm::router_with_stats(config);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(mock_llm::serve_router(listener, router, async {
        let _ = rx.await;
    }));
    Mock {
        url,
        stats,
        _shutdown: tx,
    }
}

pub fn message(role: &str, content: &str) -> ChatMessage {
    ChatMessage {
        role: role.into(),
        content: content.into(),
    }
}

pub fn request(provider: &str, messages: Vec<ChatMessage>) -> CompletionRequest {
    CompletionRequest {
        messages,
        model: ModelConfig {
            provider: provider.into(),
            model: "mock-model".into(),
            temperature: Some(0.0),
            max_tokens: None,
            top_p: None,
            stop: vec![],
            extra: serde_json::Value::Null,
        },
    }
}

pub fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(5),
    }
}

pub fn provider(
    mock: &Mock,
    request: &CompletionRequest,
    key: Option<&str>,
    retry: RetryPolicy,
) -> Box<dyn Provider> {
    provider_with(mock, request, key, retry, Timeouts::default())
}

/// The shared client, allowed to reach `mock-llm` on 127.0.0.1.
pub fn local_http(timeouts: &Timeouts) -> HttpClient {
    http_client(timeouts, EgressPolicy::new(&["127.0.0.1"]).unwrap()).unwrap()
}

pub fn provider_with(
    mock: &Mock,
    request: &CompletionRequest,
    key: Option<&str>,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> Box<dyn Provider> {
    let base_url = match request.model.provider.as_str() {
        "anthropic" => mock.url.clone(),
        _ => format!("{}/v1", mock.url),
    };
    let endpoint = Endpoint {
        base_url,
        api_key: key.map(str::to_string),
    };
    let http = local_http(&timeouts);
    provider_for(
        &request.model,
        Some(endpoint),
        &ProviderDefaults::default(),
        &http,
        retry,
        timeouts,
    )
    .unwrap()
}

/// Tokens and usage until the stream ends, or the first error.
pub async fn drain(stream: ChunkStream) -> (Vec<String>, Option<(u32, u32)>, Option<LlmError>) {
    let (tokens, usage, _, error) = drain_all(stream).await;
    (tokens, usage, error)
}

/// `drain`, with the finish reason.
pub async fn drain_all(
    mut stream: ChunkStream,
) -> (
    Vec<String>,
    Option<(u32, u32)>,
    Option<FinishReason>,
    Option<LlmError>,
) {
    let (mut tokens, mut usage, mut finish) = (Vec::new(), None, None);
    while let Some(item) = stream.next().await {
        match item {
            Ok(Chunk::Token(text)) => tokens.push(text),
            Ok(Chunk::Usage { input, output }) => usage = Some((input, output)),
            Ok(Chunk::Finish(reason)) => finish = Some(reason),
            Err(error) => return (tokens, usage, finish, Some(error)),
        }
    }
    (tokens, usage, finish, None)
}

pub async fn run(
    mock: &Mock,
    request: &CompletionRequest,
    retry: RetryPolicy,
) -> Result<(Vec<String>, Option<(u32, u32)>, Option<LlmError>), LlmError> {
    let stream = provider(mock, request, Some(KEY), retry)
        .stream(request)
        .await?;
    Ok(drain(stream).await)
}

//! `mock-llm`: a fake OpenAI- and Anthropic-compatible HTTP server for tests, demos and
//! benchmarks, with configurable latency, pacing and faults (429s, 500s, streams cut cleanly,
//! stalled or dropped, JSON answers to streamed requests, late usage), and OpenAI's
//! embeddings (the mock provider's vectors). `GET /stats/calls` counts the completion requests
//! per content (the echoed user message), so a harness can tell a repeated call.

mod anthropic;
mod embeddings;
mod openai;
mod request;
mod stream;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use stream::{Ending, cut_frames, sse};

#[derive(Clone, Debug, Default)]
pub struct MockLlmConfig {
    /// Waited before the response headers.
    pub latency: Duration,
    /// `None` streams as fast as possible.
    pub tokens_per_second: Option<f64>,
    pub faults: Faults,
}

#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// The first N requests answer 429 with `Retry-After`.
    pub rate_limit_first: u32,
    /// `Retry-After` seconds; 0 means 1.
    pub retry_after_secs: u64,
    /// The next N requests (after the rate limited ones) answer 500.
    pub server_error_first: u32,
    /// Streams end after this many tokens (or after the last one, if fewer), without the
    /// provider's end marker or final usage; the HTTP body itself ends normally.
    pub cut_after_tokens: Option<u32>,
    /// Streams stop sending after this many tokens and keep the connection open, silent.
    pub stall_after_tokens: Option<u32>,
    /// Streams abort after this many tokens: the body fails, so the connection is dropped
    /// without the end of the chunked body (clients see a broken connection, not an end).
    pub drop_after_tokens: Option<u32>,
    /// Streamed requests are answered with the whole `application/json` completion, as by a
    /// server that does not stream.
    pub ignore_stream: bool,
    /// Anthropic: the input token count arrives in `message_delta`, not `message_start`.
    pub late_usage: bool,
}

/// What the server saw, for tests and benchmarks to assert on.
#[derive(Debug, Default)]
pub struct MockLlmStats {
    requests: AtomicU32,
    streams_started: AtomicU32,
    streams_finished: AtomicU32,
    streams_aborted: AtomicU32,
    /// Streams being sent now, and the most there were at once.
    in_flight: AtomicU32,
    max_in_flight: AtomicU32,
    /// The JSON bodies of authenticated requests (completions and embeddings), in order.
    bodies: Mutex<Vec<serde_json::Value>>,
    /// Per echoed content (the last user message), when each completion request for it
    /// arrived (milliseconds since the Unix epoch).
    calls: Mutex<HashMap<String, Vec<i64>>>,
}

impl MockLlmStats {
    /// Authenticated completion requests, faulted ones included.
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }
    pub fn streams_started(&self) -> u32 {
        self.streams_started.load(Ordering::SeqCst)
    }
    /// Streams the server sent to their (possibly cut) end.
    pub fn streams_finished(&self) -> u32 {
        self.streams_finished.load(Ordering::SeqCst)
    }
    /// Streams dropped before their end because the client went away.
    pub fn streams_aborted(&self) -> u32 {
        self.streams_aborted.load(Ordering::SeqCst)
    }
    /// The most streams that were being sent at the same time.
    pub fn max_in_flight(&self) -> u32 {
        self.max_in_flight.load(Ordering::SeqCst)
    }
    /// Per echoed content, the arrival times (Unix milliseconds) of its completion requests.
    pub fn calls(&self) -> HashMap<String, Vec<i64>> {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
    /// The request bodies received (the valid JSON ones), oldest first.
    pub fn bodies(&self) -> Vec<serde_json::Value> {
        self.bodies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

struct Shared {
    config: MockLlmConfig,
    stats: Arc<MockLlmStats>,
}

#[derive(Clone, Copy)]
enum Dialect {
    OpenAi,
    Anthropic,
}

pub fn router(config: MockLlmConfig) -> Router {
    router_with_stats(config).0
}

pub fn router_with_stats(config: MockLlmConfig) -> (Router, Arc<MockLlmStats>) {
    let stats = Arc::new(MockLlmStats::default());
    let shared = Arc::new(Shared {
        config,
        stats: stats.clone(),
    });
    let router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/stats/calls",
            get(|state: State<Arc<Shared>>| async move {
                axum::Json(serde_json::json!({
                    "requests": state.stats.requests(),
                    "calls": state.stats.calls(),
                }))
            }),
        )
        .route(
            "/v1/chat/completions",
            post(
                |state: State<Arc<Shared>>, headers: HeaderMap, body: Bytes| {
                    complete(Dialect::OpenAi, state, headers, body)
                },
            ),
        )
        .route(
            "/v1/embeddings",
            post(
                |state: State<Arc<Shared>>, headers: HeaderMap, body: Bytes| async move {
                    match admit(Dialect::OpenAi, &state, &headers).await {
                        Ok(_) => embeddings::answer(&state, &body),
                        Err(response) => response,
                    }
                },
            ),
        )
        .route(
            "/v1/messages",
            post(
                |state: State<Arc<Shared>>, headers: HeaderMap, body: Bytes| {
                    complete(Dialect::Anthropic, state, headers, body)
                },
            ),
        )
        .with_state(shared);
    (router, stats)
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    config: MockLlmConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, router(config), shutdown).await
}

pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// What every route does first: the latency, the key check, the count, and the rate-limit
/// and server-error faults. `Ok` carries the request's number; `Err` the response to send.
async fn admit(dialect: Dialect, shared: &Shared, headers: &HeaderMap) -> Result<u32, Response> {
    tokio::time::sleep(shared.config.latency).await;
    if !authenticated(headers) {
        let message = "missing API key: send a non-empty key";
        return Err(error(
            dialect,
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            message,
        ));
    }
    let faults = &shared.config.faults;
    let n = shared.stats.requests.fetch_add(1, Ordering::SeqCst);
    if n < faults.rate_limit_first {
        let seconds = faults.retry_after_secs.max(1);
        let message = "rate limit exceeded (mock-llm fault)";
        let mut response = error(
            dialect,
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            message,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, seconds.into());
        return Err(response);
    }
    if n < faults
        .rate_limit_first
        .saturating_add(faults.server_error_first)
    {
        let message = "internal server error (mock-llm fault)";
        return Err(error(
            dialect,
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            message,
        ));
    }
    Ok(n)
}

async fn complete(
    dialect: Dialect,
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let n = match admit(dialect, &shared, &headers).await {
        Ok(n) => n,
        Err(response) => return response,
    };
    let faults = &shared.config.faults;
    let parsed = serde_json::from_slice::<serde_json::Value>(&body)
        .map_err(|e| format!("the body is not valid JSON: {e}"))
        .inspect(|value| {
            let mut bodies = shared
                .stats
                .bodies
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            bodies.push(value.clone());
        })
        .and_then(|value| match dialect {
            Dialect::OpenAi => openai::parse(&value),
            Dialect::Anthropic => anthropic::parse(&value),
        });
    let completion = match parsed {
        Ok(completion) => {
            let key = crate::llm::mock::echo_source(&completion.messages).to_owned();
            let now = chrono::Utc::now().timestamp_millis();
            let mut calls = shared
                .stats
                .calls
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            calls.entry(key).or_default().push(now);
            drop(calls);
            completion
        }
        Err(message) => {
            return error(
                dialect,
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &message,
            );
        }
    };
    let id = format!("mock-{n}");
    if !completion.stream || faults.ignore_stream {
        if let Some(pace) = pace(&shared.config) {
            let (tokens, _) = completion.tokens();
            tokio::time::sleep(pace.saturating_mul(tokens.len() as u32)).await;
        }
        let body = match dialect {
            Dialect::OpenAi => openai::json(&completion, &id),
            Dialect::Anthropic => anthropic::json(&completion, &id),
        };
        return axum::Json(body).into_response();
    }
    let mut frames = match dialect {
        Dialect::OpenAi => openai::frames(&completion, &id),
        Dialect::Anthropic => anthropic::frames(&completion, &id, faults.late_usage),
    };
    let mut ending = Ending::Complete;
    if let Some(cut) = faults.cut_after_tokens {
        cut_frames(&mut frames, cut as usize);
    }
    if let Some(stall) = faults.stall_after_tokens {
        cut_frames(&mut frames, stall as usize);
        ending = Ending::Stall;
    }
    if let Some(drop) = faults.drop_after_tokens {
        cut_frames(&mut frames, drop as usize);
        ending = Ending::Abort;
    }
    shared.stats.streams_started.fetch_add(1, Ordering::SeqCst);
    let now = shared.stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
    sse(frames, ending, pace(&shared.config), shared.stats.clone())
}

/// A non-empty key in `Authorization: Bearer` (OpenAI, and the official Anthropic SDKs when
/// given an auth token) or in `x-api-key` (Anthropic), whichever dialect.
fn authenticated(headers: &HeaderMap) -> bool {
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let bearer = value(header::AUTHORIZATION.as_str())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|key| !key.trim().is_empty());
    bearer || value("x-api-key").is_some_and(|key| !key.trim().is_empty())
}

fn error(dialect: Dialect, status: StatusCode, kind: &str, message: &str) -> Response {
    let body = match dialect {
        Dialect::OpenAi => openai::error_body(kind, message),
        Dialect::Anthropic => anthropic::error_body(kind, message),
    };
    (status, axum::Json(body)).into_response()
}

fn pace(config: &MockLlmConfig) -> Option<Duration> {
    config
        .tokens_per_second
        .filter(|rate| rate.is_finite() && *rate > 0.0)
        .map(|rate| Duration::from_secs_f64(1.0 / rate))
}

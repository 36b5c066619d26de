//! Prometheus metrics: the process-wide recorder every `metrics::…!` call in this binary (and
//! in `workers`) reports to, `GET /metrics` rendering it in the text format, and what is
//! computed at scrape time (job lag from the jobs table, the database pool, the process).
//!
//! The recorder is installed once per process and shared by every app in it, so counters are
//! process-wide (tests assert on increases, or on labels only their own actions produce); the
//! scrape-time gauges come from the database of the app that serves the scrape. Every label
//! value is from a closed set: README "Operations" lists them.

mod graphql;
mod http;
mod process;
mod scrape;

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub use graphql::{GraphqlMetrics, is_subscription, unparsed_operation};
pub use http::track;
pub use scrape::JobLag;

use crate::state::App;
use std::sync::Arc;

pub const HTTP_REQUESTS: &str = "promptops_http_requests_total";
pub const HTTP_DURATION: &str = "promptops_http_request_duration_seconds";
pub const GRAPHQL_OPERATIONS: &str = "promptops_graphql_operations_total";
pub const GRAPHQL_DURATION: &str = "promptops_graphql_operation_duration_seconds";
pub const WEBSOCKET_CONNECTIONS: &str = "promptops_websocket_connections";
pub const SUBSCRIPTIONS_ACTIVE: &str = "promptops_subscriptions_active";
pub const RATE_LIMITED: &str = "promptops_rate_limited_total";
pub const QUOTA_EXCEEDED: &str = "promptops_quota_exceeded_total";

/// Latency buckets in seconds: 5 ms to 60 s (LLM calls and jobs run long).
const SECONDS_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
const ATTEMPT_BUCKETS: &[f64] = &[1.0, 2.0, 3.0, 5.0, 10.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use (start-up: `App::build`).
pub fn handle() -> PrometheusHandle {
    HANDLE.get_or_init(install).clone()
}

fn install() -> PrometheusHandle {
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
        .and_then(|b| {
            b.set_buckets_for_metric(
                Matcher::Full(workers::metrics::JOB_ATTEMPTS.into()),
                ATTEMPT_BUCKETS,
            )
        });
    let recorder = match builder {
        Ok(builder) => builder.build_recorder(),
        // Only empty bucket lists are refused; the lists above are not.
        Err(error) => {
            tracing::error!(%error, "metric buckets refused; histograms become summaries");
            PrometheusBuilder::new().build_recorder()
        }
    };
    let handle = recorder.handle();
    if let Err(error) = metrics::set_global_recorder(recorder) {
        tracing::error!(%error, "another metrics recorder is installed; /metrics stays empty");
    }
    describe();
    handle
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    use workers::metrics as w;
    describe_counter!(HTTP_REQUESTS, "HTTP requests by method, route and status");
    describe_histogram!(HTTP_DURATION, Unit::Seconds, "HTTP request latency");
    describe_counter!(
        GRAPHQL_OPERATIONS,
        "GraphQL operations by root field, type and outcome"
    );
    describe_histogram!(GRAPHQL_DURATION, Unit::Seconds, "GraphQL operation latency");
    describe_gauge!(WEBSOCKET_CONNECTIONS, "Open GraphQL WebSocket connections");
    describe_gauge!(
        SUBSCRIPTIONS_ACTIVE,
        "Running GraphQL subscriptions (WebSocket)"
    );
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit");
    describe_counter!(
        QUOTA_EXCEEDED,
        "Monthly quota overruns: refused (hard) or first warned of the month (soft)"
    );
    describe_counter!(w::JOBS_ENQUEUED, "Job rows written PENDING, by kind");
    describe_counter!(
        w::JOBS_CLAIMED,
        "Job deliveries claimed by a worker, by kind"
    );
    describe_counter!(w::JOBS_FINISHED, "Job runs ended, by kind and status");
    describe_histogram!(w::JOB_DURATION, Unit::Seconds, "Job run time, claim to end");
    describe_histogram!(
        w::JOB_ATTEMPTS,
        "Attempt number of each claim (1 = first try)"
    );
    describe_counter!(w::PROVIDER_REQUESTS, "LLM provider calls by outcome");
    describe_counter!(
        w::PROVIDER_TOKENS,
        "Tokens sent to (in) and received from (out) providers"
    );
    describe_histogram!(
        w::PROVIDER_TTFT,
        Unit::Seconds,
        "Provider time to first token"
    );
    describe_counter!(w::CACHE_REQUESTS, "Response cache lookups by result");
    describe_counter!(w::REDIS_ERRORS, "Failed Redis commands");
    use workers::retention::counters as r;
    describe_counter!(r::ROWS_ARCHIVED, "Rows written to archive files, by table");
    describe_counter!(
        r::ROWS_DELETED,
        "Rows the retention sweep deleted, by table (archived and dependent)"
    );
    describe_counter!(r::ARCHIVES, "Archive files written, by table");
    describe_counter!(
        r::ARCHIVE_BYTES,
        Unit::Bytes,
        "Compressed bytes written to archive files, by table"
    );
}

/// A request refused by the rate limit named `limit` (a closed set: see `ratelimit`, `ws`).
pub fn rate_limited(limit: &'static str) {
    metrics::counter!(RATE_LIMITED, "limit" => limit).increment(1);
}

/// A monthly quota overrun: `quota` is `executions` or `tokens`, `enforcement` `hard` (a
/// refusal) or `soft` (the month's one warning). No organization label: ids are unbounded.
pub fn quota_exceeded(quota: &'static str, enforcement: &'static str) {
    metrics::counter!(QUOTA_EXCEEDED, "quota" => quota, "enforcement" => enforcement).increment(1);
}

/// RAII for a gauge of things open right now (WebSocket connections, subscriptions).
pub struct Open(&'static str);

impl Open {
    pub fn new(gauge: &'static str) -> Self {
        metrics::gauge!(gauge).increment(1.0);
        Self(gauge)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        metrics::gauge!(self.0).decrement(1.0);
    }
}

/// The exposition: the recorder's series, then the scrape-time ones.
pub async fn render(app: &App) -> String {
    let handle = handle();
    // The exporter's housekeeping, done by the scrape so no background task is needed.
    handle.run_upkeep();
    let mut text = handle.render();
    scrape::append(app, &mut text).await;
    text
}

/// `GET /metrics`.
pub async fn endpoint(State(app): State<Arc<App>>) -> Response {
    let text = render(&app).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

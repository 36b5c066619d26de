//! Logs and traces for the process: the `tracing` subscriber (text or JSON logs on stderr,
//! filtered by `PROMPTOPS_LOG`) and, when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, an OpenTelemetry tracer exporting spans over
//! OTLP/HTTP (protobuf). The SDK reads the standard `OTEL_*` variables itself (service name,
//! resource attributes, sampler, batch delays, headers, timeout). Without the variable there
//! is no exporter and no OpenTelemetry layer: spans stay plain `tracing` spans.
//!
//! Started from the synchronous `main`, before the Tokio runtime: the blocking OTLP client
//! must not be built or dropped on a runtime thread, and the batch exporter runs on a thread
//! of its own. [`Telemetry::shutdown`] flushes what is buffered on the way out.

pub mod http;
mod json;
mod text;

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt, Tracer, TracerProvider};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Level;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The service name when neither `OTEL_SERVICE_NAME` nor a `service.name` in
/// `OTEL_RESOURCE_ATTRIBUTES` names one.
pub const DEFAULT_SERVICE_NAME: &str = "promptops";

/// Whether traces are exported: an OTLP endpoint is configured (and the SDK not disabled).
pub fn configured() -> bool {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let disabled =
        std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"));
    !disabled && (set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
}

/// The process's logging and tracing; keep it until the end of `main`.
#[must_use = "dropping it loses nothing, but only `shutdown` flushes the spans"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Whether spans are exported.
    pub fn exporting(&self) -> bool {
        self.provider.is_some()
    }

    /// Exports the spans still buffered (graceful shutdown). Call it outside the runtime.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(error) = provider.shutdown()
        {
            eprintln!("could not flush the last traces: {error}");
        }
    }
}

/// Installs the global subscriber (start-up only). A broken OTLP configuration is reported
/// and the process runs without traces rather than not at all.
pub fn init() -> Telemetry {
    let filter = EnvFilter::try_from_env("PROMPTOPS_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("PROMPTOPS_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let logs = if json {
        tracing_subscriber::fmt::layer()
            .json()
            .event_format(json::WithTraceId::default())
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .event_format(text::TextWithTraceId::default())
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed()
    };
    let (provider, failure) = if configured() {
        match provider() {
            Ok(provider) => (Some(provider), None),
            Err(error) => (None, Some(error)),
        }
    } else {
        (None, None)
    };
    let traces = provider.as_ref().map(|provider| {
        opentelemetry::global::set_tracer_provider(provider.clone());
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("promptops"))
            .with_filter(span_filter())
    });
    tracing_subscriber::registry()
        .with(logs)
        .with(traces)
        .init();
    if let Some(error) = failure {
        tracing::error!(%error, "OpenTelemetry traces are off: the exporter could not be built");
    }
    Telemetry { provider }
}

fn provider() -> anyhow::Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_resource(resource())
        .with_batch_exporter(exporter)
        .build())
}

/// The SDK's resource (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`), named
/// [`DEFAULT_SERVICE_NAME`] when those name no service.
fn resource() -> Resource {
    let named = std::env::var("OTEL_SERVICE_NAME").is_ok_and(|v| !v.trim().is_empty())
        || std::env::var("OTEL_RESOURCE_ATTRIBUTES").is_ok_and(|v| {
            v.split(',')
                .any(|kv| kv.trim().starts_with("service.name="))
        });
    let builder = Resource::builder();
    if named {
        builder.build()
    } else {
        builder.with_service_name(DEFAULT_SERVICE_NAME).build()
    }
}

/// Which `tracing` spans become OpenTelemetry spans: ours and the libraries' at INFO, never
/// the HTTP stack's (the exporter's own requests would trace themselves).
fn span_filter() -> Targets {
    Targets::new()
        .with_default(Level::INFO)
        .with_target("h2", tracing::level_filters::LevelFilter::OFF)
        .with_target("hyper", tracing::level_filters::LevelFilter::OFF)
        .with_target("hyper_util", tracing::level_filters::LevelFilter::OFF)
        .with_target("reqwest", tracing::level_filters::LevelFilter::OFF)
        .with_target("tower", tracing::level_filters::LevelFilter::OFF)
        .with_target("opentelemetry", tracing::level_filters::LevelFilter::OFF)
        .with_target("sqlx", tracing::level_filters::LevelFilter::OFF)
        .with_target("sea_orm", tracing::level_filters::LevelFilter::OFF)
}

/// Names the current GraphQL operation's span (`mutation executePrompt`) once the document
/// is parsed: its type, its root field (the schema's, a closed set) and the client's name.
pub fn name_operation(ty: &str, root_field: &str, name: Option<&str>) {
    let span = tracing::Span::current();
    workers::trace::rename(&span, format!("{ty} {root_field}"));
    span.record("graphql.operation.type", ty);
    span.record("graphql.root_field", root_field);
    if let Some(name) = name {
        span.record("graphql.operation.name", name);
    }
}

/// A span for one SQL statement, under the current span, from sea-orm's per-statement
/// callback (which runs in the statement's task, once it returned). Only inside a trace: the
/// reconciler's and the pool's statements outside any operation are not traced.
pub fn statement(info: &sea_orm::metric::Info<'_>) {
    let parent = tracing::Span::current().context();
    if !parent.span().span_context().is_valid() {
        return;
    }
    let end = std::time::SystemTime::now();
    let start = end.checked_sub(info.elapsed).unwrap_or(end);
    let sql = info.statement.sql.as_str();
    let operation = sql
        .split_whitespace()
        .next()
        .unwrap_or("SQL")
        .to_ascii_uppercase();
    let system = match info.statement.db_backend {
        sea_orm::DbBackend::Postgres => "postgresql",
        sea_orm::DbBackend::Sqlite => "sqlite",
        _ => "other_sql",
    };
    // Placeholders only: bound values never reach the text.
    let text: String = sql.chars().take(2000).collect();
    let tracer = opentelemetry::global::tracer("promptops.db");
    let mut span = tracer
        .span_builder(format!("{operation} {system}"))
        .with_kind(SpanKind::Client)
        .with_start_time(start)
        .with_attributes([
            KeyValue::new("db.system.name", system),
            KeyValue::new("db.operation.name", operation),
            KeyValue::new("db.query.text", text),
        ])
        .start_with_context(&tracer, &parent);
    if info.failed {
        span.set_status(Status::error("the statement failed"));
    }
    span.end_with_timestamp(end);
}

//! Trace context across processes: the W3C `traceparent` a job row carries from the request
//! (or job) that wrote it to the worker that runs it, the current trace id for audit rows,
//! and spans for Redis calls. Everything here is a no-op outside an OpenTelemetry trace (no
//! exporter configured, or a span outside any trace): then there is nothing to carry.

use std::collections::HashMap;

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt;

const TRACEPARENT: &str = "traceparent";

/// The current span's context as a W3C `traceparent`, when it belongs to a trace.
pub fn current_traceparent() -> Option<String> {
    let current = tracing::Span::current();
    if current.is_none() {
        return None;
    }
    let context = current.context();
    if !context.span().span_context().is_valid() {
        return None;
    }
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove(TRACEPARENT)
}

/// The current span's trace id (32 hex digits), when it belongs to a trace.
pub fn current_trace_id() -> Option<String> {
    let current = tracing::Span::current();
    if current.is_none() {
        return None;
    }
    let context = current.context();
    let span = context.span();
    let span_context = span.span_context();
    span_context
        .is_valid()
        .then(|| span_context.trace_id().to_string())
}

/// Makes `span` a child of the remote span `traceparent` names. Call it before the span is
/// first entered; an invalid or foreign `traceparent` leaves the span a root.
pub fn continue_from(span: &tracing::Span, traceparent: &str) {
    let carrier = HashMap::from([(TRACEPARENT.to_owned(), traceparent.to_owned())]);
    let context = TraceContextPropagator::new().extract(&carrier);
    if context.span().span_context().is_valid() {
        // Fails only without the OpenTelemetry layer, where there is no trace to continue.
        let _ = span.set_parent(context);
    }
}

/// Renames a span once what it does is known (the job's kind after its claim). Only the
/// exported span's name changes (an `otel.name` recorded late would be lost once started).
pub fn rename(span: &tracing::Span, name: String) {
    if span.is_none() {
        return;
    }
    let context = span.context();
    let otel = context.span();
    if otel.span_context().is_valid() {
        otel.update_name(name);
    }
}

/// A client span for one Redis command under the current span (none outside a span, so the
/// pool's polling does not start a trace a second).
pub fn redis(command: &'static str) -> tracing::Span {
    if tracing::Span::current().is_none() {
        return tracing::Span::none();
    }
    tracing::info_span!(
        "redis",
        otel.name = command,
        otel.kind = "client",
        db.system.name = "redis",
        db.operation.name = command,
    )
}

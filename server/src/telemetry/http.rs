//! The span of one HTTP request (when traces are exported): the root of everything the
//! request does, or the child of the caller's span when it sent a W3C `traceparent`.

use std::time::Duration;

use axum::http::{Request, Response};
use tracing::Span;

/// Named by method and route; the web app's files share one name.
pub fn span<B>(request: &Request<B>) -> Span {
    let method = request.method().as_str();
    let path = request.uri().path();
    let route = match path {
        "/graphql" | "/graphql/ws" | "/healthz" | "/readyz" | "/metrics" => path,
        _ if path.starts_with("/graphiql/assets/") => "/graphiql/assets/{name}",
        _ => "/*",
    };
    let span = tracing::info_span!(
        "http",
        otel.name = %format!("{method} {route}"),
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        http.request.method = %method,
        http.route = route,
        url.path = %path,
        http.response.status_code = tracing::field::Empty,
    );
    if let Some(traceparent) = request
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
    {
        workers::trace::continue_from(&span, traceparent);
    }
    span
}

pub fn on_response<B>(response: &Response<B>, _latency: Duration, span: &Span) {
    let status = response.status();
    span.record("http.response.status_code", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
}

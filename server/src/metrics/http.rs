//! HTTP requests by method, route and status, with their latency. The route is the path
//! pattern axum matched (`/graphql`, `/graphiql/assets/{name}`), or `other` (the web app's
//! files, unknown paths): never a raw path.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use super::{HTTP_DURATION, HTTP_REQUESTS};

/// Middleware: counts and times every request (a WebSocket upgrade until its 101).
pub async fn track(request: Request, next: Next) -> Response {
    let began = Instant::now();
    let method = method(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("other", |path| route(path.as_str()));
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route, "status" => status)
        .increment(1);
    metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route)
        .record(began.elapsed().as_secs_f64());
    response
}

/// The routes the server declares; a pattern outside them (none today) is `other`.
fn route(path: &str) -> &'static str {
    match path {
        "/graphql" => "/graphql",
        "/graphql/ws" => "/graphql/ws",
        "/graphiql/assets/{name}" => "/graphiql/assets/{name}",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        _ => "other",
    }
}

fn method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

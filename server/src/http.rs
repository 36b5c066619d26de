//! The HTTP surface: GraphQL over HTTP on `POST` and `GET /graphql` (`graphql_http`), GraphiQL
//! on `GET /graphql` for a browser and its assets under `/graphiql/assets/` (`graphiql`),
//! `/healthz`, `/readyz`, `/metrics` (Prometheus, [`crate::metrics`]); the WebSocket endpoint (`/graphql/ws`, and `GET /graphql` upgrades)
//! is mounted from [`crate::ws`]. This is the top of the request path: the handlers it mounts
//! take their own state (`FromRef`) and never import it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::ConnectionTrait;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::graphql::AppSchema;
use crate::graphql_http::GraphqlState;
use crate::request::REQUEST_ID;
use crate::state::App;
use crate::ws::{self, WsState};

#[derive(Clone)]
pub(crate) struct HttpState {
    pub(crate) app: Arc<App>,
    pub(crate) schema: AppSchema,
    pub(crate) ws: WsState,
}

impl FromRef<HttpState> for GraphqlState {
    fn from_ref(state: &HttpState) -> GraphqlState {
        GraphqlState {
            app: state.app.clone(),
            schema: state.schema.clone(),
        }
    }
}

impl FromRef<HttpState> for Arc<App> {
    fn from_ref(state: &HttpState) -> Arc<App> {
        state.app.clone()
    }
}

impl FromRef<HttpState> for WsState {
    fn from_ref(state: &HttpState) -> WsState {
        state.ws.clone()
    }
}

pub fn router(app: Arc<App>) -> Router {
    let schema = crate::graphql::schema(app.clone());
    let cors = cors_layer(&app.config.cors_origins);
    // The largest body of any kind; `POST /graphql` holds JSON to its own, smaller limit.
    let body_limit = app
        .config
        .max_upload_bytes
        .max(crate::graphql_http::MAX_JSON_BODY_BYTES);
    let ws = WsState::new(app.clone(), schema.clone());
    let state = HttpState {
        app,
        schema,
        ws: ws.clone(),
    };
    let mut routes = Router::new()
        .route(
            "/graphql",
            get(crate::graphql_http::get).post(crate::graphql_http::post),
        )
        .route("/graphiql/assets/{name}", get(crate::graphiql::asset))
        .route("/graphql/ws", get(ws::handler))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz));
    // With a separate metrics listener, `/metrics` is served there only: the main port (often
    // the public one) does not show figures pooled across organizations.
    if state.app.config.metrics_addr.is_none() {
        routes = routes.route("/metrics", get(crate::metrics::endpoint));
    }
    let mut router = routes
        // The web app: its files, and `index.html` for its client-side routes.
        .fallback(crate::web::serve)
        // At the body itself, whichever extractor reads it (a declared length past the limit
        // is a 413; a chunked body is cut off and refused). WebSocket messages: see below.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(body_limit))
        // WebSocket upgrades of `GET /graphql` (one endpoint for everything).
        .layer(axum::middleware::from_fn_with_state(
            ws,
            ws::upgrade_on_graphql,
        ))
        .with_state(state);
    if let Some(cors) = cors {
        router = router.layer(cors);
    }
    router.layer(axum::middleware::from_fn(crate::metrics::track))
}

/// The separate metrics listener (`PROMPTOPS_METRICS_ADDR`): `GET /metrics` only.
pub fn metrics_router(app: Arc<App>) -> Router {
    Router::new()
        .route("/metrics", get(crate::metrics::endpoint))
        .with_state(app)
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<&String> = origins.iter().filter(|o| !o.trim().is_empty()).collect();
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            REQUEST_ID,
            HeaderName::from_static(crate::graphql_http::PREFLIGHT_HEADERS[0]),
            HeaderName::from_static(crate::graphql_http::PREFLIGHT_HEADERS[1]),
        ]);
    if origins.iter().any(|o| o.trim() == "*") {
        return Some(layer.allow_origin(Any));
    }
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    Some(layer.allow_origin(AllowOrigin::list(list)))
}

/// How long `/readyz` waits for each dependency: a stalled one (a paused PostgreSQL, a
/// connection pool waiting on it) is reported unreachable well within a probe's timeout
/// (the manifests' `timeoutSeconds: 3`) instead of leaving the probe unanswered.
const READY_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// 200 when the database and Redis (if configured) answer within [`READY_CHECK_TIMEOUT`],
/// else 503; both are asked at once.
async fn readyz(State(state): State<HttpState>) -> Response {
    let database = async {
        tokio::time::timeout(
            READY_CHECK_TIMEOUT,
            state.app.db.execute_unprepared("SELECT 1"),
        )
        .await
        .is_ok_and(|answer| answer.is_ok())
    };
    let redis = async {
        let mut conn = state.app.redis.clone()?;
        let ping = redis::cmd("PING");
        Some(
            tokio::time::timeout(READY_CHECK_TIMEOUT, ping.query_async::<String>(&mut conn))
                .await
                .is_ok_and(|answer| answer.is_ok()),
        )
    };
    let (database, redis) = tokio::join!(database, redis);
    let status = if database && redis.unwrap_or(true) {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(serde_json::json!({
            "database": if database { "ok" } else { "unreachable" },
            "redis": match redis { Some(true) => "ok", Some(false) => "unreachable", None => "not configured" },
        })),
    )
        .into_response()
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = if crate::telemetry::configured() {
        router(app).layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(crate::telemetry::http::span)
                .on_response(crate::telemetry::http::on_response),
        )
    } else {
        router(app).layer(tower_http::trace::TraceLayer::new_for_http())
    };
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

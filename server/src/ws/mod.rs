//! GraphQL over WebSocket, on `/graphql/ws` and on `GET /graphql` with `Upgrade: websocket`:
//! both protocols (graphql-transport-ws, legacy graphql-ws), our own implementation so that
//! close codes, the init timeout, connection and operation limits and the re-validation of
//! credentials are ours to control.

mod connection;
pub mod limits;
pub mod protocol;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::graphql::AppSchema;
use crate::state::App;
use connection::Connection;
use limits::Registry;
use protocol::{Protocol, SUBPROTOCOLS};

/// The largest message a client may send (as for HTTP bodies).
const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
/// The read buffer tungstenite starts each WebSocket with, and the writes it gathers.
const WS_BUFFER_BYTES: usize = 4 * 1024;

/// What the WebSocket endpoint shares between connections.
#[derive(Clone)]
pub struct WsState {
    pub app: Arc<App>,
    pub schema: AppSchema,
    pub registry: Registry,
}

impl WsState {
    pub fn new(app: Arc<App>, schema: AppSchema) -> Self {
        WsState {
            app,
            schema,
            registry: Registry::default(),
        }
    }
}

/// `GET /graphql/ws`.
pub async fn handler(
    State(state): State<WsState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    accept(state, peer, &headers, upgrade)
}

/// A middleware in front of `/graphql`: a WebSocket upgrade is served here, anything else
/// goes on to the route's own handlers.
pub async fn upgrade_on_graphql(
    State(state): State<WsState>,
    request: Request,
    next: Next,
) -> Response {
    let wants_websocket = request.method() == Method::GET
        && request.uri().path() == "/graphql"
        && request
            .headers()
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !wants_websocket {
        return next.run(request).await;
    }
    let (mut parts, _body) = request.into_parts();
    let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>().copied() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => accept(state, peer, &parts.headers, upgrade),
        Err(rejection) => rejection.into_response(),
    }
}

fn accept(
    state: WsState,
    peer: SocketAddr,
    headers: &HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let upgrade = upgrade
        // tungstenite allocates its read buffer up front (128 KiB by default) and keeps it for
        // the connection's life: most of an idle subscriber's memory. A small one grows for a
        // larger message; writes are flushed message by message anyway.
        .read_buffer_size(WS_BUFFER_BYTES)
        .write_buffer_size(WS_BUFFER_BYTES)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .protocols(SUBPROTOCOLS);
    let protocol = match upgrade.selected_protocol() {
        Some(name) => name.to_str().ok().and_then(Protocol::from_name),
        // A client that names no subprotocol gets the current one.
        None if upgrade.requested_protocols().next().is_none() => Some(Protocol::TransportWs),
        None => None,
    };
    let Some(protocol) = protocol else {
        return (
            StatusCode::BAD_REQUEST,
            "unsupported WebSocket subprotocol: use graphql-transport-ws or graphql-ws",
        )
            .into_response();
    };
    let ip = crate::request::client_ip(&state.app, headers, peer);
    let max = state.app.config.ws_max_connections_per_ip;
    let Some(ip_slot) = state.registry.acquire_ip(ip, max) else {
        crate::metrics::rate_limited("ws_connections_per_ip");
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many WebSocket connections from this address",
        )
            .into_response();
    };
    let conn = Connection {
        app: state.app,
        schema: state.schema,
        registry: state.registry,
        protocol,
        ip,
        _ip_slot: ip_slot,
        _open: crate::metrics::Open::new(crate::metrics::WEBSOCKET_CONNECTIONS),
    };
    upgrade.on_upgrade(move |socket| connection::serve(socket, conn))
}

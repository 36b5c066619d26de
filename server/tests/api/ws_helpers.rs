//! A raw WebSocket client for the protocol, limit and session tests: any path, either
//! subprotocol, and the close frame the server ends with.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use promptops::Config;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub use crate::execution_helpers::{Socket, next, send};
use crate::helpers::{Backend, TestApp, TestEnv};

/// A server on a fresh database with `tweak` applied to its configuration.
pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let env = Arc::new(TestEnv::new(&backend).await);
    TestApp::spawn_on(env, tweak).await
}

/// Opens a WebSocket on `path` offering `protocol`; no message sent yet.
pub async fn open(app: &TestApp, path: &str, protocol: &str) -> Socket {
    try_open(app, path, protocol).await.unwrap()
}

/// The upgrade's outcome: the socket, or the HTTP status it was refused with.
pub async fn try_open(app: &TestApp, path: &str, protocol: &str) -> Result<Socket, u16> {
    let url = format!("{}{path}", app.base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, response)) => {
            assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
            Ok(socket)
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(error) => panic!("WebSocket upgrade failed: {error}"),
    }
}

/// Opens `/graphql/ws` (graphql-transport-ws) and completes the handshake with `token`.
pub async fn initialised(app: &TestApp, token: Option<&str>) -> Socket {
    let mut socket = open(app, "/graphql/ws", "graphql-transport-ws").await;
    init(&mut socket, token).await;
    let ack = next(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

pub async fn init(socket: &mut Socket, token: Option<&str>) {
    let payload = match token {
        Some(token) => json!({ "authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    send(
        socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
}

/// Sends a `subscribe` of `query` with `variables` under `id`.
pub async fn subscribe(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    send(
        socket,
        json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }),
    )
    .await;
}

/// What the server sent last: text messages up to its close frame, and the frame's code and
/// reason. Fails when the socket ends without a close frame or stays open `within`.
pub async fn closed_within(socket: &mut Socket, within: Duration) -> (Vec<Value>, u16, String) {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("no close within {within:?}; saw {seen:?}"));
        match message {
            Some(Ok(Message::Text(text))) => seen.push(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(Some(frame)))) => {
                return (seen, u16::from(frame.code), frame.reason.to_string());
            }
            Some(Ok(Message::Close(None))) => panic!("closed without a code; saw {seen:?}"),
            Some(Ok(_)) => {}
            Some(Err(error)) => panic!("socket error before the close frame: {error}"),
            None => panic!("socket ended without a close frame; saw {seen:?}"),
        }
    }
}

/// `closed_within` 20 s.
pub async fn closed(socket: &mut Socket) -> (Vec<Value>, u16, String) {
    closed_within(socket, Duration::from_secs(20)).await
}

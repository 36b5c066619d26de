//! The graphql-transport-ws protocol's rules, through a raw client: its close codes (4400,
//! 4401, 4408, 4409, 4429) with reasons that fit a control frame, ping/pong, and WebSocket
//! upgrades on `/graphql` as well as `/graphql/ws`, in both protocols.

use std::time::Duration;

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};
use crate::ws_helpers::{closed, init, initialised, next, open, send, spawn_with, subscribe};

const AUDIT_FEED: &str = "subscription($org: ID!) { auditEventAdded(orgId: $org) { action } }";

/// An unknown message type used to close with a reason over the 125-byte control-frame limit,
/// which clients report as an invalid frame: now 4400 with a short reason.
async fn invalid_messages_close_with_4400(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    for bad in [
        json!({ "type": "bogus-type-".repeat(20) }),
        json!({ "id": "1", "type": "subscribe" }),
        json!({ "id": "1", "type": "start", "payload": { "query": "{ me { id } }" } }),
        json!(["not", "a", "message"]),
    ] {
        let mut socket = initialised(&app, Some(&owner.token)).await;
        send(&mut socket, bad.clone()).await;
        let (_, code, reason) = closed(&mut socket).await;
        assert_eq!(code, 4400, "{bad}: {reason}");
        assert!(reason.len() <= 123, "{reason}");
    }
    // Not JSON at all, before the handshake.
    let mut socket = open(&app, "/graphql/ws", "graphql-transport-ws").await;
    use futures_util::SinkExt;
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            "{oops".into(),
        ))
        .await
        .unwrap();
    assert_eq!(closed(&mut socket).await.1, 4400);
}

async fn subscribe_before_ack_closes_with_4401(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut socket = open(&app, "/graphql/ws", "graphql-transport-ws").await;
    subscribe(&mut socket, "1", "{ __typename }", json!({})).await;
    let (seen, code, reason) = closed(&mut socket).await;
    assert_eq!((code, reason.as_str()), (4401, "Unauthorized"));
    assert!(seen.is_empty(), "nothing runs before the ack: {seen:?}");
}

async fn no_init_closes_with_4408(backend: Backend) {
    let app = spawn_with(backend, |c| c.ws_init_timeout_secs = 1).await;
    let started = std::time::Instant::now();
    let mut socket = open(&app, "/graphql/ws", "graphql-transport-ws").await;
    let (_, code, reason) = closed(&mut socket).await;
    assert_eq!(
        (code, reason.as_str()),
        (4408, "Connection initialisation timeout")
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    // An initialised connection is not affected by the timeout.
    let owner = app.sign_up("owner").await;
    let mut socket = initialised(&app, Some(&owner.token)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    subscribe(&mut socket, "1", "{ me { id } }", json!({})).await;
    let reply = next(&mut socket).await;
    assert_eq!(reply["type"], "next", "{reply}");
    assert_eq!(reply["payload"]["data"]["me"]["id"], owner.user_id.as_str());
}

async fn duplicate_ids_close_with_4409(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mut socket = initialised(&app, Some(&owner.token)).await;
    let id = "x".repeat(300);
    let variables = json!({ "org": owner.org_id });
    subscribe(&mut socket, &id, AUDIT_FEED, variables.clone()).await;
    subscribe(&mut socket, &id, AUDIT_FEED, variables).await;
    let (_, code, reason) = closed(&mut socket).await;
    assert_eq!(code, 4409, "{reason}");
    assert!(reason.starts_with("Subscriber for xxx"), "{reason}");
    assert!(reason.len() <= 123, "{reason}");
}

async fn second_init_closes_with_4429(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mut socket = initialised(&app, Some(&owner.token)).await;
    init(&mut socket, Some(&owner.token)).await;
    let (_, code, reason) = closed(&mut socket).await;
    assert_eq!(
        (code, reason.as_str()),
        (4429, "Too many initialisation requests")
    );
}

async fn ping_is_answered_with_pong(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    // Before and after the handshake.
    let mut socket = open(&app, "/graphql/ws", "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(next(&mut socket).await, json!({ "type": "pong" }));
    init(&mut socket, Some(&owner.token)).await;
    assert_eq!(next(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "type": "ping", "payload": { "at": 7 } }),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        json!({ "type": "pong", "payload": { "at": 7 } })
    );
    // A pong is accepted silently; the connection keeps working.
    send(&mut socket, json!({ "type": "pong" })).await;
    subscribe(&mut socket, "1", "{ me { id } }", json!({})).await;
    assert_eq!(next(&mut socket).await["type"], "next");
    assert_eq!(next(&mut socket).await["type"], "complete");
}

/// Many clients assume one endpoint: `GET /graphql` with `Upgrade: websocket` is the
/// WebSocket, in both protocols; without it, it is still the page it was.
async fn graphql_endpoint_accepts_websocket_upgrades(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    for (protocol, kind, data) in [
        ("graphql-transport-ws", "subscribe", "next"),
        ("graphql-ws", "start", "data"),
    ] {
        let mut socket = open(&app, "/graphql", protocol).await;
        init(&mut socket, Some(&owner.token)).await;
        assert_eq!(next(&mut socket).await["type"], "connection_ack");
        send(
            &mut socket,
            json!({ "id": "1", "type": kind, "payload": { "query": "{ me { id } }" } }),
        )
        .await;
        let reply = next(&mut socket).await;
        assert_eq!(reply["type"], data, "{protocol}: {reply}");
        assert_eq!(reply["payload"]["data"]["me"]["id"], owner.user_id.as_str());
        assert_eq!(next(&mut socket).await["type"], "complete");
    }
    let page = app
        .client
        .get(format!("{}/graphql", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.status().is_success(), "{}", page.status());
}

backend_tests!(
    invalid_messages_close_with_4400,
    subscribe_before_ack_closes_with_4401,
    no_init_closes_with_4408,
    duplicate_ids_close_with_4409,
    second_init_closes_with_4429,
    ping_is_answered_with_pong,
    graphql_endpoint_accepts_websocket_upgrades,
);

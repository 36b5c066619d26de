//! WebSocket limits: sockets that never initialise are closed (see `ws_protocol` for 4408),
//! connections are capped per client IP and per credential, operations per connection.

use std::time::Duration;

use serde_json::json;

use crate::backend_tests;
use crate::helpers::Backend;
use crate::ws_helpers::{
    closed, init, initialised, next, open, send, spawn_with, subscribe, try_open,
};

const AUDIT_FEED: &str = "subscription($org: ID!) { auditEventAdded(orgId: $org) { action } }";

/// Idle sockets from one address used to pile up without bound: the cap refuses the upgrade
/// with 429, and a closed socket frees its place.
async fn connections_per_ip_are_capped(backend: Backend) {
    let app = spawn_with(backend, |c| c.ws_max_connections_per_ip = 3).await;
    let mut sockets = Vec::new();
    for _ in 0..3 {
        sockets.push(open(&app, "/graphql/ws", "graphql-transport-ws").await);
    }
    assert_eq!(
        try_open(&app, "/graphql/ws", "graphql-transport-ws")
            .await
            .err(),
        Some(429)
    );
    // The same cap on the other endpoint.
    assert_eq!(
        try_open(&app, "/graphql", "graphql-ws").await.err(),
        Some(429)
    );
    let mut first = sockets.remove(0);
    first.close(None).await.unwrap();
    drop(first);
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok(socket) = try_open(&app, "/graphql/ws", "graphql-transport-ws").await {
            reopened = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "a closed socket gives its place back");
}

/// One credential may hold only so many sockets: the next one is closed at `connection_init`
/// with 1013; other users are not affected.
async fn connections_per_user_are_capped(backend: Backend) {
    let app = spawn_with(backend, |c| c.ws_max_connections_per_user = 2).await;
    let owner = app.sign_up("owner").await;
    let other = app.sign_up("other").await;
    let (key, _) = app.api_key(&owner, &owner.org_id, "viewer").await;
    let _first = initialised(&app, Some(&owner.token)).await;
    let _second = initialised(&app, Some(&owner.token)).await;
    let mut third = open(&app, "/graphql/ws", "graphql-transport-ws").await;
    init(&mut third, Some(&owner.token)).await;
    let (seen, code, reason) = closed(&mut third).await;
    assert_eq!(code, 1013, "{reason}");
    assert!(seen.is_empty(), "no ack: {seen:?}");
    // Counted per credential: another user, and the owner's API key, still connect.
    let _other = initialised(&app, Some(&other.token)).await;
    let _key = initialised(&app, Some(&key)).await;
}

/// 5,000 `orgExecutionUpdates` on one socket cost seconds of work per event: operations per
/// connection are capped; the one over the cap is refused with an error, the connection and
/// the running ones go on, and completing one frees its place.
async fn operations_per_connection_are_capped(backend: Backend) {
    let app = spawn_with(backend, |c| c.ws_max_subscriptions_per_connection = 2).await;
    let owner = app.sign_up("owner").await;
    let mut socket = initialised(&app, Some(&owner.token)).await;
    let org = json!({ "org": owner.org_id });
    subscribe(&mut socket, "1", AUDIT_FEED, org.clone()).await;
    subscribe(&mut socket, "2", AUDIT_FEED, org.clone()).await;
    subscribe(&mut socket, "3", AUDIT_FEED, org.clone()).await;
    let refused = next(&mut socket).await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "3");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    subscribe(&mut socket, "4", AUDIT_FEED, org).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.api_key(&owner, &owner.org_id, "viewer").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let event = next(&mut socket).await;
        assert_eq!(event["type"], "next", "{event}");
        assert_eq!(
            event["payload"]["data"]["auditEventAdded"]["action"],
            "api_key.create"
        );
        ids.push(event["id"].as_str().unwrap().to_owned());
    }
    ids.sort();
    assert_eq!(
        ids,
        ["2", "4"],
        "the completed one is gone, the new one runs"
    );
}

backend_tests!(
    connections_per_ip_are_capped,
    connections_per_user_are_capped,
    operations_per_connection_are_capped,
);

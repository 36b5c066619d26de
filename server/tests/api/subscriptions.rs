//! Subscriptions over WebSocket: auth from the `connection_init` payload, the same guard as
//! queries, events from committed mutations.

use std::time::Duration;

use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

pub use crate::execution_helpers::{Socket, next, send};

pub async fn connect(app: &TestApp, authorization: Option<&str>) -> Socket {
    let mut request = app.ws_url().into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let payload = match authorization {
        Some(token) => json!({ "authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    let ack = next(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

/// Asserts that the subscription's next message is one error with `code`, and that it then
/// completes; returns the error message.
async fn refused_then_complete(socket: &mut Socket, code: &str) -> serde_json::Value {
    let refused = next(socket).await;
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], code,
        "{refused}"
    );
    let complete = next(socket).await;
    assert_eq!(complete["type"], "complete", "{complete}");
    refused
}

const AUDIT_FEED: &str =
    "subscription($org: ID!) { auditEventAdded(orgId: $org) { action actorType } }";

async fn audit_feed_needs_a_member_with_audit_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let stranger = app.sign_up("stranger").await;
    let viewer = app.sign_up("viewer").await;
    app.add_member(&owner, &owner.org_id, &viewer, "viewer")
        .await;

    for (token, code) in [
        (None, "UNAUTHENTICATED"),
        (Some(stranger.token.as_str()), "NOT_FOUND"),
        (Some(viewer.token.as_str()), "FORBIDDEN"),
    ] {
        let mut socket = connect(&app, token).await;
        send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": AUDIT_FEED, "variables": { "org": owner.org_id } } })).await;
        let reply = next(&mut socket).await;
        assert!(reply.to_string().contains(code), "expected {code}: {reply}");
    }
}

async fn audit_feed_delivers_committed_mutations(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mut socket = connect(&app, Some(&owner.token)).await;
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": AUDIT_FEED, "variables": { "org": owner.org_id } } })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    app.api_key(&owner, &owner.org_id, "viewer").await;
    let event = next(&mut socket).await;
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(
        event["payload"]["data"]["auditEventAdded"]["action"],
        "api_key.create"
    );
    assert_eq!(
        event["payload"]["data"]["auditEventAdded"]["actorType"],
        "user"
    );
}

/// A subscriber that loses access gets one error and the subscription completes.
async fn audit_feed_ends_when_access_is_lost(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (key, key_id) = app.api_key(&owner, &owner.org_id, "admin").await;
    let mut socket = connect(&app, Some(&key)).await;
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": AUDIT_FEED, "variables": { "org": owner.org_id } } })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { revokeApiKey(id: $id) { id } }",
        json!({ "id": key_id }),
    )
    .await;
    refused_then_complete(&mut socket, "NOT_FOUND").await;
}

/// An admin removed from the organization is refused the very event announcing it (one
/// error), and the subscription completes.
async fn audit_feed_ends_when_the_member_is_removed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let admin = app.sign_up("admin").await;
    app.add_member(&owner, &owner.org_id, &admin, "admin").await;
    let mut socket = connect(&app, Some(&admin.token)).await;
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": AUDIT_FEED, "variables": { "org": owner.org_id } } })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    app.ok(
        Some(&owner.token),
        "mutation($org: ID!, $user: ID!) { removeMember(orgId: $org, userId: $user) }",
        json!({ "org": owner.org_id, "user": admin.user_id }),
    )
    .await;
    let refused = refused_then_complete(&mut socket, "NOT_FOUND").await;
    assert!(refused["payload"]["data"].is_null(), "{refused}");
}

/// A WebSocket outlives the access token that opened it: once the token expires, the next
/// event is refused with UNAUTHENTICATED and the subscription completes.
async fn audit_feed_ends_when_the_session_expires(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({ "sub": owner.user_id, "aud": "promptops-api", "iss": "promptops", "iat": now, "exp": now + 2, "jti": uuid::Uuid::new_v4() });
    let short = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::JWT_SECRET.as_bytes()),
    )
    .unwrap();
    let mut socket = connect(&app, Some(&short)).await;
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": AUDIT_FEED, "variables": { "org": owner.org_id } } })).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;

    app.api_key(&owner, &owner.org_id, "viewer").await;
    let refused = next(&mut socket).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    assert_eq!(next(&mut socket).await["type"], "complete");
}

backend_tests!(
    audit_feed_ends_when_the_session_expires,
    audit_feed_ends_when_access_is_lost,
    audit_feed_ends_when_the_member_is_removed,
    audit_feed_needs_a_member_with_audit_read,
    audit_feed_delivers_committed_mutations
);

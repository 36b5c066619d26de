//! A WebSocket's power ends with its credential's: an API key that expires or is revoked and
//! an access token that expires close the socket (4403), running subscriptions first end with
//! UNAUTHENTICATED; a removed member's subscription stops delivering.

use std::time::Duration;

use serde_json::json;

use crate::backend_tests;
use crate::execution_helpers::{EVENTS, execute, prompt_with};
use crate::helpers::{Backend, JWT_SECRET, TestApp};
use crate::ws_helpers::{closed_within, initialised, next, spawn_with, subscribe};

const MEMBERS: &str = "query($org: ID!) { members(orgId: $org) { role } }";
const MINT_KEY: &str = "mutation($org: ID!) {
    createApiKey(orgId: $org, input: {name: \"minted\", role: \"admin\"}) { secret } }";
const AUDIT_FEED: &str = "subscription($org: ID!) { auditEventAdded(orgId: $org) { action } }";

/// The reported attack: a key that expires in 4 s kept reading members and minting
/// admin keys on its open socket. Now the socket closes at expiry, its subscription ending
/// with UNAUTHENTICATED first, and the key opens nothing afterwards.
async fn an_expiring_api_key_closes_its_socket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let expires = chrono::Utc::now() + chrono::Duration::seconds(4);
    let data = app
        .ok(
            Some(&owner.token),
            "mutation($org: ID!, $at: DateTime) {
                createApiKey(orgId: $org, input: {name: \"short\", role: \"admin\", expiresAt: $at}) { secret } }",
            json!({ "org": owner.org_id, "at": expires.to_rfc3339() }),
        )
        .await;
    let key = data["createApiKey"]["secret"].as_str().unwrap().to_owned();
    let org = json!({ "org": owner.org_id });

    let mut socket = initialised(&app, Some(&key)).await;
    subscribe(&mut socket, "1", MEMBERS, org.clone()).await;
    let members = next(&mut socket).await;
    assert_eq!(
        members["payload"]["data"]["members"][0]["role"], "owner",
        "{members}"
    );
    assert_eq!(next(&mut socket).await["type"], "complete");
    subscribe(&mut socket, "2", AUDIT_FEED, org.clone()).await;

    let (seen, code, reason) = closed_within(&mut socket, Duration::from_secs(15)).await;
    assert!(
        chrono::Utc::now() >= expires,
        "closed at expiry, not before"
    );
    assert_eq!(code, 4403, "{reason}");
    assert_eq!(
        seen[0]["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{seen:?}"
    );
    assert_eq!(seen[0]["id"], "2");
    assert_eq!(seen[1], json!({ "type": "complete", "id": "2" }));

    // A new socket with the expired key is refused every operation.
    let mut socket = initialised(&app, Some(&key)).await;
    subscribe(&mut socket, "1", MINT_KEY, org).await;
    let refused = next(&mut socket).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    let keys = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { apiKeys(orgId: $org) { name } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert!(!keys.to_string().contains("minted"), "{keys}");
}

/// A revoked key's open socket: its next operation closes it with 4403 without running
/// (long before the periodic re-validation, 30 s by default).
async fn a_revoked_api_keys_next_operation_closes_its_socket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (key, key_id) = app.api_key(&owner, &owner.org_id, "admin").await;
    let org = json!({ "org": owner.org_id });
    let mut socket = initialised(&app, Some(&key)).await;
    subscribe(&mut socket, "1", MEMBERS, org.clone()).await;
    assert_eq!(next(&mut socket).await["type"], "next");
    assert_eq!(next(&mut socket).await["type"], "complete");

    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { revokeApiKey(id: $id) { id } }",
        json!({ "id": key_id }),
    )
    .await;
    subscribe(&mut socket, "2", MINT_KEY, org).await;
    let (seen, code, reason) = closed_within(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(code, 4403, "{reason}");
    assert!(seen.is_empty(), "nothing ran: {seen:?}");
}

/// A revoked key's idle socket is closed by the periodic re-validation.
async fn a_revoked_api_keys_idle_socket_is_closed(backend: Backend) {
    let app = spawn_with(backend, |c| c.ws_revalidate_secs = 1).await;
    let owner = app.sign_up("owner").await;
    let (key, key_id) = app.api_key(&owner, &owner.org_id, "admin").await;
    let mut socket = initialised(&app, Some(&key)).await;
    let mut other = initialised(&app, Some(&owner.token)).await;
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { revokeApiKey(id: $id) { id } }",
        json!({ "id": key_id }),
    )
    .await;
    let (_, code, reason) = closed_within(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(code, 4403, "{reason}");
    // The owner's own socket is unaffected.
    subscribe(&mut other, "1", "{ me { id } }", json!({})).await;
    assert_eq!(next(&mut other).await["type"], "next");
}

/// An access token's expiry closes the socket at that time, even with nothing running.
async fn an_expiring_access_token_closes_its_socket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let now = chrono::Utc::now().timestamp();
    // The same login (session) as the owner's token, expiring in two seconds.
    let claims = json!({ "sub": owner.user_id, "aud": "promptops-api", "iss": "promptops",
                         "iat": now, "exp": now + 2, "jti": uuid::Uuid::new_v4(),
                         "sid": session_of(&owner.token) });
    let short = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    let mut socket = initialised(&app, Some(&short)).await;
    let (seen, code, reason) = closed_within(&mut socket, Duration::from_secs(10)).await;
    assert!(chrono::Utc::now().timestamp() >= now + 2);
    assert_eq!(code, 4403, "{reason}");
    assert!(seen.is_empty(), "{seen:?}");
}

/// The session id (`sid`) an access token carries.
fn session_of(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&claims).unwrap()["sid"].clone()
}

/// Signing out ends the login's sockets too: the next operation on a socket opened with that
/// login's access token closes it (4403) without running, and an idle one is closed by the
/// periodic re-validation.
async fn signing_out_closes_the_logins_sockets(backend: Backend) {
    let app = spawn_with(backend, |c| c.ws_revalidate_secs = 1).await;
    let owner = app.sign_up("owner").await;
    let org = json!({ "org": owner.org_id });
    let mut busy = initialised(&app, Some(&owner.token)).await;
    let mut idle = initialised(&app, Some(&owner.token)).await;
    subscribe(&mut busy, "1", MEMBERS, org.clone()).await;
    assert_eq!(next(&mut busy).await["type"], "next");
    assert_eq!(next(&mut busy).await["type"], "complete");

    let out = app
        .ok(
            None,
            "mutation($r: String!) { logout(refreshToken: $r) }",
            json!({ "r": owner.refresh }),
        )
        .await;
    assert_eq!(out["logout"], true);
    subscribe(&mut busy, "2", MINT_KEY, org).await;
    let (seen, code, reason) = closed_within(&mut busy, Duration::from_secs(10)).await;
    assert_eq!(code, 4403, "{reason}");
    assert!(seen.is_empty(), "nothing ran: {seen:?}");
    let (_, code, reason) = closed_within(&mut idle, Duration::from_secs(10)).await;
    assert_eq!(code, 4403, "{reason}");
    use sea_orm::EntityTrait;
    let keys = entities::api_key::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap();
    assert!(keys.is_empty(), "no key was minted after logout");
}

/// A member removed from the organization stops receiving its executions' events at once,
/// mid-stream, with one error, and `orgExecutionUpdates` ends the same way.
async fn a_removed_members_subscriptions_stop(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let member = app.sign_up("member").await;
    app.add_member(&owner, &owner.org_id, &member, "viewer")
        .await;
    let model = json!({ "provider": "MOCK", "model": "lorem",
                        "extra": { "tokens": 400, "tokenDelayMs": 50 } });
    let prompt = prompt_with(&app, &owner, "Go on", model).await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;

    let mut socket = initialised(&app, Some(&member.token)).await;
    subscribe(&mut socket, "1", EVENTS, json!({ "id": execution })).await;
    subscribe(
        &mut socket,
        "2",
        "subscription($org: ID!) { orgExecutionUpdates(orgId: $org) { id } }",
        json!({ "org": owner.org_id }),
    )
    .await;
    // Following along (the first execution's status updates may come too).
    let mut followed = 0;
    while followed < 3 {
        let event = next(&mut socket).await;
        assert!(event["payload"]["errors"].is_null(), "{event}");
        if event["id"] == "1" {
            followed += 1;
        }
    }

    app.ok(
        Some(&owner.token),
        "mutation($org: ID!, $user: ID!) { removeMember(orgId: $org, userId: $user) }",
        json!({ "org": owner.org_id, "user": member.user_id }),
    )
    .await;
    // Another execution: its update must not reach the removed member.
    let quick = prompt_with(
        &app,
        &owner,
        "Hi",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    execute(&app, &owner.token, &quick, json!({}), false).await;

    let mut ended = std::collections::HashSet::new();
    let mut refused = std::collections::HashSet::new();
    while ended.len() < 2 {
        let message = next(&mut socket).await;
        let id = message["id"].as_str().unwrap().to_owned();
        match message["type"].as_str().unwrap() {
            "complete" => {
                assert!(refused.contains(&id), "ended by a refusal: {message}");
                ended.insert(id);
            }
            "next" => {
                let errors = &message["payload"]["errors"];
                if errors.is_null() {
                    // Events already on their way when access was lost, within the check's
                    // one-second freshness; no update of the new execution.
                    assert_eq!(id, "1", "no update after removal: {message}");
                } else {
                    assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND", "{message}");
                    refused.insert(id);
                }
            }
            _ => panic!("unexpected {message}"),
        }
    }
    let row = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { execution(id: $id) { status } }",
            json!({ "id": execution }),
        )
        .await;
    assert_eq!(
        row["execution"]["status"], "RUNNING",
        "stopped mid-stream: {row}"
    );
}

backend_tests!(
    signing_out_closes_the_logins_sockets,
    an_expiring_api_key_closes_its_socket,
    a_revoked_api_keys_next_operation_closes_its_socket,
    a_revoked_api_keys_idle_socket_is_closed,
    an_expiring_access_token_closes_its_socket,
    a_removed_members_subscriptions_stop,
);

//! Managing an API key needs a rank covering the key's role: an admin cannot revoke the key an
//! owner created with the owner role.

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code};

const REVOKE: &str = "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }";
const MEMBERS: &str = "query($org: ID!) { members(orgId: $org) { role } }";

async fn an_admin_cannot_revoke_an_owner_key(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let admin = app.sign_up("admin").await;
    let org = owner.org_id.clone();
    app.add_member(&owner, &org, &admin, "admin").await;
    let (owner_key, owner_key_id) = app.api_key(&owner, &org, "owner").await;
    let (_, viewer_key_id) = app.api_key(&owner, &org, "viewer").await;
    let (admin_key, _) = app.api_key(&owner, &org, "admin").await;

    let refused = app
        .gql(Some(&admin.token), REVOKE, json!({ "id": owner_key_id }))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let by_key = app
        .gql(Some(&admin_key), REVOKE, json!({ "id": owner_key_id }))
        .await;
    assert_eq!(error_code(&by_key), Some("FORBIDDEN"), "{by_key}");
    // The owner's key still works.
    app.ok(Some(&owner_key), MEMBERS, json!({ "org": org }))
        .await;

    // Within their rank, admins revoke; the owner revokes anything.
    app.ok(Some(&admin.token), REVOKE, json!({ "id": viewer_key_id }))
        .await;
    app.ok(Some(&owner.token), REVOKE, json!({ "id": owner_key_id }))
        .await;
    let gone = app
        .gql(Some(&owner_key), MEMBERS, json!({ "org": org }))
        .await;
    assert_eq!(error_code(&gone), Some("UNAUTHENTICATED"));
}

backend_tests!(an_admin_cannot_revoke_an_owner_key);

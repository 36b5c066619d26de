//! Organizations, members, custom roles and API keys, through the API as a user would.

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code};

const CREATE_KEY: &str = "mutation($org: ID!) { createApiKey(orgId: $org, input: {name: \"ci\", role: \"viewer\"}) { secret } }";
const MEMBERS: &str = "query($org: ID!) { members(orgId: $org) { role user { email } } }";
const ADD_MEMBER: &str = "mutation($org: ID!, $email: String!, $role: String!) { addMember(orgId: $org, input: {email: $email, role: $role}) { role } }";
const UPDATE_ROLE: &str = "mutation($org: ID!, $user: ID!, $role: String!) { updateMemberRole(orgId: $org, input: {userId: $user, role: $role}) { role } }";
const REMOVE: &str = "mutation($org: ID!, $user: ID!) { removeMember(orgId: $org, userId: $user) }";

/// The walk-through from the issue: second organization, a viewer, a foreign user, an API key.
async fn new_user_walkthrough(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let viewer = app.sign_up("viewer").await;
    let stranger = app.sign_up("stranger").await;

    let created = app
        .ok(
            Some(&owner.token),
            "mutation { createOrganization(input: {name: \"Second Org\"}) { id slug viewerRole } }",
            json!({}),
        )
        .await;
    let org = created["createOrganization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created["createOrganization"]["slug"], "second-org");
    assert_eq!(created["createOrganization"]["viewerRole"], "owner");

    app.add_member(&owner, &org, &viewer, "viewer").await;

    let denied = app
        .gql(Some(&viewer.token), CREATE_KEY, json!({ "org": org }))
        .await;
    assert_eq!(error_code(&denied), Some("FORBIDDEN"));
    let hidden = app
        .gql(Some(&stranger.token), CREATE_KEY, json!({ "org": org }))
        .await;
    assert_eq!(error_code(&hidden), Some("NOT_FOUND"));
    let hidden_read = app
        .gql(Some(&stranger.token), MEMBERS, json!({ "org": org }))
        .await;
    assert_eq!(error_code(&hidden_read), Some("NOT_FOUND"));
    assert!(
        hidden_read["data"].is_null(),
        "nothing of the organization leaks: {hidden_read}"
    );

    let (key, _) = app.api_key(&owner, &org, "viewer").await;
    let members = app.ok(Some(&key), MEMBERS, json!({ "org": org })).await;
    assert_eq!(members["members"].as_array().unwrap().len(), 2);
    let write = app
        .gql(
            Some(&key),
            ADD_MEMBER,
            json!({ "org": org, "email": stranger.email, "role": "viewer" }),
        )
        .await;
    assert_eq!(error_code(&write), Some("FORBIDDEN"));
    // The key is confined to its organization: the owner's first organization is not visible.
    let elsewhere = app
        .gql(Some(&key), MEMBERS, json!({ "org": owner.org_id }))
        .await;
    assert_eq!(error_code(&elsewhere), Some("NOT_FOUND"));
}

async fn the_last_owner_stays(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let admin = app.sign_up("admin").await;
    let org = owner.org_id.clone();
    app.add_member(&owner, &org, &admin, "admin").await;

    let demote = app
        .gql(
            Some(&owner.token),
            UPDATE_ROLE,
            json!({ "org": org, "user": owner.user_id, "role": "admin" }),
        )
        .await;
    assert_eq!(error_code(&demote), Some("CONFLICT"));
    let remove = app
        .gql(
            Some(&owner.token),
            REMOVE,
            json!({ "org": org, "user": owner.user_id }),
        )
        .await;
    assert_eq!(error_code(&remove), Some("CONFLICT"));

    // Admins manage members but cannot touch the owner role.
    let escalate = app
        .gql(
            Some(&admin.token),
            UPDATE_ROLE,
            json!({ "org": org, "user": admin.user_id, "role": "owner" }),
        )
        .await;
    assert_eq!(error_code(&escalate), Some("FORBIDDEN"));
    let oust = app
        .gql(
            Some(&admin.token),
            REMOVE,
            json!({ "org": org, "user": owner.user_id }),
        )
        .await;
    assert_eq!(error_code(&oust), Some("FORBIDDEN"));

    // With a second owner, the first may step down.
    app.ok(
        Some(&owner.token),
        UPDATE_ROLE,
        json!({ "org": org, "user": admin.user_id, "role": "owner" }),
    )
    .await;
    app.ok(
        Some(&owner.token),
        UPDATE_ROLE,
        json!({ "org": org, "user": owner.user_id, "role": "viewer" }),
    )
    .await;
    let members = app
        .ok(Some(&admin.token), MEMBERS, json!({ "org": org }))
        .await;
    let roles: Vec<&str> = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["viewer", "owner"]);
}

async fn custom_roles_grant_exactly_their_permissions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let reader = app.sign_up("reader").await;
    let org = owner.org_id.clone();

    let bad = app
        .gql(Some(&owner.token), "mutation($org: ID!) { createRole(orgId: $org, input: {name: \"x\", permissions: [\"prompt:fly\"]}) { name } }", json!({ "org": org }))
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    let builtin = app
        .gql(Some(&owner.token), "mutation($org: ID!) { createRole(orgId: $org, input: {name: \"admin\", permissions: [\"prompt:read\"]}) { name } }", json!({ "org": org }))
        .await;
    assert_eq!(error_code(&builtin), Some("CONFLICT"));

    app.ok(
        Some(&owner.token),
        "mutation($org: ID!) { createRole(orgId: $org, input: {name: \"auditor\", permissions: [\"member:read\", \"audit:read\"]}) { name } }",
        json!({ "org": org }),
    )
    .await;
    app.add_member(&owner, &org, &reader, "auditor").await;

    app.ok(Some(&reader.token), MEMBERS, json!({ "org": org }))
        .await;
    app.ok(
        Some(&reader.token),
        "query($org: ID!) { auditEvents(orgId: $org) { edges { cursor } } }",
        json!({ "org": org }),
    )
    .await;
    // What the web app hides or disables: exactly the custom role's permissions.
    // (Read as the app does, through `me`: the role holds no `organization:read`.)
    let mine = app
        .ok(
            Some(&reader.token),
            "{ me { memberships { organization { id viewerRole viewerPermissions } } } }",
            json!({}),
        )
        .await;
    let here = mine["me"]["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["organization"])
        .find(|o| o["id"] == org.as_str())
        .unwrap();
    assert_eq!(here["viewerRole"], "auditor");
    assert_eq!(
        here["viewerPermissions"],
        json!(["member:read", "audit:read"])
    );
    let owner_view = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { organization(id: $org) { viewerPermissions } }",
            json!({ "org": org }),
        )
        .await;
    let held = owner_view["organization"]["viewerPermissions"]
        .as_array()
        .unwrap();
    assert!(held.contains(&json!("role:manage")) && held.contains(&json!("prompt:deploy")));
    let roles = app
        .gql(
            Some(&reader.token),
            "query($org: ID!) { roles(orgId: $org) { name } }",
            json!({ "org": org }),
        )
        .await;
    assert_eq!(error_code(&roles), Some("FORBIDDEN"));

    let listed = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { roles(orgId: $org) { name builtin permissions } }",
            json!({ "org": org }),
        )
        .await;
    let names: Vec<&str> = listed["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["owner", "admin", "editor", "viewer", "auditor"]);

    let unknown_role = app
        .gql(
            Some(&owner.token),
            ADD_MEMBER,
            json!({ "org": org, "email": reader.email, "role": "ghost" }),
        )
        .await;
    assert_eq!(error_code(&unknown_role), Some("BAD_USER_INPUT"));
}

async fn api_keys_are_shown_once_and_revocable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let org = owner.org_id.clone();
    let (secret, id) = app.api_key(&owner, &org, "editor").await;
    assert!(secret.starts_with("po_"));

    let listed = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { apiKeys(orgId: $org) { id prefix role lastUsedAt revokedAt } }",
            json!({ "org": org }),
        )
        .await;
    let key = &listed["apiKeys"][0];
    assert_eq!(key["id"], id.as_str());
    assert!(secret.starts_with(key["prefix"].as_str().unwrap()));
    assert!(key["lastUsedAt"].is_null());
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never listed"
    );

    // "Last used" is written in batches: `api_key_cache::last_used_is_written_eventually`.
    app.ok(Some(&secret), MEMBERS, json!({ "org": org })).await;

    let me = app.gql(Some(&secret), "{ me { id } }", json!({})).await;
    assert_eq!(
        error_code(&me),
        Some("FORBIDDEN"),
        "an API key has no user session"
    );

    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }",
        json!({ "id": id }),
    )
    .await;
    let revoked = app.gql(Some(&secret), MEMBERS, json!({ "org": org })).await;
    assert_eq!(error_code(&revoked), Some("UNAUTHENTICATED"));

    let past = app
        .gql(
            Some(&owner.token),
            "mutation($org: ID!) { createApiKey(orgId: $org, input: {name: \"old\", role: \"viewer\", expiresAt: \"2020-01-01T00:00:00Z\"}) { secret } }",
            json!({ "org": org }),
        )
        .await;
    assert_eq!(error_code(&past), Some("BAD_USER_INPUT"));
}

async fn organization_slugs_are_unique(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let create = "mutation($slug: String) { createOrganization(input: {name: \"Acme\", slug: $slug}) { slug } }";
    app.ok(Some(&owner.token), create, json!({ "slug": "acme" }))
        .await;
    let taken = app
        .gql(Some(&owner.token), create, json!({ "slug": "acme" }))
        .await;
    assert_eq!(error_code(&taken), Some("CONFLICT"));
    let bad = app
        .gql(Some(&owner.token), create, json!({ "slug": "Not A Slug" }))
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    let derived = app
        .ok(Some(&owner.token), create, json!({ "slug": null }))
        .await;
    assert!(
        derived["createOrganization"]["slug"]
            .as_str()
            .unwrap()
            .starts_with("acme-")
    );
}

/// Nobody hands out more than they hold: a custom role with `api_key:manage` cannot mint an
/// admin key, one with `member:manage` cannot promote its holder.
async fn custom_roles_cannot_escalate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mallory = app.sign_up("mallory").await;
    let org = owner.org_id.clone();
    app.ok(
        Some(&owner.token),
        "mutation($org: ID!) { createRole(orgId: $org, input: {name: \"gatekeeper\", permissions: [\"api_key:manage\", \"member:manage\", \"member:read\"]}) { name } }",
        json!({ "org": org }),
    )
    .await;
    app.add_member(&owner, &org, &mallory, "gatekeeper").await;

    let key = "mutation($org: ID!, $role: String!) { createApiKey(orgId: $org, input: {name: \"k\", role: $role}) { secret } }";
    let admin_key = app
        .gql(
            Some(&mallory.token),
            key,
            json!({ "org": org, "role": "admin" }),
        )
        .await;
    assert_eq!(error_code(&admin_key), Some("FORBIDDEN"));
    let own_level = app
        .gql(
            Some(&mallory.token),
            key,
            json!({ "org": org, "role": "gatekeeper" }),
        )
        .await;
    assert!(own_level["errors"].is_null(), "{own_level}");

    let promote = app
        .gql(
            Some(&mallory.token),
            UPDATE_ROLE,
            json!({ "org": org, "user": mallory.user_id, "role": "admin" }),
        )
        .await;
    assert_eq!(error_code(&promote), Some("FORBIDDEN"));
    let admin = app.sign_up("admin").await;
    app.add_member(&owner, &org, &admin, "admin").await;
    let demote = app
        .gql(
            Some(&mallory.token),
            UPDATE_ROLE,
            json!({ "org": org, "user": admin.user_id, "role": "gatekeeper" }),
        )
        .await;
    assert_eq!(
        error_code(&demote),
        Some("FORBIDDEN"),
        "a narrower role cannot demote a broader one"
    );
}

backend_tests!(
    custom_roles_cannot_escalate,
    new_user_walkthrough,
    the_last_owner_stays,
    custom_roles_grant_exactly_their_permissions,
    api_keys_are_shown_once_and_revocable,
    organization_slugs_are_unique,
);

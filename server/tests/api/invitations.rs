//! `addMember` invites: the answer does not reveal whether the address is registered, nobody
//! joins without accepting, invitations can be declined, revoked, and expire; each step is
//! audited.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, Session, TestApp, TestEnv, error_code};

const INVITE: &str = "mutation($org: ID!, $email: String!, $role: String!) {
    addMember(orgId: $org, input: {email: $email, role: $role}) {
        id email role status organization { id name } createdAt expiresAt respondedAt } }";
const MY_INVITATIONS: &str = "{ me { invitations { id role status organization { id name } } } }";
const ORG_INVITATIONS: &str =
    "query($org: ID!) { invitations(orgId: $org) { id email role status } }";
const MEMBERS: &str = "query($org: ID!) { members(orgId: $org) { role user { email } } }";
const ACCEPT: &str = "mutation($id: ID!) { acceptInvitation(id: $id) { status role } }";
const DECLINE: &str = "mutation($id: ID!) { declineInvitation(id: $id) { status } }";
const REVOKE: &str = "mutation($id: ID!) { revokeInvitation(id: $id) { status } }";

/// The answer with what necessarily differs (ids, addresses, times) taken out.
fn shape(mut answer: Value) -> Value {
    for key in ["id", "email", "createdAt", "expiresAt"] {
        answer["addMember"][key] = Value::Null;
    }
    answer
}

async fn my_invitations(app: &TestApp, who: &Session) -> Vec<Value> {
    app.ok(Some(&who.token), MY_INVITATIONS, json!({})).await["me"]["invitations"]
        .as_array()
        .unwrap()
        .clone()
}

async fn invitations_need_consent_and_reveal_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let bob = app.sign_up("bob").await;
    let mallory = app.sign_up("mallory").await;
    let org = owner.org_id.clone();
    let carol_email = format!(
        "carol-{}@example.com",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );

    // The same answer for a registered and an unregistered address.
    let to_bob = app
        .ok(
            Some(&owner.token),
            INVITE,
            json!({ "org": org, "email": bob.email, "role": "editor" }),
        )
        .await;
    let to_carol = app
        .ok(
            Some(&owner.token),
            INVITE,
            json!({ "org": org, "email": carol_email, "role": "editor" }),
        )
        .await;
    assert_eq!(shape(to_bob.clone()), shape(to_carol.clone()));
    assert_eq!(to_bob["addMember"]["status"], "PENDING");
    let bob_invitation = to_bob["addMember"]["id"].as_str().unwrap().to_owned();
    let carol_invitation = to_carol["addMember"]["id"].as_str().unwrap().to_owned();

    // Inviting again renews the pending invitation instead of adding another.
    let again = app
        .ok(
            Some(&owner.token),
            INVITE,
            json!({ "org": org, "email": bob.email, "role": "viewer" }),
        )
        .await;
    assert_eq!(again["addMember"]["id"], bob_invitation.as_str());
    let listed = app
        .ok(Some(&owner.token), ORG_INVITATIONS, json!({ "org": org }))
        .await;
    assert_eq!(
        listed["invitations"].as_array().unwrap().len(),
        2,
        "{listed}"
    );

    // Bob is not a member until he accepts; he sees the invitation.
    let before = app
        .gql(Some(&bob.token), MEMBERS, json!({ "org": org }))
        .await;
    assert_eq!(error_code(&before), Some("NOT_FOUND"), "{before}");
    let mine = my_invitations(&app, &bob).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], bob_invitation.as_str());
    assert_eq!(mine[0]["role"], "viewer");
    assert_eq!(mine[0]["organization"]["id"], org.as_str());
    assert!(my_invitations(&app, &mallory).await.is_empty());

    // Nobody else can answer it.
    let stolen = app
        .gql(
            Some(&mallory.token),
            ACCEPT,
            json!({ "id": bob_invitation }),
        )
        .await;
    assert_eq!(error_code(&stolen), Some("NOT_FOUND"), "{stolen}");
    let (key, _) = app.api_key(&owner, &org, "admin").await;
    let by_key = app
        .gql(Some(&key), ACCEPT, json!({ "id": bob_invitation }))
        .await;
    assert_eq!(error_code(&by_key), Some("FORBIDDEN"), "{by_key}");

    let accepted = app
        .ok(Some(&bob.token), ACCEPT, json!({ "id": bob_invitation }))
        .await;
    assert_eq!(accepted["acceptInvitation"]["status"], "ACCEPTED");
    let members = app
        .ok(Some(&bob.token), MEMBERS, json!({ "org": org }))
        .await;
    assert!(
        members["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user"]["email"] == bob.email.as_str() && m["role"] == "viewer"),
        "{members}"
    );
    let twice = app
        .gql(Some(&bob.token), ACCEPT, json!({ "id": bob_invitation }))
        .await;
    assert_eq!(error_code(&twice), Some("CONFLICT"));
    assert!(my_invitations(&app, &bob).await.is_empty());
    let member_again = app
        .gql(
            Some(&owner.token),
            INVITE,
            json!({ "org": org, "email": bob.email, "role": "viewer" }),
        )
        .await;
    assert_eq!(error_code(&member_again), Some("CONFLICT"));

    // Carol signs up later with the invited address, sees the invitation and declines it.
    let carol = app
        .ok(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }",
            json!({ "input": { "email": carol_email.to_uppercase(), "password": "correct horse battery", "name": "Carol", "organizationName": "Carol's" } }),
        )
        .await;
    let carol = Session {
        token: carol["signUp"]["accessToken"].as_str().unwrap().to_owned(),
        refresh: String::new(),
        user_id: String::new(),
        org_id: String::new(),
        email: carol_email.clone(),
    };
    let mine = my_invitations(&app, &carol).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], carol_invitation.as_str());
    let declined = app
        .ok(
            Some(&carol.token),
            DECLINE,
            json!({ "id": carol_invitation }),
        )
        .await;
    assert_eq!(declined["declineInvitation"]["status"], "DECLINED");
    let not_member = app
        .gql(Some(&carol.token), MEMBERS, json!({ "org": org }))
        .await;
    assert_eq!(error_code(&not_member), Some("NOT_FOUND"));

    // Revoked before it is answered: it cannot be accepted.
    let dave = app.sign_up("dave").await;
    let to_dave = app.invite(&owner, &org, &dave.email, "viewer").await;
    let revoked = app
        .ok(Some(&owner.token), REVOKE, json!({ "id": to_dave }))
        .await;
    assert_eq!(revoked["revokeInvitation"]["status"], "REVOKED");
    assert!(my_invitations(&app, &dave).await.is_empty());
    let late = app
        .gql(Some(&dave.token), ACCEPT, json!({ "id": to_dave }))
        .await;
    assert_eq!(error_code(&late), Some("CONFLICT"));
    let listed = app
        .ok(Some(&owner.token), ORG_INVITATIONS, json!({ "org": org }))
        .await;
    assert!(
        listed["invitations"].as_array().unwrap().is_empty(),
        "{listed}"
    );

    let audit = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { auditEvents(orgId: $org, first: 50) { edges { node { action } } } }",
            json!({ "org": org }),
        )
        .await;
    let actions: Vec<&str> = audit["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    for action in [
        "invitation.create",
        "invitation.accept",
        "invitation.decline",
        "invitation.revoke",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
}

/// Admins invite and revoke, but not above their own rank.
async fn admins_cannot_invite_or_revoke_above_their_rank(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let admin = app.sign_up("admin").await;
    let org = owner.org_id.clone();
    app.add_member(&owner, &org, &admin, "admin").await;
    let owner_invite = app
        .gql(
            Some(&admin.token),
            INVITE,
            json!({ "org": org, "email": "x@example.com", "role": "owner" }),
        )
        .await;
    assert_eq!(error_code(&owner_invite), Some("FORBIDDEN"));
    let co_owner = app
        .invite(&owner, &org, "co-owner@example.com", "owner")
        .await;
    let revoke = app
        .gql(Some(&admin.token), REVOKE, json!({ "id": co_owner }))
        .await;
    assert_eq!(error_code(&revoke), Some("FORBIDDEN"));
    let editor = app.invite(&admin, &org, "ed@example.com", "editor").await;
    app.ok(Some(&admin.token), REVOKE, json!({ "id": editor }))
        .await;
}

async fn invitations_expire(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| c.invitation_ttl = 1).await;
    let owner = app.sign_up("owner").await;
    let bob = app.sign_up("bob").await;
    let id = app
        .invite(&owner, &owner.org_id, &bob.email, "viewer")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert!(my_invitations(&app, &bob).await.is_empty());
    let listed = app
        .ok(
            Some(&owner.token),
            ORG_INVITATIONS,
            json!({ "org": owner.org_id }),
        )
        .await;
    assert!(
        listed["invitations"].as_array().unwrap().is_empty(),
        "{listed}"
    );
    let late = app.gql(Some(&bob.token), ACCEPT, json!({ "id": id })).await;
    assert_eq!(error_code(&late), Some("CONFLICT"), "{late}");
    assert!(
        late["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{late}"
    );
    let members = app
        .gql(Some(&bob.token), MEMBERS, json!({ "org": owner.org_id }))
        .await;
    assert_eq!(error_code(&members), Some("NOT_FOUND"));
}

backend_tests!(
    invitations_need_consent_and_reveal_nothing,
    admins_cannot_invite_or_revoke_above_their_rank,
    invitations_expire,
);

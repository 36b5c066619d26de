//! Sessions end when their credentials do: an access token is refused once its login was
//! signed out or its refresh family revoked, on every server; a removed member loses the
//! organization at once.

use std::sync::Arc;

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestEnv, error_code, error_message};

const REFRESH: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }";
const LOGIN: &str = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { accessToken } }";
const ME: &str = "{ me { id } }";

async fn logout_ends_the_access_token_on_every_server(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let a = TestApp::spawn_on(env.clone(), |_| {}).await;
    let b = TestApp::spawn_on(env, |c| c.no_workers = true).await;
    let ada = a.sign_up("ada").await;
    let other_login = a
        .ok(
            None,
            LOGIN,
            json!({ "email": ada.email, "password": "correct horse battery" }),
        )
        .await;
    let other_token = other_login["login"]["accessToken"].as_str().unwrap();
    a.ok(Some(&ada.token), ME, json!({})).await;
    b.ok(Some(&ada.token), ME, json!({})).await;

    a.ok(
        None,
        "mutation($t: String!) { logout(refreshToken: $t) }",
        json!({ "t": ada.refresh }),
    )
    .await;

    // Refused at once, by the server that signed it out and by the other one.
    for app in [&a, &b] {
        let after = app.gql(Some(&ada.token), ME, json!({})).await;
        assert_eq!(error_code(&after), Some("UNAUTHENTICATED"), "{after}");
        assert!(error_message(&after).contains("signed out"), "{after}");
    }
    // Another login of the same account is its own session and goes on.
    a.ok(Some(other_token), ME, json!({})).await;
    b.ok(Some(other_token), ME, json!({})).await;
}

async fn refresh_token_reuse_revokes_the_sessions_access_tokens(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.sign_up("ada").await;
    let rotated = app.ok(None, REFRESH, json!({ "t": ada.refresh })).await;
    let second = rotated["refreshToken"]["accessToken"].as_str().unwrap();
    // Rotation keeps the session: both access tokens work.
    app.ok(Some(&ada.token), ME, json!({})).await;
    app.ok(Some(second), ME, json!({})).await;

    let reuse = app.gql(None, REFRESH, json!({ "t": ada.refresh })).await;
    assert_eq!(error_code(&reuse), Some("UNAUTHENTICATED"));

    for token in [ada.token.as_str(), second] {
        let refused = app.gql(Some(token), ME, json!({})).await;
        assert_eq!(error_code(&refused), Some("UNAUTHENTICATED"), "{refused}");
    }
}

async fn a_removed_member_loses_the_organization_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let member = app.sign_up("member").await;
    let org = owner.org_id.clone();
    app.add_member(&owner, &org, &member, "editor").await;
    let (prompt, _) = app.create_prompt(&owner, &org, "Greeting").await;
    let members = "query($org: ID!) { members(orgId: $org) { role } }";
    let read_prompt = "query($p: ID!) { prompt(id: $p) { id } }";
    app.ok(Some(&member.token), members, json!({ "org": org }))
        .await;
    app.ok(Some(&member.token), read_prompt, json!({ "p": prompt }))
        .await;

    app.ok(
        Some(&owner.token),
        "mutation($org: ID!, $user: ID!) { removeMember(orgId: $org, userId: $user) }",
        json!({ "org": org, "user": member.user_id }),
    )
    .await;

    // No wait: the very next request is refused.
    let listed = app
        .gql(Some(&member.token), members, json!({ "org": org }))
        .await;
    assert_eq!(error_code(&listed), Some("NOT_FOUND"), "{listed}");
    let read = app
        .gql(Some(&member.token), read_prompt, json!({ "p": prompt }))
        .await;
    assert_eq!(error_code(&read), Some("NOT_FOUND"), "{read}");
    let write = app
        .gql(
            Some(&member.token),
            "mutation($p: ID!) { updatePrompt(id: $p, input: {description: \"mine\"}) { id } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(error_code(&write), Some("NOT_FOUND"), "{write}");
}

backend_tests!(
    logout_ends_the_access_token_on_every_server,
    refresh_token_reuse_revokes_the_sessions_access_tokens,
    a_removed_member_loses_the_organization_at_once,
);

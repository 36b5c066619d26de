//! Sign-up, login, refresh-token rotation and reuse, logout, login rate limits.

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code, error_message};

const SIGN_UP: &str = "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { email } organization { slug } } }";
const LOGIN: &str = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { accessToken refreshToken organization { id } } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }";

async fn sign_up_validates_input_and_rejects_duplicates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let input = |email: &str, password: &str| json!({ "input": { "email": email, "password": password, "name": "Ada", "organizationName": "Analytical Engines" } });

    let short = app
        .gql(None, SIGN_UP, input("ada@example.com", "short"))
        .await;
    assert_eq!(error_code(&short), Some("BAD_USER_INPUT"));
    assert!(error_message(&short).contains("at least 8"));

    let malformed = app
        .gql(None, SIGN_UP, input("not-an-email", "long enough"))
        .await;
    assert_eq!(error_code(&malformed), Some("BAD_USER_INPUT"));

    let created = app
        .ok(None, SIGN_UP, input("Ada@Example.com", "long enough"))
        .await;
    assert_eq!(created["signUp"]["user"]["email"], "ada@example.com");
    assert_eq!(
        created["signUp"]["organization"]["slug"],
        "analytical-engines"
    );

    let duplicate = app
        .gql(None, SIGN_UP, input("ada@example.COM", "another password"))
        .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"));
}

async fn login_checks_the_password_and_returns_the_home_organization(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.sign_up("ada").await;

    let wrong = app
        .gql(
            None,
            LOGIN,
            json!({ "email": ada.email, "password": "wrong password" }),
        )
        .await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    let unknown = app
        .gql(
            None,
            LOGIN,
            json!({ "email": "nobody@example.com", "password": "whatever1" }),
        )
        .await;
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"));
    assert_eq!(
        error_message(&wrong),
        error_message(&unknown),
        "no hint which part was wrong"
    );
    let failed = app
        .ok(
            Some(&ada.token),
            "query($org: ID!) { auditEvents(orgId: $org, first: 1) { edges { node { action actorType resourceId } } } }",
            json!({ "org": ada.org_id }),
        )
        .await;
    assert_eq!(
        failed["auditEvents"]["edges"][0]["node"],
        json!({ "action": "user.login_failed", "actorType": "anonymous", "resourceId": ada.user_id }),
        "a wrong password for a real account is audited in its organization"
    );

    let data = app
        .ok(
            None,
            LOGIN,
            json!({ "email": ada.email, "password": "correct horse battery" }),
        )
        .await;
    assert_eq!(data["login"]["organization"]["id"], ada.org_id.as_str());
    let token = data["login"]["accessToken"].as_str().unwrap();
    let me = app
        .ok(
            Some(token),
            "{ me { email memberships { role organization { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["me"]["email"], ada.email.as_str());
    assert_eq!(me["me"]["memberships"][0]["role"], "owner");
}

async fn refresh_tokens_rotate_and_reuse_revokes_the_family(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.sign_up("ada").await;

    let first = app.ok(None, REFRESH, json!({ "t": ada.refresh })).await;
    let second_token = first["refreshToken"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(second_token, ada.refresh);

    // The rotated-out token no longer works, and presenting it revokes the family…
    let reused = app.gql(None, REFRESH, json!({ "t": ada.refresh })).await;
    assert_eq!(error_code(&reused), Some("UNAUTHENTICATED"));
    // …so the legitimately rotated token is dead too.
    let after_reuse = app.gql(None, REFRESH, json!({ "t": second_token })).await;
    assert_eq!(error_code(&after_reuse), Some("UNAUTHENTICATED"));

    // A separate login is its own family and still works.
    let login = app
        .ok(
            None,
            LOGIN,
            json!({ "email": ada.email, "password": "correct horse battery" }),
        )
        .await;
    let other = login["login"]["refreshToken"].as_str().unwrap();
    app.ok(None, REFRESH, json!({ "t": other })).await;
}

async fn logout_ends_the_login(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.sign_up("ada").await;
    let out = app
        .ok(
            None,
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": ada.refresh }),
        )
        .await;
    assert_eq!(out["logout"], true);
    let refreshed = app.gql(None, REFRESH, json!({ "t": ada.refresh })).await;
    assert_eq!(error_code(&refreshed), Some("UNAUTHENTICATED"));
    let unknown = app
        .ok(
            None,
            "mutation { logout(refreshToken: \"rt_nope\") }",
            json!({}),
        )
        .await;
    assert_eq!(unknown["logout"], true);
}

async fn login_attempts_are_rate_limited_per_email_and_ip(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.sign_up("ada").await;
    let limit = app.app.config.login_limit_per_email_ip;
    crate::helpers::within_one_rate_window(30).await;
    for _ in 0..limit {
        let body = app
            .gql(
                None,
                LOGIN,
                json!({ "email": ada.email, "password": "wrong password" }),
            )
            .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    let limited = app
        .gql(
            None,
            LOGIN,
            json!({ "email": ada.email, "password": "correct horse battery" }),
        )
        .await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"));
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            <= 60
    );
    // Another address from the same client is not limited yet.
    let bob = app.sign_up("bob").await;
    app.ok(
        None,
        LOGIN,
        json!({ "email": bob.email, "password": "correct horse battery" }),
    )
    .await;
}

async fn login_attempts_are_rate_limited_per_ip(backend: Backend) {
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| c.login_limit_per_ip = 3).await;
    crate::helpers::within_one_rate_window(30).await;
    for i in 0..3 {
        let body = app
            .gql(
                None,
                LOGIN,
                json!({ "email": format!("u{i}@example.com"), "password": "whatever1" }),
            )
            .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    let limited = app
        .gql(
            None,
            LOGIN,
            json!({ "email": "u9@example.com", "password": "whatever1" }),
        )
        .await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"));
}

async fn sign_ups_are_rate_limited_per_ip(backend: Backend) {
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| c.signup_limit_per_ip = 2).await;
    app.sign_up("one").await;
    app.sign_up("two").await;
    let input = json!({ "input": { "email": "three@example.com", "password": "long enough", "name": "T", "organizationName": "T" } });
    let limited = app.gql(None, SIGN_UP, input).await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"));
}

async fn mutations_are_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.sign_up("ada").await;
    let rotated = app.ok(None, REFRESH, json!({ "t": ada.refresh })).await;
    let reuse = app.gql(None, REFRESH, json!({ "t": ada.refresh })).await;
    assert_eq!(error_code(&reuse), Some("UNAUTHENTICATED"));
    let second = rotated["refreshToken"]["refreshToken"].as_str().unwrap();
    app.ok(
        None,
        "mutation($t: String!) { logout(refreshToken: $t) }",
        json!({ "t": second }),
    )
    .await;
    // The reuse revoked the session of `ada.token` too: sign in again.
    let login = app
        .ok(
            None,
            LOGIN,
            json!({ "email": ada.email, "password": "correct horse battery" }),
        )
        .await;
    let ada = crate::helpers::Session {
        token: login["login"]["accessToken"].as_str().unwrap().to_owned(),
        ..ada
    };
    app.api_key(&ada, &ada.org_id, "viewer").await;
    let data = app
        .ok(
            Some(&ada.token),
            "query($org: ID!) { auditEvents(orgId: $org, first: 10) { edges { node {
                action actorType actorId resourceType requestId } } } }",
            json!({ "org": ada.org_id }),
        )
        .await;
    let edges = data["auditEvents"]["edges"].as_array().unwrap();
    let actions: Vec<&str> = edges
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "api_key.create",
            "user.login",
            "user.logout",
            "user.refresh_token_reuse",
            "user.refresh_token",
            "user.sign_up"
        ]
    );
    for edge in edges
        .iter()
        .filter(|e| e["node"]["action"] != "user.refresh_token_reuse")
    {
        assert_eq!(edge["node"]["actorType"], "user");
        assert_eq!(edge["node"]["actorId"], ada.user_id.as_str());
        assert!(!edge["node"]["requestId"].as_str().unwrap().is_empty());
    }
}

backend_tests!(
    sign_up_validates_input_and_rejects_duplicates,
    login_checks_the_password_and_returns_the_home_organization,
    refresh_tokens_rotate_and_reuse_revokes_the_family,
    logout_ends_the_login,
    login_attempts_are_rate_limited_per_email_and_ip,
    login_attempts_are_rate_limited_per_ip,
    sign_ups_are_rate_limited_per_ip,
    mutations_are_audited,
);

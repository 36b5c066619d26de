//! Login throttling counts per (email, client IP) and per IP: someone guessing a password from
//! one address slows themselves down, never the owner signing in from another.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestEnv, error_code, within_one_rate_window};

const LOGIN: &str = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { accessToken } }";

/// A login attempt from `ip` (the server trusts `X-Forwarded-For` in these tests).
async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> Value {
    app.client
        .post(format!("{}/graphql", app.base))
        .header("x-forwarded-for", ip)
        .json(&json!({ "query": LOGIN, "variables": { "email": email, "password": password } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn guessing_from_one_address_does_not_lock_the_owner_out(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| c.trust_forwarded_for = true).await;
    let owner = app.sign_up("owner").await;
    let limit = app.app.config.login_limit_per_email_ip;
    assert!(limit < app.app.config.login_limit_per_ip);
    let attacker = "203.0.113.7";
    within_one_rate_window(30).await;

    for _ in 0..limit {
        let body = login_from(&app, attacker, &owner.email, "wrong password").await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    }
    // The attacker is limited now, even with the right password…
    let limited = login_from(&app, attacker, &owner.email, "correct horse battery").await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    let retry_after = limited["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{limited}");

    // …while the owner, from their own address, signs in at once.
    let owner_login = login_from(&app, "198.51.100.9", &owner.email, "correct horse battery").await;
    assert!(owner_login["errors"].is_null(), "{owner_login}");
    assert!(owner_login["data"]["login"]["accessToken"].is_string());
}

/// The per-IP limit still bounds one address trying many accounts.
async fn one_address_is_limited_across_emails(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| {
        c.trust_forwarded_for = true;
        c.login_limit_per_ip = 3;
    })
    .await;
    let owner = app.sign_up("owner").await;
    within_one_rate_window(30).await;
    for i in 0..3 {
        let body = login_from(
            &app,
            "203.0.113.8",
            &format!("u{i}@example.com"),
            "nope-nope",
        )
        .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    }
    let limited = login_from(&app, "203.0.113.8", &owner.email, "correct horse battery").await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    let elsewhere = login_from(&app, "198.51.100.10", &owner.email, "correct horse battery").await;
    assert!(elsewhere["errors"].is_null(), "{elsewhere}");
}

backend_tests!(
    guessing_from_one_address_does_not_lock_the_owner_out,
    one_address_is_limited_across_emails,
);

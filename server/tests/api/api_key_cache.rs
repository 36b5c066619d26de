//! API keys are cached by each process: a revocation applies at once in the process that made
//! it, at once in the others through the bus (Redis), and within `PROMPTOPS_API_KEY_CACHE_SECS`
//! when the notice cannot reach them; "last used" is written in batches, eventually.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestEnv, error_code};

const MEMBERS: &str = "query($org: ID!) { members(orgId: $org) { role } }";
const ME: &str = "{ me { id } }";
const REVOKE: &str = "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }";

/// Whether `key` is refused by `app` within `within`.
async fn refused_within(app: &TestApp, key: &str, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        let body = app.gql(Some(key), ME, json!({})).await;
        if error_code(&body) == Some("UNAUTHENTICATED") {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A key both servers have cached is revoked through one: that one refuses it at once, the
/// other one at once through the bus with Redis (its own re-read is an hour away), and within
/// its re-read period on SQLite (two embedded servers share no bus).
async fn a_revoked_key_is_refused_by_every_server(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let distributed = env.redis_url.is_some();
    let a = TestApp::spawn_on(env.clone(), |_| {}).await;
    let b = TestApp::spawn_on(env, |c| {
        c.no_workers = true;
        c.api_key_cache_secs = if distributed { 3600 } else { 1 };
    })
    .await;
    let owner = a.sign_up("owner").await;
    let org = owner.org_id.clone();
    let (key, id) = a.api_key(&owner, &org, "viewer").await;
    // `me` needs a user: a valid key is FORBIDDEN there, a refused one UNAUTHENTICATED (and the
    // key's role, which the other server learns through the bus too, plays no part).
    for app in [&a, &b] {
        for _ in 0..2 {
            let body = app.gql(Some(&key), ME, json!({})).await;
            assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
        }
    }

    a.ok(Some(&owner.token), REVOKE, json!({ "id": id })).await;

    let body = a.gql(Some(&key), ME, json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert!(
        refused_within(&b, &key, Duration::from_secs(5)).await,
        "the other server still accepts the revoked key"
    );
}

/// A key's use is written as "last used" by the periodic flush, not by the request.
async fn last_used_is_written_eventually(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| c.api_key_last_used_flush_secs = 1).await;
    let owner = app.sign_up("owner").await;
    let org = owner.org_id.clone();
    let (key, _) = app.api_key(&owner, &org, "viewer").await;
    let last_used = || async {
        let data = app
            .ok(
                Some(&owner.token),
                "query($org: ID!) { apiKeys(orgId: $org) { lastUsedAt } }",
                json!({ "org": org }),
            )
            .await;
        data["apiKeys"][0]["lastUsedAt"].clone()
    };
    assert!(last_used().await.is_null());

    app.ok(Some(&key), MEMBERS, json!({ "org": org })).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while last_used().await.is_null() {
        assert!(Instant::now() < deadline, "last used never written");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

backend_tests!(
    a_revoked_key_is_refused_by_every_server,
    last_used_is_written_eventually,
);

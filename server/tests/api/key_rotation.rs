//! Rotating the secrets without downtime (two valid keys during a rotation): the JWT secret
//! (`PROMPTOPS_JWT_PREVIOUS_SECRET`: tokens of the old one accepted until they expire, new ones
//! signed with the new one) and the master key (`PROMPTOPS_MASTER_KEY_PREVIOUS`: stored
//! provider credentials keep working, `promptops rotate-master-key` moves them onto the new
//! key, after which the old one can go). Each step runs real servers on one database.

use std::sync::Arc;

use serde_json::json;
use workers::crypto::Sealer;
use workers::mock_llm::MockLlmConfig;

use crate::backend_tests;
use crate::execution_helpers::{execute, finished, prompt_with};
use crate::helpers::{Backend, Session, TestApp, TestEnv, error_code};

const OLD_JWT: &str = "the-old-jwt-secret-of-at-least-32-bytes";
const NEW_JWT: &str = "the-new-jwt-secret-of-at-least-32-bytes";
const ME: &str = "{ me { email } }";

async fn mock_llm() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(workers::mock_llm::serve(
        listener,
        MockLlmConfig::default(),
        std::future::pending(),
    ));
    base
}

async fn jwt_secret_rotation(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let before = TestApp::spawn_on(env.clone(), |c| c.jwt_secret = Some(OLD_JWT.into())).await;
    let owner = before.sign_up("owner").await;
    drop(before);

    // Step 1: the new secret signs, the old one still verifies.
    let during = TestApp::spawn_on(env.clone(), |c| {
        c.jwt_secret = Some(NEW_JWT.into());
        c.jwt_previous_secret = Some(OLD_JWT.into());
    })
    .await;
    during.ok(Some(&owner.token), ME, json!({})).await;
    let fresh = during.sign_up("fresh").await;
    during.ok(Some(&fresh.token), ME, json!({})).await;
    drop(during);

    // Step 2 (after the access-token lifetime): the old secret goes.
    let after = TestApp::spawn_on(env.clone(), |c| c.jwt_secret = Some(NEW_JWT.into())).await;
    after.ok(Some(&fresh.token), ME, json!({})).await;
    let old_token = after.gql(Some(&owner.token), ME, json!({})).await;
    assert_eq!(
        error_code(&old_token),
        Some("UNAUTHENTICATED"),
        "{old_token}"
    );
    // A server still on the old secret alone refuses tokens of the new one.
    drop(after);
    let stale = TestApp::spawn_on(env, |c| c.jwt_secret = Some(OLD_JWT.into())).await;
    let new_token = stale.gql(Some(&fresh.token), ME, json!({})).await;
    assert_eq!(
        error_code(&new_token),
        Some("UNAUTHENTICATED"),
        "{new_token}"
    );
}

/// Executes `prompt` and returns the finished row.
async fn run(app: &TestApp, owner: &Session, prompt: &str) -> serde_json::Value {
    let id = execute(app, &owner.token, prompt, json!({ "name": "world" }), false).await;
    finished(app, &owner.token, &id).await
}

async fn master_key_rotation(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let (old, new) = (Sealer::generate_key(), Sealer::generate_key());
    let llm = mock_llm().await;

    let before = TestApp::spawn_on(env.clone(), |c| c.master_key = Some(old.clone())).await;
    let owner = before.sign_up("owner").await;
    before
        .ok(
            Some(&owner.token),
            "mutation($org: ID!, $url: String) { setProviderCredential(orgId: $org,
                input: {provider: OPENAI, apiKey: \"sk-rotation-test-1234\", baseUrl: $url}) { keyHint } }",
            json!({ "org": owner.org_id, "url": format!("{llm}/v1") }),
        )
        .await;
    let prompt = prompt_with(
        &before,
        &owner,
        "Hello {{ name }}",
        json!({ "provider": "OPENAI", "model": "gpt-4o-mini" }),
    )
    .await;
    assert_eq!(run(&before, &owner, &prompt).await["status"], "SUCCEEDED");
    drop(before);

    // Step 1: the new key, with the old one as previous: the stored credential still opens.
    let during = TestApp::spawn_on(env.clone(), |c| {
        c.master_key = Some(new.clone());
        c.master_key_previous = Some(old.clone());
    })
    .await;
    assert_eq!(run(&during, &owner, &prompt).await["status"], "SUCCEEDED");

    // Step 2: `promptops rotate-master-key` seals it again with the new key.
    let config = env.config();
    let rotate = |previous: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_promptops"));
        command
            .arg("rotate-master-key")
            .env_remove("REDIS_URL")
            .env("DATABASE_URL", config.database_url.clone().unwrap())
            .env("PROMPTOPS_DATA_DIR", &config.data_dir)
            .env("PROMPTOPS_MASTER_KEY", &new)
            .env("PROMPTOPS_LOG", "warn");
        match previous {
            Some(previous) => command.env("PROMPTOPS_MASTER_KEY_PREVIOUS", previous),
            None => command.env_remove("PROMPTOPS_MASTER_KEY_PREVIOUS"),
        };
        command.output().unwrap()
    };
    let moved = rotate(Some(&old));
    let said = String::from_utf8_lossy(&moved.stdout).into_owned();
    assert!(
        moved.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    assert!(
        said.contains("1 moved to the new key, 0 already on it"),
        "{said}"
    );
    let again = rotate(Some(&old));
    let said = String::from_utf8_lossy(&again.stdout).into_owned();
    assert!(
        said.contains("0 moved to the new key, 1 already on it"),
        "{said}"
    );
    // Without the previous key it refuses to run (nothing to rotate from).
    assert!(!rotate(None).status.success());
    drop(during);

    // Step 3: the new key alone.
    let after = TestApp::spawn_on(env.clone(), |c| c.master_key = Some(new.clone())).await;
    let done = run(&after, &owner, &prompt).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["output"], "Hello world");
    drop(after);

    // The old key alone no longer opens what was moved.
    let stale = TestApp::spawn_on(env, |c| c.master_key = Some(old.clone())).await;
    let failed = run(&stale, &owner, &prompt).await;
    assert_eq!(failed["status"], "FAILED");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("cannot be decrypted"),
        "{failed}"
    );
}

backend_tests!(jwt_secret_rotation, master_key_rotation);

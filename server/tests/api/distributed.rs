//! Two `promptops serve` processes on one PostgreSQL database and one Redis behave as one
//! service: a role change made through one is enforced by the other within a second.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{Backend, JWT_SECRET, TestEnv, error_code};

struct Process {
    base: String,
    _child: Child,
}

async fn start(env: &TestEnv) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_promptops"))
        .arg("serve")
        .env("PROMPTOPS_ADDR", "127.0.0.1:0")
        .env("PROMPTOPS_DATA_DIR", env.data_dir.path())
        .env("DATABASE_URL", &env.database_url)
        .env("REDIS_URL", env.redis_url.as_deref().unwrap_or_default())
        .env("PROMPTOPS_REDIS_PREFIX", &env.redis_prefix)
        .env("PROMPTOPS_JWT_SECRET", JWT_SECRET)
        // No periodic reload to fall back on: only the watcher can explain the change.
        .env("PROMPTOPS_POLICY_RELOAD_SECS", "3600")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let banner = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("listening on") {
                return Some(line);
            }
        }
        None
    })
    .await
    .expect("the server starts")
    .expect("a banner line");
    let base = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the listening address")
        .to_owned();
    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Process {
        base,
        _child: child,
    }
}

async fn gql(
    base: &str,
    token: &str,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_on_one_process_is_enforced_by_another_within_a_second() {
    let Some(
        backend @ Backend::Postgres {
            redis_url: Some(_), ..
        },
    ) = Backend::postgres()
    else {
        eprintln!("TEST_DATABASE_URL and TEST_REDIS_URL not both set: skipped");
        return;
    };
    let env = TestEnv::new(&backend).await;
    // Started together: they race to apply the migrations to the fresh database.
    let (a, b) = tokio::join!(start(&env), start(&env));

    let sign_up = "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } organization { id } } }";
    let signup = |name: &str| json!({ "input": { "email": format!("{name}@example.com"), "password": "correct horse battery", "name": name, "organizationName": name } });
    let owner = gql(&a.base, "", sign_up, signup("owner")).await;
    let member = gql(&a.base, "", sign_up, signup("member")).await;
    let owner_token = owner["data"]["signUp"]["accessToken"].as_str().unwrap();
    let org = owner["data"]["signUp"]["organization"]["id"]
        .as_str()
        .unwrap();
    let member_token = member["data"]["signUp"]["accessToken"].as_str().unwrap();
    let member_id = member["data"]["signUp"]["user"]["id"].as_str().unwrap();

    let invited = gql(&a.base, owner_token, "mutation($org: ID!) { addMember(orgId: $org, input: {email: \"member@example.com\", role: \"viewer\"}) { id } }", json!({ "org": org })).await;
    assert!(invited["errors"].is_null(), "{invited}");
    let invitation = invited["data"]["addMember"]["id"].as_str().unwrap();
    let added = gql(
        &a.base,
        member_token,
        "mutation($id: ID!) { acceptInvitation(id: $id) { status } }",
        json!({ "id": invitation }),
    )
    .await;
    assert!(added["errors"].is_null(), "{added}");

    let create_key = "mutation($org: ID!) { createApiKey(orgId: $org, input: {name: \"k\", role: \"viewer\"}) { secret } }";
    // B learned of the new membership through the watcher as well.
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let denied = gql(&b.base, member_token, create_key, json!({ "org": org })).await;
        if error_code(&denied) == Some("FORBIDDEN") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "B did not see the membership: {denied}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let promoted = gql(&a.base, owner_token, "mutation($org: ID!, $user: ID!) { updateMemberRole(orgId: $org, input: {userId: $user, role: \"admin\"}) { role } }", json!({ "org": org, "user": member_id })).await;
    assert!(promoted["errors"].is_null(), "{promoted}");
    let changed_at = Instant::now();
    loop {
        let attempt = gql(&b.base, member_token, create_key, json!({ "org": org })).await;
        if attempt["errors"].is_null() {
            break;
        }
        assert_eq!(error_code(&attempt), Some("FORBIDDEN"), "{attempt}");
        assert!(
            changed_at.elapsed() < Duration::from_secs(1),
            "B still enforces the old role after 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

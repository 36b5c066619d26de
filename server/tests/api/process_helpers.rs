//! Real `promptops` processes for the distributed tests: start `serve` or `worker` on a test
//! environment, talk to them, read job rows, and a Redis of the test's own to stop and restart.

use std::process::Stdio;
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{Backend, JWT_SECRET, TestEnv};

pub const MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

pub struct Process {
    /// `http://…` for servers.
    pub base: String,
    pub child: Child,
}

/// What a process wrote on stderr (its logs), as it writes it.
pub type Logs = std::sync::Arc<std::sync::Mutex<String>>;

/// Starts `promptops <role>` (`serve` or `worker`) on the environment, with `extra` settings;
/// returns once it announced itself.
pub async fn start(env: &TestEnv, redis_url: &str, role: &str, extra: &[(&str, &str)]) -> Process {
    start_with(env, redis_url, role, extra, None).await
}

/// [`start`], keeping what the process logs (its stderr) in the returned [`Logs`].
pub async fn start_logged(
    env: &TestEnv,
    redis_url: &str,
    role: &str,
    extra: &[(&str, &str)],
) -> (Process, Logs) {
    let logs = Logs::default();
    let process = start_with(env, redis_url, role, extra, Some(logs.clone())).await;
    (process, logs)
}

async fn start_with(
    env: &TestEnv,
    redis_url: &str,
    role: &str,
    extra: &[(&str, &str)],
    logs: Option<Logs>,
) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_promptops"));
    command
        .arg(role)
        .env("PROMPTOPS_ADDR", "127.0.0.1:0")
        .env("PROMPTOPS_DATA_DIR", env.data_dir.path())
        .env("DATABASE_URL", &env.database_url)
        .env("REDIS_URL", redis_url)
        .env("PROMPTOPS_REDIS_PREFIX", &env.redis_prefix)
        .env("PROMPTOPS_JWT_SECRET", JWT_SECRET)
        .env("PROMPTOPS_MASTER_KEY", MASTER_KEY)
        .env("PROMPTOPS_RECONCILE_SECS", "1")
        .env("PROMPTOPS_REPUBLISH_AFTER_SECS", "2")
        .env("PROMPTOPS_JOB_LEASE_SECS", "3")
        .stdout(Stdio::piped())
        .stderr(if logs.is_some() {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .kill_on_drop(true);
    for (name, value) in extra {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    if let Some(logs) = logs {
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let mut logs = logs.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
    }
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let banner = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("listening on") || line.contains("worker") {
                return Some(line);
            }
        }
        None
    })
    .await
    .expect("the process starts")
    .expect("a banner line");
    let base = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_default()
        .to_owned();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Process { base, child }
}

pub async fn gql(base: &str, token: &str, query: &str, variables: Value) -> Value {
    let body: Value = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["errors"].is_null(), "{body}");
    body["data"].clone()
}

/// Signs up and creates a mock prompt on `base`; returns (token, prompt id).
pub async fn owner_with_prompt(base: &str, model: Value) -> (String, String) {
    let signed = gql(base, "", "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken organization { id } } }",
        json!({ "input": { "email": "owner@example.com", "password": "correct horse battery", "name": "Owner", "organizationName": "Acme" } })).await;
    let token = signed["signUp"]["accessToken"].as_str().unwrap().to_owned();
    let org = signed["signUp"]["organization"]["id"].as_str().unwrap();
    let created = gql(base, &token, "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "chaos", "version": { "messages": [{ "role": "USER", "content": "Hello {{ name }}" }], "model": model } } })).await;
    (
        token,
        created["createPrompt"]["id"].as_str().unwrap().to_owned(),
    )
}

pub async fn execute(base: &str, token: &str, prompt: &str) -> String {
    let data = gql(base, token, "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"world\"}}) { id status } }", json!({ "p": prompt })).await;
    assert_eq!(data["executePrompt"]["status"], "PENDING");
    data["executePrompt"]["id"].as_str().unwrap().to_owned()
}

pub async fn job_of(db: &DatabaseConnection, execution: &str) -> entities::job::Model {
    let id = uuid::Uuid::parse_str(execution).unwrap();
    entities::job::Entity::find()
        .filter(entities::job::Column::SubjectId.eq(id))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

pub async fn wait_finished(
    db: &DatabaseConnection,
    execution: &str,
    within: Duration,
) -> entities::execution::Model {
    let id = uuid::Uuid::parse_str(execution).unwrap();
    let deadline = Instant::now() + within;
    loop {
        let row = entities::execution::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        if workers::execution::is_terminal(&row.status) {
            return row;
        }
        assert!(
            Instant::now() < deadline,
            "{execution} still {} after {within:?}",
            row.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn distributed() -> Option<(Backend, String)> {
    let backend = Backend::postgres();
    if let Some(Backend::Postgres {
        redis_url: Some(url),
        ..
    }) = &backend
    {
        let url = url.clone();
        return backend.map(|b| (b, url));
    }
    eprintln!("TEST_DATABASE_URL and TEST_REDIS_URL not both set: skipped");
    None
}

/// A TCP port free on 127.0.0.1 now (for a server the test starts, and starts again on it).
pub fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

/// A Redis of our own, so stopping it disturbs no other test.
pub struct OwnRedis {
    pub port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    pub async fn start(port: u16) -> Self {
        Self::start_with(port, &[]).await
    }

    /// Keeps its data in `dir` across [`Self::stop_saving`] and a start in the same `dir`.
    pub async fn start_in(port: u16, dir: &std::path::Path) -> Self {
        Self::start_with(port, &["--dir", &dir.display().to_string()]).await
    }

    async fn start_with(port: u16, extra: &[&str]) -> Self {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(extra)
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server on PATH");
        let url = format!("redis://127.0.0.1:{port}");
        for _ in 0..100 {
            if let Ok(client) = redis::Client::open(url.as_str())
                && let Ok(mut conn) = client.get_multiplexed_async_connection().await
                && redis::cmd("PING")
                    .query_async::<String>(&mut conn)
                    .await
                    .is_ok()
            {
                return Self {
                    port,
                    child: Some(child),
                };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start on {port}");
    }

    /// Stops it after writing its data to its `--dir` (`SHUTDOWN SAVE`).
    pub async fn stop_saving(&mut self) {
        let url = format!("redis://127.0.0.1:{}", self.port);
        let client = redis::Client::open(url.as_str()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        // The server closes the connection instead of answering.
        let _ = redis::cmd("SHUTDOWN")
            .arg("SAVE")
            .query_async::<String>(&mut conn)
            .await;
        if let Some(mut child) = self.child.take() {
            child.wait().await.unwrap();
        }
    }

    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().unwrap();
            child.wait().await.unwrap();
        }
    }
}

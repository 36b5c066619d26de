//! `TestApp`: the real app on a fresh database and port 0 — SQLite always; PostgreSQL plus
//! Redis (a random key prefix) when `TEST_DATABASE_URL` / `TEST_REDIS_URL` are set.

use std::sync::Arc;

use promptops::background::Background;
use promptops::{App, Config};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres {
        admin_url: String,
        redis_url: Option<String>,
    },
}

impl Backend {
    /// PostgreSQL (+ Redis) when the environment names them.
    pub fn postgres() -> Option<Backend> {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty())?;
        let redis_url = std::env::var("TEST_REDIS_URL")
            .ok()
            .filter(|v| !v.is_empty());
        Some(Backend::Postgres {
            admin_url,
            redis_url,
        })
    }
}

/// Runs each listed `async fn name(backend: Backend)` as `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match $crate::helpers::Backend::postgres() {
                        Some(backend) => super::$name(backend).await,
                        None => eprintln!("TEST_DATABASE_URL not set: PostgreSQL variant skipped"),
                    }
                }
            )*
        }
    };
}

/// A fresh database (and Redis prefix) that is dropped with the value.
pub struct TestEnv {
    pub database_url: String,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub data_dir: tempfile::TempDir,
    cleanup: Option<Cleanup>,
}

struct Cleanup {
    admin_url: String,
    db_name: String,
}

impl TestEnv {
    pub async fn new(backend: &Backend) -> TestEnv {
        let data_dir = tempfile::tempdir().unwrap();
        let redis_prefix = format!("promptops-test:{}:", uuid::Uuid::new_v4().simple());
        match backend {
            Backend::Sqlite => TestEnv {
                database_url: format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.path().join("test.db").display()
                ),
                redis_url: None,
                redis_prefix,
                data_dir,
                cleanup: None,
            },
            Backend::Postgres {
                admin_url,
                redis_url,
            } => {
                let db_name = format!("promptops_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(admin_url.as_str()).await.unwrap();
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{db_name}\""))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                TestEnv {
                    database_url: replace_db_name(admin_url, &db_name),
                    redis_url: redis_url.clone(),
                    redis_prefix,
                    data_dir,
                    cleanup: Some(Cleanup {
                        admin_url: admin_url.clone(),
                        db_name,
                    }),
                }
            }
        }
    }

    pub fn config(&self) -> Config {
        let mut config = Config::defaults(self.data_dir.path().to_path_buf());
        config.database_url = Some(self.database_url.clone());
        config.redis_url = self.redis_url.clone();
        config.redis_prefix = self.redis_prefix.clone();
        config.jwt_secret = Some(JWT_SECRET.into());
        config.jwt_secret_file = None;
        config.cors_origins = Vec::new();
        // Tests sign many users up from one address; the limit has its own test.
        config.signup_limit_per_ip = 10_000;
        // Request rates have their own tests (`org_limits`); elsewhere, up to the ceilings.
        config.org_requests_per_minute = 1_000_000;
        config.api_key_requests_per_minute = 1_000_000;
        // An organization's limits are cached per process; a change through the process clears
        // its entry at once. A cache that never expires mid-test keeps the statement counts of
        // the cost tests the same from one request to the next.
        config.limits_cache_secs = 3600;
        // The server runs inside the test binary: point the sandbox at the real one.
        config.template_sandbox = Some(env!("CARGO_BIN_EXE_promptops").into());
        // Provider tests run `mock-llm` on loopback, which the egress policy refuses by default.
        config.provider_allowed_hosts = vec!["127.0.0.1".into()];
        config
    }
}

fn replace_db_name(url: &str, db_name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_and_path = &base[scheme_end..];
    let prefix = match host_and_path.find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{prefix}/{db_name}?{query}"),
        None => format!("{prefix}/{db_name}"),
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        let cleanup = self.cleanup.take();
        let redis = self.redis_url.clone();
        let prefix = self.redis_prefix.clone();
        if cleanup.is_none() && redis.is_none() {
            return;
        }
        // Drop runs outside async: clean up on a thread with its own runtime.
        let handle = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Some(Cleanup { admin_url, db_name }) = cleanup
                    && let Ok(admin) = Database::connect(admin_url.as_str()).await
                {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{db_name}\" WITH (FORCE)"
                        ))
                        .await;
                }
                if let Some(url) = redis
                    && let Ok(client) = redis::Client::open(url.as_str())
                    && let Ok(mut conn) = client.get_multiplexed_async_connection().await
                {
                    let keys: Vec<String> = redis::cmd("KEYS")
                        .arg(format!("{prefix}*"))
                        .query_async(&mut conn)
                        .await
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        let _: Result<(), _> =
                            redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
                    }
                }
            });
        });
        let _ = handle.join();
    }
}

pub struct TestApp {
    pub base: String,
    pub app: Arc<App>,
    pub client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    background: Background,
    // Declared last: dropped after the server stopped.
    _env: Arc<TestEnv>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let env = Arc::new(TestEnv::new(&backend).await);
        TestApp::spawn_on(env, |_| {}).await
    }

    /// Another server on the same database and Redis prefix, with `tweak` applied.
    pub async fn spawn_on(env: Arc<TestEnv>, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = env.config();
        tweak(&mut config);
        let workers = !config.no_workers;
        let app = App::build(config).await.unwrap();
        let background = Background::start(&app, workers);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = app.clone();
        tokio::spawn(async move {
            promptops::http::serve(served, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            base,
            app,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            background,
            _env: env,
        }
    }

    pub fn ws_url(&self) -> String {
        format!("{}/graphql/ws", self.base.replacen("http://", "ws://", 1))
    }

    /// POSTs a GraphQL request; returns the whole response body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "HTTP {}", response.status());
        response.json().await.unwrap()
    }

    /// Like `gql`, asserting there is no error; returns `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(
            body.get("errors").is_none(),
            "unexpected errors: {body:#}\nquery: {query}"
        );
        body["data"].clone()
    }

    /// Signs up `name` (email `<name>-<random>@example.com`) with a new organization.
    pub async fn sign_up(&self, name: &str) -> Session {
        let email = format!(
            "{name}-{}@example.com",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let data = self
            .ok(
                None,
                "mutation($input: SignUpInput!) { signUp(input: $input) {
                    accessToken refreshToken user { id } organization { id } } }",
                json!({ "input": { "email": email, "password": "correct horse battery",
                                   "name": name, "organizationName": format!("{name}'s org") } }),
            )
            .await;
        let payload = &data["signUp"];
        Session {
            token: payload["accessToken"].as_str().unwrap().into(),
            refresh: payload["refreshToken"].as_str().unwrap().into(),
            user_id: payload["user"]["id"].as_str().unwrap().into(),
            org_id: payload["organization"]["id"].as_str().unwrap().into(),
            email,
        }
    }

    /// Adds `member` to `org` with `role`, as `owner`: invites them and accepts as them.
    pub async fn add_member(&self, owner: &Session, org: &str, member: &Session, role: &str) {
        let id = self.invite(owner, org, &member.email, role).await;
        self.accept_invitation(member, &id).await;
    }

    /// Invites `email` to `org` with `role`, as `owner`; returns the invitation id.
    pub async fn invite(&self, owner: &Session, org: &str, email: &str, role: &str) -> String {
        let data = self
            .ok(
                Some(&owner.token),
                "mutation($org: ID!, $email: String!, $role: String!) {
                    addMember(orgId: $org, input: {email: $email, role: $role}) { id status role } }",
                json!({ "org": org, "email": email, "role": role }),
            )
            .await;
        assert_eq!(data["addMember"]["status"], "PENDING");
        assert_eq!(data["addMember"]["role"], role);
        data["addMember"]["id"].as_str().unwrap().to_owned()
    }

    /// Accepts invitation `id` as `member`.
    pub async fn accept_invitation(&self, member: &Session, id: &str) {
        let data = self
            .ok(
                Some(&member.token),
                "mutation($id: ID!) { acceptInvitation(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(data["acceptInvitation"]["status"], "ACCEPTED");
    }

    /// Creates an API key with `role` in `org`; returns (secret, id).
    pub async fn api_key(&self, owner: &Session, org: &str, role: &str) -> (String, String) {
        let data = self
            .ok(
                Some(&owner.token),
                "mutation($org: ID!, $role: String!) {
                    createApiKey(orgId: $org, input: {name: \"test key\", role: $role}) { secret apiKey { id } } }",
                json!({ "org": org, "role": role }),
            )
            .await;
        (
            data["createApiKey"]["secret"].as_str().unwrap().into(),
            data["createApiKey"]["apiKey"]["id"]
                .as_str()
                .unwrap()
                .into(),
        )
    }
}

pub const CREATE_PROMPT: &str = "mutation($org: ID!, $input: CreatePromptInput!) {
    createPrompt(orgId: $org, input: $input) { id latestVersion { id version } } }";

/// A one-message prompt input named `name` whose template is `template`.
pub fn prompt_input(name: &str, template: &str) -> Value {
    json!({
        "name": name,
        "description": format!("{name}, for tests"),
        "tags": ["test"],
        "version": {
            "messages": [{ "role": "SYSTEM", "content": "You are helpful." }, { "role": "USER", "content": template }],
            "model": { "provider": "MOCK", "model": "echo", "temperature": 0.2 },
            "commitMessage": "first"
        }
    })
}

impl TestApp {
    /// Creates a prompt in `org` as `owner`; returns (prompt id, version 1 id).
    pub async fn create_prompt(&self, owner: &Session, org: &str, name: &str) -> (String, String) {
        let data = self
            .ok(
                Some(&owner.token),
                CREATE_PROMPT,
                json!({ "org": org, "input": prompt_input(name, "Hello {{ name }}") }),
            )
            .await;
        let prompt = &data["createPrompt"];
        (
            prompt["id"].as_str().unwrap().to_owned(),
            prompt["latestVersion"]["id"].as_str().unwrap().to_owned(),
        )
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.background.cancel();
    }
}

#[derive(Clone, Debug)]
pub struct Session {
    pub token: String,
    pub refresh: String,
    pub user_id: String,
    pub org_id: String,
    pub email: String,
}

/// Rate limits count in fixed one-minute windows: a test that needs its attempts to fall in
/// one window waits for a fresh one when less than `needed_secs` of the current remain.
pub async fn within_one_rate_window(needed_secs: u64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let left = 60 - now.as_secs() % 60;
    if left < needed_secs {
        tokio::time::sleep(
            std::time::Duration::from_secs(left) + std::time::Duration::from_millis(100),
        )
        .await;
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

pub fn error_message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

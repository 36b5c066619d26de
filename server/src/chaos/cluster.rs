//! The processes under test: two API processes (`serve --no-workers`), three workers, one
//! `mock-llm` (OpenAI format), a Redis (the harness's own redis-server unless `--redis-url`)
//! and the fault proxy in front of PostgreSQL; started, killed and restarted by the faults.

use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine;
use rand::Rng;

use super::ChaosArgs;
use super::database::{self, Scratch};
use super::pg_proxy::PgProxy;
use super::process::{Process, Spec, free_port, log_path};
use super::redis_server::RedisServer;

pub(super) const WORKERS: usize = 3;
/// The pace of `mock-llm`'s streams: long prompts stream long enough to be interrupted.
pub(super) const TOKENS_PER_SECOND: u32 = 50;

pub(super) struct Api {
    spec: Spec,
    process: Option<Process>,
    pub base: String,
}

pub(super) struct Cluster {
    logs: PathBuf,
    program: PathBuf,
    env: Vec<(String, String)>,
    pub apis: Vec<Api>,
    /// Each with its `PROMPTOPS_WORKER_ID`.
    workers: Vec<(String, Process)>,
    started_workers: usize,
    mock: Process,
    pub llm_url: String,
    pub redis: Option<RedisServer>,
    pub proxy: PgProxy,
}

impl Cluster {
    pub async fn start(
        args: &ChaosArgs,
        program: &Path,
        database: &Scratch,
    ) -> anyhow::Result<Cluster> {
        let logs =
            std::env::temp_dir().join(format!("promptops-chaos-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&logs)?;
        let (redis, redis_url) = match &args.redis_url {
            Some(url) => (None, url.clone()),
            None => {
                let server = RedisServer::start(&args.redis_server, &logs)
                    .await
                    .context("starting redis-server (--redis-server)")?;
                let url = server.url.clone();
                (Some(server), url)
            }
        };
        let proxy = PgProxy::start(database::address(&database.url)?).await?;
        let env = environment(
            args,
            &database::with_address(&database.url, proxy.port)?,
            &redis_url,
        );
        let mock = Process::start(&Spec {
            program: program.to_owned(),
            args: vec![
                "mock-llm".into(),
                "--addr".into(),
                "127.0.0.1:0".into(),
                "--tokens-per-second".into(),
                TOKENS_PER_SECOND.to_string(),
            ],
            env: vec![("PROMPTOPS_LOG".into(), "warn".into())],
            ready: "mock-llm listening on ".into(),
            log: log_path(&logs, "mock-llm"),
        })
        .await?;
        let llm_url = mock.ready_line.clone();
        let mut cluster = Cluster {
            logs,
            program: program.to_owned(),
            env,
            apis: Vec::new(),
            workers: Vec::new(),
            started_workers: 0,
            mock,
            llm_url,
            redis,
            proxy,
        };
        // One API first: it applies the migrations the others then find done.
        for i in 0..2 {
            let api = cluster.api_spec(i)?;
            let process = Process::start(&api.spec).await?;
            cluster.apis.push(Api {
                process: Some(process),
                ..api
            });
        }
        for _ in 0..WORKERS {
            cluster.start_worker().await?;
        }
        println!(
            "chaos: 2 API processes ({}), {WORKERS} workers, mock-llm {}, redis {redis_url}; logs in {}",
            cluster
                .apis
                .iter()
                .map(|a| a.base.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            cluster.llm_url,
            cluster.logs.display()
        );
        Ok(cluster)
    }

    fn api_spec(&self, i: usize) -> anyhow::Result<Api> {
        let port = free_port()?;
        let mut env = self.env.clone();
        env.push(("PROMPTOPS_ADDR".into(), format!("127.0.0.1:{port}")));
        env.push((
            "PROMPTOPS_DATA_DIR".into(),
            self.data_dir(&format!("api{i}"))?,
        ));
        Ok(Api {
            spec: Spec {
                program: self.program.clone(),
                args: vec!["serve".into(), "--no-workers".into()],
                env,
                ready: "listening on ".into(),
                log: log_path(&self.logs, &format!("api{i}")),
            },
            process: None,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    fn data_dir(&self, name: &str) -> anyhow::Result<String> {
        let dir = self.logs.join(name);
        std::fs::create_dir_all(&dir)?;
        Ok(dir.display().to_string())
    }

    pub fn owns_redis(&self) -> bool {
        self.redis.is_some()
    }

    pub async fn start_worker(&mut self) -> anyhow::Result<()> {
        let n = self.started_workers;
        self.started_workers += 1;
        let mut env = self.env.clone();
        env.push((
            "PROMPTOPS_DATA_DIR".into(),
            self.data_dir(&format!("worker{n}"))?,
        ));
        let id = format!("chaos-worker-{n}");
        env.push(("PROMPTOPS_WORKER_ID".into(), id.clone()));
        let process = Process::start(&Spec {
            program: self.program.clone(),
            args: vec!["worker".into()],
            env,
            ready: "PromptOps worker ".into(),
            log: log_path(&self.logs, &format!("worker{n}")),
        })
        .await?;
        self.workers.push((id, process));
        Ok(())
    }

    /// SIGKILLs a random worker; its worker id.
    pub async fn kill_random_worker(&mut self) -> Option<String> {
        if self.workers.is_empty() {
            return None;
        }
        let at = rand::rng().random_range(0..self.workers.len());
        let (id, mut victim) = self.workers.swap_remove(at);
        victim.kill().await;
        Some(id)
    }

    /// SIGKILLs API process `i`.
    pub async fn kill_api(&mut self, i: usize) {
        if let Some(mut process) = self.apis[i].process.take() {
            process.kill().await;
        }
    }

    /// Starts API process `i` again (same address) if it is not running.
    pub async fn restart_api(&mut self, i: usize) -> anyhow::Result<()> {
        if self.apis[i].process.is_none() {
            self.apis[i].process = Some(Process::start(&self.apis[i].spec).await?);
        }
        Ok(())
    }

    /// Stops everything; removes the logs unless `keep`.
    pub async fn stop(mut self, keep: bool) {
        for api in &mut self.apis {
            if let Some(mut process) = api.process.take() {
                process.kill().await;
            }
        }
        for (_, worker) in &mut self.workers {
            worker.kill().await;
        }
        self.mock.kill().await;
        if let Some(redis) = &mut self.redis {
            redis.kill().await;
        }
        if keep {
            println!("chaos: the processes' logs are in {}", self.logs.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.logs);
        }
    }
}

/// What every product process shares.
fn environment(args: &ChaosArgs, database_url: &str, redis_url: &str) -> Vec<(String, String)> {
    let mut rng = rand::rng();
    let jwt: String = (0..48)
        .map(|_| char::from(rng.random_range(b'a'..=b'z')))
        .collect();
    let key: [u8; 32] = rng.random();
    let prefix = format!("chaos-{}:", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    [
        ("DATABASE_URL", database_url.to_owned()),
        ("REDIS_URL", redis_url.to_owned()),
        ("PROMPTOPS_REDIS_PREFIX", prefix),
        ("PROMPTOPS_JWT_SECRET", jwt),
        (
            "PROMPTOPS_MASTER_KEY",
            base64::engine::general_purpose::STANDARD.encode(key),
        ),
        ("PROMPTOPS_JOB_LEASE_SECS", args.lease_secs.to_string()),
        ("PROMPTOPS_RECONCILE_SECS", args.reconcile_secs.to_string()),
        (
            "PROMPTOPS_REPUBLISH_AFTER_SECS",
            args.republish_after_secs.to_string(),
        ),
        ("PROMPTOPS_SHUTDOWN_GRACE_SECS", "5".into()),
        ("PROMPTOPS_PROVIDER_ALLOWED_HOSTS", "127.0.0.1".into()),
        ("PROMPTOPS_ORG_REQUESTS_PER_MINUTE", "0".into()),
        ("PROMPTOPS_ORG_REQUESTS_PER_MINUTE_MAX", "0".into()),
        ("PROMPTOPS_SIGNUP_LIMIT_PER_IP", "1000".into()),
        ("PROMPTOPS_WS_MAX_CONNECTIONS_PER_IP", "0".into()),
        ("PROMPTOPS_WS_MAX_CONNECTIONS_PER_USER", "0".into()),
        ("PROMPTOPS_RETENTION_SWEEPS", "false".into()),
        ("PROMPTOPS_ARCHIVE_URL", "memory://".into()),
        ("PROMPTOPS_LOG", "warn".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

//! The application: everything a request needs, built once and shared as `Arc<App>`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sea_orm::DatabaseConnection;
use workers::cache::ResponseCache;
use workers::completion::{Completion, LlmSettings};
use workers::engine::{JobContext, WorkerSettings};
use workers::events::{EventBus, LogSettings};
use workers::llm::{self, EgressPolicy, ProviderDefaults, RetryPolicy, Timeouts};
use workers::pricing::PriceTable;
use workers::queue::{JobQueue, MemoryQueue, RedisQueue};
use workers::retention::{ArchiveStore, Retention};
use workers::runtime::Runtime;
use workers::sandbox::{self, Place, Renderer, Shares};

use crate::auth::api_keys::ApiKeys;
use crate::auth::jwt::JwtKeys;
use crate::authz::Authz;
use crate::config::Config;
use crate::db::{self, StatementCounter};
use crate::ratelimit::RateLimiter;

pub struct App {
    pub config: Config,
    pub db: DatabaseConnection,
    pub redis: Option<redis::aio::ConnectionManager>,
    pub bus: EventBus,
    pub authz: Arc<Authz>,
    pub jwt: JwtKeys,
    /// API keys as this process last read them, and their uses not yet written.
    pub api_keys: Arc<ApiKeys>,
    pub limiter: RateLimiter,
    /// Organizations' limits as the request limiter and the quotas read them.
    pub limits: crate::service::limits::LimitsCache,
    pub statements: Arc<StatementCounter>,
    pub renderer: Renderer,
    /// Job queue, workers and what jobs are given (`runtime.ctx`: the completion step with
    /// providers, cache and credentials; the renderer; settings).
    pub runtime: Arc<Runtime>,
    /// Retention rules and the archive store (the sweeps' and the archive readers').
    pub retention: Retention,
    /// The jobs table's lag as `/metrics` last read it.
    pub job_lag: crate::metrics::JobLag,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<Arc<Self>> {
        // The process's metrics recorder, before anything records.
        crate::metrics::handle();
        let statements = Arc::new(StatementCounter::default());
        let db = db::connect(&config, statements.clone()).await?;
        let secret = crate::secrets::jwt_secret(&config)?;
        let log_settings = LogSettings {
            capacity: config.event_log_capacity.max(1),
            ttl: Duration::from_secs(config.event_log_ttl_secs.max(1)),
            ..LogSettings::default()
        };
        let lease = Duration::from_secs(config.job_lease_secs.max(1));
        let cache_ttl = Duration::from_secs(config.cache_ttl_secs.max(1));
        let (redis, bus, limiter, queue, cache): (_, _, _, Arc<dyn JobQueue>, _) =
            match &config.redis_url {
                Some(url) => {
                    let client = redis::Client::open(url.as_str()).context("parsing REDIS_URL")?;
                    let conn = workers::redis_conn::manager(&client)
                        .await
                        .context("connecting to Redis")?;
                    let bus = EventBus::redis(client.clone(), &config.redis_prefix, log_settings)
                        .await
                        .context("subscribing to Redis")?;
                    let limiter = RateLimiter::Redis {
                        conn: conn.clone(),
                        prefix: config.redis_prefix.clone(),
                    };
                    let queue = RedisQueue::connect(&client, &config.redis_prefix, lease)
                        .await
                        .context("opening the Redis job queue")?;
                    let cache = ResponseCache::redis(conn.clone(), &config.redis_prefix, cache_ttl);
                    (Some(conn), bus, limiter, queue, cache)
                }
                None => (
                    None,
                    EventBus::memory_with(log_settings),
                    RateLimiter::memory(),
                    MemoryQueue::new(),
                    ResponseCache::memory(cache_ttl, 10_000),
                ),
            };
        let sealer = crate::secrets::sealer(&config)?;
        let prices = PriceTable::with_overrides(config.prices.as_deref())
            .context("parsing PROMPTOPS_PRICES")?;
        let timeouts = Timeouts {
            connect: Duration::from_secs(config.llm_connect_timeout_secs.max(1)),
            first_byte: Duration::from_secs(config.llm_timeout_secs.max(1)),
            idle: Duration::from_secs(config.llm_idle_timeout_secs.max(1)),
        };
        let egress = EgressPolicy::new(&config.provider_allowed_hosts)
            .map_err(anyhow::Error::msg)
            .context("parsing PROMPTOPS_PROVIDER_ALLOWED_HOSTS")?;
        let llm = LlmSettings {
            defaults: ProviderDefaults::from_env()
                .map_err(anyhow::Error::msg)
                .context("reading the provider keys")?,
            http: llm::http_client(&timeouts, egress).context("building the LLM HTTP client")?,
            retry: RetryPolicy {
                max_retries: config.llm_max_retries,
                ..RetryPolicy::default()
            },
            timeouts,
        };
        let settings = WorkerSettings {
            worker_id: config.worker_id.clone().unwrap_or_else(default_worker_id),
            concurrency: config.worker_concurrency.max(1),
            lease,
            max_attempts: config.job_max_attempts.max(1),
            shutdown_grace: Duration::from_secs(config.shutdown_grace_secs),
            reconcile_every: Duration::from_secs(config.reconcile_secs.max(1)),
            republish_after: Duration::from_secs(config.republish_after_secs.max(1)),
            traces: crate::telemetry::configured(),
        };
        let authz = Authz::start(
            db.clone(),
            bus.clone(),
            Duration::from_secs(config.policy_reload_secs.max(1)),
        )
        .await
        .context("loading authorization policies")?;
        let mut jwt = JwtKeys::new(secret.as_bytes(), config.access_token_ttl);
        if let Some(previous) = crate::secrets::previous_jwt_secret(&config)? {
            jwt = jwt.with_previous(previous.as_bytes());
        }
        let api_keys = Arc::new(ApiKeys::new(
            Duration::from_secs(config.api_key_cache_secs),
            Duration::from_secs(config.api_key_last_used_flush_secs.max(1)),
        ));
        api_keys.watch(&bus);
        let place = match config.template_sandbox.as_deref() {
            Some("off") => {
                tracing::warn!("templates render in-process: their memory use is not bounded");
                Place::InProcess
            }
            Some(program) => Place::Sandboxed(program.into()),
            None => Place::Sandboxed(
                std::env::current_exe()
                    .context("locating this executable for the template sandbox")?,
            ),
        };
        let slots = config
            .render_slots
            .filter(|n| *n > 0)
            .unwrap_or_else(sandbox::default_slots);
        let per_org = config
            .renders_per_org
            .filter(|n| *n > 0)
            .unwrap_or(slots.div_ceil(2));
        let renderer = Renderer::with_renders_per_sandbox(
            place,
            Shares::new(slots, per_org),
            config.renders_per_sandbox,
        );
        let pii = Arc::new(workers::pii::PiiPolicies::new());
        pii.watch(&bus);
        let completion = Completion {
            db: db.clone(),
            sealer,
            cache,
            llm,
            prices,
            pii,
        };
        let ctx = JobContext {
            db: db.clone(),
            bus: bus.clone(),
            queue,
            completion: Arc::new(completion),
            renderer: renderer.clone(),
            settings,
        };
        let store = ArchiveStore::open(
            config.archive_url.as_deref(),
            &config.data_dir.join("archive"),
        )
        .context("opening the archive store (PROMPTOPS_ARCHIVE_URL)")?;
        let retention = Retention {
            settings: config.retention_settings(),
            store,
        };
        let runtime = Runtime::new(ctx, workers::kinds::registry(retention.clone()));
        let limits =
            crate::service::limits::LimitsCache::new(Duration::from_secs(config.limits_cache_secs));
        Ok(Arc::new(Self {
            config,
            db,
            redis,
            bus,
            authz,
            jwt,
            api_keys,
            limiter,
            limits,
            statements,
            renderer,
            runtime,
            retention,
            job_lag: crate::metrics::JobLag::default(),
        }))
    }
}

/// `host-pid-random`: unique per process, readable in job rows.
fn default_worker_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".to_owned());
    let suffix: u32 = rand::random();
    format!("{host}-{}-{suffix:08x}", std::process::id())
}

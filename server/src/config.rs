//! Configuration: one typed struct, read once in `main` from flags and `PROMPTOPS_*` variables,
//! passed down. Tests build their own.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

/// Every setting of `promptops serve`; each flag also reads the environment variable it names.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address the HTTP server listens on (port 0 picks a free port).
    #[arg(long, env = "PROMPTOPS_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Directory for the embedded SQLite database and the generated JWT secret.
    #[arg(long, env = "PROMPTOPS_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// `sqlite://…` or `postgres://…`. Defaults to `sqlite://<data dir>/promptops.db`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Maximum connections in the database pool.
    #[arg(long, env = "PROMPTOPS_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,

    /// `redis://…`. When set, policy changes, events and rate limits are shared through Redis.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// Prefix of every Redis key and channel this deployment uses.
    #[arg(long, env = "PROMPTOPS_REDIS_PREFIX", default_value = "promptops:")]
    pub redis_prefix: String,

    /// HMAC secret for access tokens (at least 32 bytes). Processes sharing a database must
    /// share it. When neither this nor the file is set, one is generated into the data dir.
    #[arg(long, env = "PROMPTOPS_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// File holding the JWT secret (alternative to `PROMPTOPS_JWT_SECRET`).
    #[arg(long, env = "PROMPTOPS_JWT_SECRET_FILE")]
    pub jwt_secret_file: Option<PathBuf>,

    /// During a rotation, the JWT secret being retired: access tokens it signed are still
    /// accepted until they expire; new ones are signed with `PROMPTOPS_JWT_SECRET`.
    #[arg(long, env = "PROMPTOPS_JWT_PREVIOUS_SECRET", hide_env_values = true)]
    pub jwt_previous_secret: Option<String>,

    /// File holding the previous JWT secret (alternative to `PROMPTOPS_JWT_PREVIOUS_SECRET`).
    #[arg(long, env = "PROMPTOPS_JWT_PREVIOUS_SECRET_FILE")]
    pub jwt_previous_secret_file: Option<PathBuf>,

    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "PROMPTOPS_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,

    /// Lifetime of a refresh token, in seconds.
    #[arg(long, env = "PROMPTOPS_REFRESH_TOKEN_TTL", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl: u64,

    /// Lifetime of an organization invitation (`addMember`), in seconds.
    #[arg(long, env = "PROMPTOPS_INVITATION_TTL", default_value_t = 7 * 24 * 3600)]
    pub invitation_ttl: u64,

    /// Origins allowed by CORS, comma separated; `*` allows any. Empty: same origin only.
    #[arg(long, env = "PROMPTOPS_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Serve GraphiQL on `GET /graphql`.
    #[arg(long, env = "PROMPTOPS_PLAYGROUND", default_value_t = true, action = clap::ArgAction::Set)]
    pub playground: bool,

    /// Answer introspection queries.
    #[arg(long, env = "PROMPTOPS_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,

    /// Deepest selection nesting a query may have.
    #[arg(long, env = "PROMPTOPS_MAX_DEPTH", default_value_t = 16)]
    pub max_depth: usize,

    /// Largest cost of a query: one per field selected, aliases included, and a list field's
    /// selection counted once per item it may return (`first`, or the assumed list size).
    #[arg(long, env = "PROMPTOPS_MAX_COMPLEXITY", default_value_t = 5_000)]
    pub max_complexity: usize,

    /// Largest GraphQL answer over HTTP, in bytes; a larger one is replaced by a
    /// RESPONSE_TOO_LARGE error.
    #[arg(long, env = "PROMPTOPS_MAX_RESPONSE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_response_bytes: usize,

    /// Largest multipart request body (file uploads, such as a dataset import), in bytes. A
    /// JSON body stays limited to 1 MiB.
    #[arg(long, env = "PROMPTOPS_MAX_UPLOAD_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_upload_bytes: usize,

    /// Login attempts allowed per email address from one client IP per minute. Counted per
    /// (email, IP), so guessing from one address never locks the owner out from another.
    #[arg(long, env = "PROMPTOPS_LOGIN_LIMIT_PER_EMAIL_IP", default_value_t = 10)]
    pub login_limit_per_email_ip: u32,

    /// Sign-ups allowed per client IP per minute (each costs a password hash).
    #[arg(long, env = "PROMPTOPS_SIGNUP_LIMIT_PER_IP", default_value_t = 20)]
    pub signup_limit_per_ip: u32,

    /// Login attempts allowed per client IP per minute.
    #[arg(long, env = "PROMPTOPS_LOGIN_LIMIT_PER_IP", default_value_t = 60)]
    pub login_limit_per_ip: u32,

    /// GraphQL requests per minute made in one organization (all its members and API keys
    /// together), unless its owner set another value; 0: unlimited.
    #[arg(
        long,
        env = "PROMPTOPS_ORG_REQUESTS_PER_MINUTE",
        default_value_t = 6_000
    )]
    pub org_requests_per_minute: u32,

    /// The most an owner may set for `requestsPerMinute`; 0: no ceiling.
    #[arg(
        long,
        env = "PROMPTOPS_ORG_REQUESTS_PER_MINUTE_MAX",
        default_value_t = 60_000
    )]
    pub org_requests_per_minute_max: u32,

    /// GraphQL requests per minute of each API key, unless its organization's owner set
    /// another value; 0: unlimited.
    #[arg(
        long,
        env = "PROMPTOPS_API_KEY_REQUESTS_PER_MINUTE",
        default_value_t = 3_000
    )]
    pub api_key_requests_per_minute: u32,

    /// The most an owner may set for `apiKeyRequestsPerMinute`; 0: no ceiling.
    #[arg(
        long,
        env = "PROMPTOPS_API_KEY_REQUESTS_PER_MINUTE_MAX",
        default_value_t = 60_000
    )]
    pub api_key_requests_per_minute_max: u32,

    /// Executions per organization per calendar month (UTC), unless its owner set another
    /// value; 0: unlimited.
    #[arg(long, env = "PROMPTOPS_MONTHLY_EXECUTIONS", default_value_t = 0)]
    pub monthly_executions: u64,

    /// The most an owner may set for `monthlyExecutions`; 0: no ceiling.
    #[arg(long, env = "PROMPTOPS_MONTHLY_EXECUTIONS_MAX", default_value_t = 0)]
    pub monthly_executions_max: u64,

    /// Tokens (in + out) per organization per calendar month (UTC), unless its owner set
    /// another value; 0: unlimited.
    #[arg(long, env = "PROMPTOPS_MONTHLY_TOKENS", default_value_t = 0)]
    pub monthly_tokens: u64,

    /// The most an owner may set for `monthlyTokens`; 0: no ceiling.
    #[arg(long, env = "PROMPTOPS_MONTHLY_TOKENS_MAX", default_value_t = 0)]
    pub monthly_tokens_max: u64,

    /// How a quota is enforced unless the owner chose: `hard` (refused with QUOTA_EXCEEDED)
    /// or `soft` (allowed; a `quota.exceeded` audit event once a month).
    #[arg(long, env = "PROMPTOPS_QUOTA_ENFORCEMENT", default_value = "hard", value_parser = ["hard", "soft"])]
    pub quota_enforcement: String,

    /// Seconds an organization's limits are cached by each process for the request limiter
    /// (a change made through another process applies within this time).
    #[arg(long, env = "PROMPTOPS_LIMITS_CACHE_SECS", default_value_t = 5)]
    pub limits_cache_secs: u64,

    /// Take the client IP from the first `X-Forwarded-For` entry (only behind a trusted proxy).
    #[arg(long, env = "PROMPTOPS_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,

    /// The `promptops` binary that renders templates in a memory- and CPU-limited child
    /// process (default: this executable). `off` renders in-process, where memory is not
    /// bounded — for development only.
    #[arg(long, env = "PROMPTOPS_TEMPLATE_SANDBOX")]
    pub template_sandbox: Option<String>,

    /// Template renders that may run at once in all, one warm sandbox child each (each may
    /// take 512 MiB); default: one per core.
    #[arg(long, env = "PROMPTOPS_RENDER_SLOTS")]
    pub render_slots: Option<usize>,

    /// Renders a sandbox child does before a fresh one replaces it.
    #[arg(long, env = "PROMPTOPS_RENDERS_PER_SANDBOX", default_value_t = workers::sandbox::DEFAULT_RENDERS_PER_SANDBOX)]
    pub renders_per_sandbox: u32,

    /// Template renders one organization may run at once (of the render slots); default:
    /// half the slots, at least one. Its further renders wait for its own turn.
    #[arg(long, env = "PROMPTOPS_RENDERS_PER_ORG")]
    pub renders_per_org: Option<usize>,

    /// Seconds each process uses an API key it has read without reading it again: the bound on
    /// a revocation made through another process while its notice is lost (Redis down);
    /// with the notice, it applies at once everywhere.
    #[arg(long, env = "PROMPTOPS_API_KEY_CACHE_SECS", default_value_t = 10)]
    pub api_key_cache_secs: u64,

    /// Seconds between the writes of API keys' "last used" (one statement for every key
    /// used meanwhile; a key's use is recorded at most once a minute).
    #[arg(
        long,
        env = "PROMPTOPS_API_KEY_LAST_USED_FLUSH_SECS",
        default_value_t = 10
    )]
    pub api_key_last_used_flush_secs: u64,

    /// Seconds between full policy reloads, a safety net under the Redis watcher.
    #[arg(long, env = "PROMPTOPS_POLICY_RELOAD_SECS", default_value_t = 30)]
    pub policy_reload_secs: u64,

    /// `serve` only: run no jobs in this process (leave them to `promptops worker`).
    #[arg(long, env = "PROMPTOPS_NO_WORKERS", default_value_t = false)]
    pub no_workers: bool,

    /// Jobs one process runs at once.
    #[arg(long, env = "PROMPTOPS_WORKER_CONCURRENCY", default_value_t = 16)]
    pub worker_concurrency: usize,

    /// This process's name in job rows and as the Redis consumer (default: host, pid, random).
    #[arg(long, env = "PROMPTOPS_WORKER_ID")]
    pub worker_id: Option<String>,

    /// Seconds a claimed job is reserved; a running job extends it every third of that. A
    /// worker that dies loses its jobs to another after at most this long.
    #[arg(long, env = "PROMPTOPS_JOB_LEASE_SECS", default_value_t = 30)]
    pub job_lease_secs: u64,

    /// Deliveries of a job before it is given up (DEAD) and its execution FAILED.
    #[arg(long, env = "PROMPTOPS_JOB_MAX_ATTEMPTS", default_value_t = 5)]
    pub job_max_attempts: i32,

    /// Seconds a stopping worker lets running jobs finish before giving them back.
    #[arg(long, env = "PROMPTOPS_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// Seconds between reconciler passes (re-publishing jobs the queue lost or never got).
    #[arg(long, env = "PROMPTOPS_RECONCILE_SECS", default_value_t = 5)]
    pub reconcile_secs: u64,

    /// Seconds an unclaimed job waits in the queue before the reconciler publishes it again.
    #[arg(long, env = "PROMPTOPS_REPUBLISH_AFTER_SECS", default_value_t = 30)]
    pub republish_after_secs: u64,

    /// Seconds a cached response is kept.
    #[arg(long, env = "PROMPTOPS_CACHE_TTL_SECS", default_value_t = 3600)]
    pub cache_ttl_secs: u64,

    /// Events kept per execution for replay (`executionEvents(after:)`).
    #[arg(long, env = "PROMPTOPS_EVENT_LOG_CAPACITY", default_value_t = 10_000)]
    pub event_log_capacity: usize,

    /// Seconds an execution's events stay replayable after its last event.
    #[arg(long, env = "PROMPTOPS_EVENT_LOG_TTL_SECS", default_value_t = 86_400)]
    pub event_log_ttl_secs: u64,

    /// Base64 of 32 bytes: the AES-256-GCM key for provider credentials at rest. Processes
    /// sharing a database must share it. When unset, one is generated into the data dir.
    #[arg(long, env = "PROMPTOPS_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,

    /// File holding the master key (alternative to `PROMPTOPS_MASTER_KEY`).
    #[arg(long, env = "PROMPTOPS_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,

    /// During a rotation, the master key being retired: credentials sealed with it still open;
    /// new ones are sealed with `PROMPTOPS_MASTER_KEY`; `promptops rotate-master-key` moves the
    /// stored ones onto it.
    #[arg(long, env = "PROMPTOPS_MASTER_KEY_PREVIOUS", hide_env_values = true)]
    pub master_key_previous: Option<String>,

    /// File holding the previous master key (alternative to `PROMPTOPS_MASTER_KEY_PREVIOUS`).
    #[arg(long, env = "PROMPTOPS_MASTER_KEY_PREVIOUS_FILE")]
    pub master_key_previous_file: Option<PathBuf>,

    /// Model prices in USD per million tokens, laid over the built-in table:
    /// `{"my-model": {"input": 0.5, "output": 1.5}}`.
    #[arg(long, env = "PROMPTOPS_PRICES")]
    pub prices: Option<String>,

    /// Retries of a provider call refused with 429 or 5xx before its first token.
    #[arg(long, env = "PROMPTOPS_LLM_MAX_RETRIES", default_value_t = 3)]
    pub llm_max_retries: u32,

    /// Seconds a provider may take to send its response headers, from sending the request
    /// (connecting included).
    #[arg(long, env = "PROMPTOPS_LLM_TIMEOUT_SECS", default_value_t = 60)]
    pub llm_timeout_secs: u64,

    /// Seconds a WebSocket may stay open without `connection_init` (then closed with 4408).
    #[arg(long, env = "PROMPTOPS_WS_INIT_TIMEOUT_SECS", default_value_t = 10)]
    pub ws_init_timeout_secs: u64,

    /// Open WebSockets per client IP; more are refused with HTTP 429. 0: unlimited.
    #[arg(
        long,
        env = "PROMPTOPS_WS_MAX_CONNECTIONS_PER_IP",
        default_value_t = 200
    )]
    pub ws_max_connections_per_ip: usize,

    /// Open WebSockets per user or API key (this process); more are closed with 1013. 0:
    /// unlimited.
    #[arg(
        long,
        env = "PROMPTOPS_WS_MAX_CONNECTIONS_PER_USER",
        default_value_t = 50
    )]
    pub ws_max_connections_per_user: usize,

    /// Operations running at once on one WebSocket; more are refused with an error. 0:
    /// unlimited.
    #[arg(
        long,
        env = "PROMPTOPS_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION",
        default_value_t = 50
    )]
    pub ws_max_subscriptions_per_connection: usize,

    /// Seconds between checks that an open WebSocket's credential still holds (an API key
    /// not revoked); expiry is enforced at the exact time regardless.
    #[arg(long, env = "PROMPTOPS_WS_REVALIDATE_SECS", default_value_t = 30)]
    pub ws_revalidate_secs: u64,

    /// Seconds between checks that a subscriber still has access to what it follows, events or
    /// not. A safety net: every change of the authorization policy (any process's) triggers
    /// the check at once, and a session's expiry is checked before every event.
    #[arg(long, env = "PROMPTOPS_WS_ACCESS_RECHECK_SECS", default_value_t = 60)]
    pub ws_access_recheck_secs: u64,

    /// A second address serving only `GET /metrics` (e.g. `0.0.0.0:9090`, for a scraper kept
    /// off the public port). `/metrics` is served on the main address either way.
    #[arg(long, env = "PROMPTOPS_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// Seconds connecting to a provider may take.
    #[arg(long, env = "PROMPTOPS_LLM_CONNECT_TIMEOUT_SECS", default_value_t = 10)]
    pub llm_connect_timeout_secs: u64,

    /// Seconds a provider's response may pause between two pieces (tokens) of its body.
    #[arg(long, env = "PROMPTOPS_LLM_IDLE_TIMEOUT_SECS", default_value_t = 60)]
    pub llm_idle_timeout_secs: u64,

    /// Where archive files go: `file:///path`, `s3://bucket/prefix` (credentials, region and
    /// endpoint from the standard `AWS_*` variables) or `memory://`. Default:
    /// `<data dir>/archive`.
    #[arg(long, env = "PROMPTOPS_ARCHIVE_URL")]
    pub archive_url: Option<String>,

    /// An organization's retention period, in days, until an owner changes it: older
    /// executions, workflow runs and evaluation runs are archived and deleted.
    #[arg(long, env = "PROMPTOPS_RETENTION_DAYS", default_value_t = 90)]
    pub retention_days: i32,

    /// The same for audit events (at least the retention period).
    #[arg(long, env = "PROMPTOPS_AUDIT_RETENTION_DAYS", default_value_t = 400)]
    pub audit_retention_days: i32,

    /// The shortest retention period an owner may set, in days.
    #[arg(long, env = "PROMPTOPS_RETENTION_MIN_DAYS", default_value_t = 1)]
    pub retention_min_days: i32,

    /// The longest retention period an owner may set (audit events too), in days.
    #[arg(long, env = "PROMPTOPS_RETENTION_MAX_DAYS", default_value_t = 3650)]
    pub retention_max_days: i32,

    /// Rows per archive file, and per delete transaction.
    #[arg(long, env = "PROMPTOPS_RETENTION_BATCH_ROWS", default_value_t = 500)]
    pub retention_batch_rows: u64,

    /// Schedule each organization's daily retention sweep (from the reconciler).
    #[arg(long, env = "PROMPTOPS_RETENTION_SWEEPS", default_value_t = true, action = clap::ArgAction::Set)]
    pub retention_sweeps: bool,

    /// Hours a restored archive stays readable (`archiveRecords`).
    #[arg(long, env = "PROMPTOPS_ARCHIVE_RESTORE_HOURS", default_value_t = 24)]
    pub archive_restore_hours: u32,

    /// Provider addresses allowed although internal (private, loopback, link-local…), comma
    /// separated: host names, IP addresses or CIDR ranges, for self-hosted model servers.
    #[arg(long, env = "PROMPTOPS_PROVIDER_ALLOWED_HOSTS", value_delimiter = ',')]
    pub provider_allowed_hosts: Vec<String>,
}

impl Config {
    /// The retention rules these settings make.
    pub fn retention_settings(&self) -> workers::retention::RetentionSettings {
        workers::retention::RetentionSettings {
            default_days: self.retention_days,
            default_audit_days: self.audit_retention_days,
            min_days: self.retention_min_days,
            max_days: self.retention_max_days,
            batch_rows: self.retention_batch_rows.max(1),
            schedule: self.retention_sweeps,
        }
    }

    /// The database URL in use: the configured one, or the SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("promptops.db").display()
            ),
        }
    }

    /// The defaults with the environment applied, as `promptops serve` without flags.
    pub fn from_env() -> Self {
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: Config,
        }
        <Wrapper as clap::Parser>::parse_from(["promptops"]).config
    }

    /// `from_env` with its data in `data_dir`, listening on a free port (tests, tools).
    pub fn defaults(data_dir: PathBuf) -> Self {
        let mut config = Self::from_env();
        config.data_dir = data_dir;
        config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        config
    }
}

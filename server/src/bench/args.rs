//! The command line of `promptops bench`: one subcommand per scenario, each with the server
//! options (`--target` or `--embedded`) and its own.

use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub scenario: Scenario,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Scenario {
    /// Authenticated reads (`prompt(id)`, a 20-item `prompts` page; JWT and API key) against
    /// `{ __typename }` and `/healthz` on the same server, at several connection counts.
    Read(ReadArgs),
    /// End-to-end executions (`executePrompt`, then `executionEvents` to COMPLETED).
    Execute(ExecuteArgs),
    /// Token delivery overhead of concurrent streams through `promptops mock-llm`.
    Stream(StreamArgs),
    /// Three-node workflow runs put in flight (Research → Analyze → Summarize).
    Workflow(WorkflowArgs),
    /// Idle WebSocket subscriptions: memory per connection, fan-out time of one event.
    Subscriptions(SubscriptionsArgs),
    /// One evaluation run of N dataset items (after one of N/10).
    Evaluate(EvaluateArgs),
    /// Exec of `promptops serve` until `/readyz` answers 200, fresh and existing data.
    Startup(StartupArgs),
}

/// Which server is loaded.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// The server to load (ignored with `--embedded`).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// Start an embedded server (`serve` on SQLite in a fresh directory, the defaults
    /// otherwise, request limits lifted) and load it instead of `--target`.
    #[arg(long)]
    pub embedded: bool,
    /// The `promptops` binary the bench starts (default: this one).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// The process id(s) of the `--target` server(s) (repeat or comma-separate, e.g. the API
    /// process and its workers), for their CPU time and memory (Linux `/proc`).
    #[arg(long, value_delimiter = ',')]
    pub server_pid: Vec<u32>,
}

/// What the executions run: a prompt of `--words` words on `mock`/echo or on OpenAI.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// Words in the prompt's user message (the `echo` model streams one token per word).
    #[arg(long, default_value_t = 20)]
    pub words: usize,
    /// Provider: `mock` (in-process) or `openai` through `--llm-url`.
    #[arg(long, default_value = "mock")]
    pub provider: String,
    /// Base URL of an OpenAI-compatible server (e.g. `promptops mock-llm`), stored as the
    /// bench organization's credential, for `--provider openai`.
    #[arg(long)]
    pub llm_url: Option<String>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Connection counts to measure at (keep-alive HTTP/1.1, one request at a time each).
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub connections: Vec<usize>,
    /// Seconds each request kind is loaded at each connection count.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ExecuteArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Executions (or renders) to run.
    #[arg(long, default_value_t = 1000)]
    pub executions: usize,
    /// Executions (or renders) in flight at once.
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
    /// Load with `renderPrompt` instead of executions.
    #[arg(long)]
    pub renders: bool,
    /// Start two embedded servers, sandboxed and `PROMPTOPS_TEMPLATE_SANDBOX=off`, load each
    /// the same way and report the throughput ratio.
    #[arg(long)]
    pub compare_sandbox: bool,
    /// Also measure `/healthz` every 10 ms while attack-like requests run beside the load.
    #[arg(long)]
    pub healthz: bool,
    /// The server's PostgreSQL database, to count its commits per execution
    /// (`pg_stat_database`).
    #[arg(long)]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct StreamArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Concurrent executions, each streaming `--tokens` tokens (repeat or comma-separate to
    /// measure several counts in one run).
    #[arg(long, value_delimiter = ',', default_value = "200,1000")]
    pub streams: Vec<usize>,
    /// Tokens of each stream (the prompt's words, echoed).
    #[arg(long, default_value_t = 100)]
    pub tokens: usize,
    /// The provider's pace (tokens per second of each stream).
    #[arg(long, default_value_t = 10.0)]
    pub tokens_per_second: f64,
    /// An OpenAI-compatible server already paced at `--tokens-per-second`; by default the
    /// bench starts `promptops mock-llm` itself.
    #[arg(long)]
    pub llm_url: Option<String>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct WorkflowArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Workflow runs to put in flight.
    #[arg(long, default_value_t = 1000)]
    pub runs: usize,
    /// Submitters (each calls `runWorkflow` without waiting for the run).
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
}

#[derive(Debug, Clone, clap::Args)]
pub struct SubscriptionsArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Idle WebSocket connections, each with one subscription.
    #[arg(long, default_value_t = 1000)]
    pub connections: usize,
    /// What each subscribes to: `org-updates` (`orgExecutionUpdates`, one execution started)
    /// or `execution-events` (`executionEvents` of one PENDING execution, cancelled to fan its
    /// CANCELLED event out; needs `--target`: an API process running no workers,
    /// `PROMPTOPS_NO_WORKERS=true`, on Redis).
    #[arg(long, value_enum, default_value = "org-updates")]
    pub kind: SubscriptionKind,
    /// Connections opened at once while connecting.
    #[arg(long, default_value_t = 64)]
    pub connect_concurrency: usize,
}

#[derive(Debug, Clone, clap::Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Dataset items of the measured run (a run of a tenth of them goes first).
    #[arg(long, default_value_t = 1000)]
    pub items: usize,
    /// The run's `concurrency`.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// How many evaluators (of EXACT_MATCH, CONTAINS, SIMILARITY).
    #[arg(long, default_value_t = 3)]
    pub evaluators: usize,
    /// The server's PostgreSQL database, to count its commits and rows written per item
    /// (`pg_stat_database`).
    #[arg(long)]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct StartupArgs {
    /// The `promptops` binary to start (default: this one).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// Starts of each kind (fresh data directory, existing one); the median is reported.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SubscriptionKind {
    ExecutionEvents,
    OrgUpdates,
}

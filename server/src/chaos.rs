//! `promptops chaos`: a fault-injection harness on PostgreSQL + Redis with real processes of
//! this binary — two API processes, three workers, one `mock-llm` — that keeps submitting
//! executions, workflow runs and evaluation items while it injects one kind of fault per
//! phase, then counts, from the database rows and from `mock-llm`'s per-content call counts,
//! what was submitted, finished, lost and done twice. Exit status non-zero when anything was.

mod cluster;
pub mod database;
mod faults;
mod gql;
mod load;
pub mod pg_proxy;
mod process;
mod redis_server;
mod report;
mod subscribers;
mod tenant;
mod verify;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;

pub use faults::Fault;
pub use report::PhaseReport;

#[derive(Debug, Clone, clap::Args)]
pub struct ChaosArgs {
    /// The PostgreSQL server: the harness creates a database of its own there (random name)
    /// and drops it at the end.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// An external Redis to use instead of a redis-server the harness starts itself (with a
    /// random key prefix); the `redis-restart` phase then is skipped.
    #[arg(long)]
    pub redis_url: Option<String>,
    /// The redis-server binary the harness starts (on a free port, persistence off).
    #[arg(long, default_value = "redis-server")]
    pub redis_server: PathBuf,
    /// The `promptops` binary the processes run (default: this one).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// Executions submitted per phase.
    #[arg(long, default_value_t = 10_000)]
    pub executions: usize,
    /// Workflow runs (three nodes each) submitted per phase (default: a tenth of
    /// `--executions`).
    #[arg(long)]
    pub workflows: Option<usize>,
    /// Evaluation items submitted per phase, in runs of ten (default: a tenth of
    /// `--executions`).
    #[arg(long)]
    pub eval_items: Option<usize>,
    /// Subscribers moved from one API process to the other in `api-kill`.
    #[arg(long, default_value_t = 100)]
    pub subscribers: usize,
    /// The faults, one phase each, in this order (default: all of them).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub faults: Vec<Fault>,
    /// A few hundred jobs and one fault of each kind: the CI size.
    #[arg(long)]
    pub small: bool,
    /// Units of work (an execution, a workflow run, an evaluation run of ten items) submitted
    /// per second (`--small`: the quota spread over about 12 s).
    #[arg(long, default_value_t = 100.0)]
    pub rate: f64,
    /// Submissions in flight at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// The workers' `PROMPTOPS_JOB_LEASE_SECS`.
    #[arg(long, default_value_t = 5)]
    pub lease_secs: u64,
    /// Every process's `PROMPTOPS_RECONCILE_SECS`.
    #[arg(long, default_value_t = 1)]
    pub reconcile_secs: u64,
    /// Every process's `PROMPTOPS_REPUBLISH_AFTER_SECS` (the product's default: 30).
    #[arg(long, default_value_t = 30)]
    pub republish_after_secs: u64,
    /// A client request taking longer than this counts as hung.
    #[arg(long, default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// How long a phase may take to finish its work once its fault has stopped.
    #[arg(long, default_value_t = 180)]
    pub drain_timeout_secs: u64,
    /// Write the JSON report here too (it is always printed).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Keep the processes' logs (in a temporary directory, printed) even when nothing failed.
    #[arg(long)]
    pub keep_logs: bool,
}

impl ChaosArgs {
    /// The sizes and faults actually run, `--small` applied.
    pub fn resolved(mut self) -> ChaosArgs {
        if self.small {
            self.executions = self.executions.min(150);
            self.subscribers = self.subscribers.min(20);
        }
        if self.faults.is_empty() {
            self.faults = Fault::ALL.to_vec();
        }
        self
    }

    fn workflows(&self) -> usize {
        self.workflows.unwrap_or(self.executions / 10)
    }

    fn eval_items(&self) -> usize {
        self.eval_items.unwrap_or(self.executions / 10)
    }

    fn drain_timeout(&self) -> Duration {
        Duration::from_secs(self.drain_timeout_secs)
    }

    fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
}

/// Runs every phase; `Ok(reports)` whether or not something was lost (see
/// [`PhaseReport::clean`]), `Err` when the harness itself could not run.
pub async fn run(args: ChaosArgs) -> anyhow::Result<Vec<PhaseReport>> {
    let args = args.resolved();
    if args.executions == 0 || args.concurrency == 0 {
        bail!("--executions and --concurrency must be at least 1");
    }
    let program = match &args.server_bin {
        Some(program) => program.clone(),
        None => std::env::current_exe()?,
    };
    let database = database::Scratch::create(&args.database_url).await?;
    let work = async {
        let mut cluster = cluster::Cluster::start(&args, &program, &database).await?;
        let result = phases(&args, &mut cluster, &database).await;
        let failed = !matches!(&result, Ok(reports) if reports.iter().all(PhaseReport::clean));
        cluster.stop(failed || args.keep_logs).await;
        result
    };
    // On SIGTERM or Ctrl-C the work is dropped, which kills every child process, and the
    // database is still dropped.
    let outcome = tokio::select! {
        outcome = work => outcome,
        () = interrupted() => Err(anyhow::anyhow!("interrupted")),
    };
    database.drop_it().await;
    let reports = outcome?;
    report::print(&reports, args.json.as_deref())?;
    Ok(reports)
}

async fn phases(
    args: &ChaosArgs,
    cluster: &mut cluster::Cluster,
    database: &database::Scratch,
) -> anyhow::Result<Vec<PhaseReport>> {
    let mut reports = Vec::new();
    for fault in &args.faults {
        if *fault == Fault::RedisRestart && !cluster.owns_redis() {
            println!("chaos: redis-restart skipped (--redis-url: the harness cannot restart it)");
            continue;
        }
        println!("chaos: phase {} …", fault.name());
        let report = faults::phase(args, cluster, database, *fault).await?;
        println!("{}", report::line(&report));
        reports.push(report);
    }
    Ok(reports)
}

/// SIGTERM or Ctrl-C.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

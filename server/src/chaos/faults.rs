//! The faults, one phase each: a fresh tenant, the load submitted at a steady pace while the
//! fault is injected, then the phase drains and is counted.

mod api_kill;
mod pg_pause;
mod probe;
mod redis_restart;
mod worker_kill;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::{Mutex, watch};

use super::ChaosArgs;
use super::cluster::Cluster;
use super::database::Scratch;
use super::gql::Gql;
use super::load::{Ledger, Load, Quota};
use super::report::PhaseReport;
use super::tenant::Tenant;
use super::verify;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// SIGKILL a random worker every 2–5 s and start a new one.
    WorkerKill,
    /// Kill Redis under load and start it again, empty.
    RedisRestart,
    /// SIGKILL the API process subscribers follow; they move to the other one.
    ApiKill,
    /// SIGKILL workers while three-node workflow runs are in flight.
    WorkflowKill,
    /// Stall every PostgreSQL connection for 10 s, then drop them all.
    PgPause,
}

impl Fault {
    pub const ALL: [Fault; 5] = [
        Fault::WorkerKill,
        Fault::RedisRestart,
        Fault::ApiKill,
        Fault::WorkflowKill,
        Fault::PgPause,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::WorkerKill => "worker-kill",
            Fault::RedisRestart => "redis-restart",
            Fault::ApiKill => "api-kill",
            Fault::WorkflowKill => "workflow-kill",
            Fault::PgPause => "pg-pause",
        }
    }
}

/// What a fault's injector did and measured.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Injected {
    /// Kills, restarts or pauses.
    pub faults: usize,
    /// Per fault, seconds until the service recovered (the injector says what it measures).
    pub recovery_secs: Vec<f64>,
    /// The second measure of recovery, when there is one (see the README).
    pub backlog_secs: Vec<f64>,
    /// What `/readyz` answered while the dependency was down (redis-restart, pg-pause):
    /// `503` (at least once), `no answer` (within 5 s, never a 503) or `200` (missed it).
    pub readyz: Option<String>,
    /// api-kill: subscribers, those whose sequence was whole, duplicate events, reconnects.
    pub subscribers: Option<SubscriberCount>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct SubscriberCount {
    pub subscribers: usize,
    pub whole: usize,
    pub gaps: usize,
    pub duplicate_events: usize,
    pub incomplete: usize,
    pub reconnected: usize,
}

/// What an injector is given.
pub(super) struct Phase<'a> {
    pub args: &'a ChaosArgs,
    pub db: &'a sea_orm::DatabaseConnection,
    pub gql: Gql,
    pub tenant: Arc<Tenant>,
    pub org: String,
    /// Raised when the whole quota is submitted.
    pub submitted: watch::Receiver<bool>,
}

impl Phase<'_> {
    /// How long into the load a one-off fault strikes.
    pub fn lead_in(&self) -> Duration {
        Duration::from_secs(if self.args.small { 2 } else { 3 })
    }

    /// The load is still being submitted, or some of it still runs.
    pub async fn busy(&self) -> bool {
        !*self.submitted.borrow() || verify::open(self.db, &self.org).await.unwrap_or(1) > 0
    }

    pub async fn wait_submitted(&self) {
        let mut submitted = self.submitted.clone();
        let _ = submitted.wait_for(|done| *done).await;
    }
}

pub(super) async fn phase(
    args: &ChaosArgs,
    cluster: &mut Cluster,
    database: &Scratch,
    fault: Fault,
) -> anyhow::Result<PhaseReport> {
    let gql = Gql::new(args.request_timeout())?;
    let bases: Vec<String> = cluster.apis.iter().map(|a| a.base.clone()).collect();
    let tenant = Arc::new(Tenant::create(&gql, &bases, &cluster.llm_url, fault.name()).await?);
    let quota = quota(args, fault);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let load = Arc::new(Load {
        gql: gql.clone(),
        bases: bases.clone(),
        tenant: tenant.clone(),
        phase: fault.name(),
        ledger: ledger.clone(),
    });
    let (done, submitted) = watch::channel(false);
    let began = Instant::now();
    let concurrency = args.concurrency;
    let submitting = tokio::spawn(async move {
        load.run(quota, concurrency).await;
        let _ = done.send(true);
    });
    let phase = Phase {
        args,
        db: &database.db,
        gql,
        org: tenant.org.clone(),
        tenant,
        submitted,
    };
    let injected = match fault {
        Fault::WorkerKill | Fault::WorkflowKill => worker_kill::inject(&phase, cluster).await,
        Fault::RedisRestart => redis_restart::inject(&phase, cluster).await,
        Fault::ApiKill => api_kill::inject(&phase, cluster, &bases).await,
        Fault::PgPause => pg_pause::inject(&phase, cluster, &bases).await,
    };
    // Whatever happened, the cluster is whole again before the next phase.
    submitting.await?;
    let injected = injected?;
    let drain = verify::drain(&database.db, &phase.org, args.drain_timeout()).await?;
    let calls = verify::calls(&cluster.llm_url).await?;
    let ledger = ledger.lock().await;
    let counts = verify::count(&database.db, &phase.org, &ledger, &calls).await?;
    Ok(PhaseReport::new(
        fault,
        counts,
        injected,
        &ledger,
        began.elapsed(),
        drain,
        args.request_timeout(),
    ))
}

/// The work of a phase: the mix, or mostly workflow runs for `workflow-kill`.
fn quota(args: &ChaosArgs, fault: Fault) -> Quota {
    let (executions, workflows, eval_items) = match fault {
        Fault::WorkflowKill => (0, (args.executions / 3).max(1), 0),
        _ => (args.executions, args.workflows(), args.eval_items()),
    };
    let units = executions + workflows + eval_items.div_ceil(super::load::ITEMS_PER_RUN);
    let rate = match args.small {
        // The small run's quota spreads over a few seconds, so the fault meets it in flight.
        true => units as f64 / SMALL_LOAD_SECS,
        false => args.rate,
    };
    Quota {
        executions,
        workflows,
        eval_items,
        rate,
    }
}

/// `--small`: the seconds over which a phase's quota is submitted.
const SMALL_LOAD_SECS: f64 = 8.0;

/// Sleeps a random time between `low` and `high` seconds.
pub(super) async fn pause_between(low: f64, high: f64) {
    use rand::Rng;
    let secs = rand::rng().random_range(low..high);
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
}

/// Seconds since the Unix epoch, in milliseconds.
pub(super) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

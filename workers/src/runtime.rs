//! The worker runtime shared by `promptops serve` (embedded workers) and `promptops worker`:
//! the pool that pulls deliveries and runs jobs, each under a lease it keeps extending, the
//! listener that stops cancelled runs, the reconciler, and the graceful stop on shutdown.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use sea_orm::DatabaseConnection;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::cache::ResponseCache;
use crate::crypto::Sealer;
use crate::events::EventBus;
use crate::execution::{self, events::CANCEL_TOPIC};
use crate::jobs::{self, Claim};
use crate::llm::{HttpClient, ProviderDefaults, RetryPolicy, Timeouts};
use crate::pricing::PriceTable;
use crate::queue::{Delivery, JobQueue};

/// Why a run must stop before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Cancelled by a user: the API already wrote and announced it.
    Cancelled,
    /// Our lease was taken over: another worker owns the job now.
    LeaseLost,
    /// This worker is shutting down past its grace period: give the job back.
    Shutdown,
}

pub struct LlmSettings {
    pub defaults: ProviderDefaults,
    /// The shared client, with the egress policy (allowed provider addresses) it enforces.
    pub http: HttpClient,
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Names this process in job rows and as the Redis consumer.
    pub worker_id: String,
    pub concurrency: usize,
    pub lease: Duration,
    pub max_attempts: i32,
    pub shutdown_grace: Duration,
    pub reconcile_every: Duration,
    pub republish_after: Duration,
}

pub struct Runtime {
    pub db: DatabaseConnection,
    pub bus: EventBus,
    pub queue: Arc<dyn JobQueue>,
    pub cache: ResponseCache,
    pub llm: LlmSettings,
    pub sealer: Sealer,
    pub prices: PriceTable,
    pub settings: WorkerSettings,
    /// Runs in progress in this process, by execution id.
    running: Mutex<HashMap<Uuid, watch::Sender<Option<Stop>>>>,
}

pub(crate) fn chrono_duration(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

impl Runtime {
    #[expect(clippy::too_many_arguments, reason = "built once, at start-up")]
    pub fn new(
        db: DatabaseConnection,
        bus: EventBus,
        queue: Arc<dyn JobQueue>,
        cache: ResponseCache,
        llm: LlmSettings,
        sealer: Sealer,
        prices: PriceTable,
        settings: WorkerSettings,
    ) -> Arc<Self> {
        Arc::new(Self {
            db,
            bus,
            queue,
            cache,
            llm,
            sealer,
            prices,
            settings,
            running: Mutex::new(HashMap::new()),
        })
    }

    /// Hands a committed job to the queue. A failure (Redis down) only delays it: the job row
    /// stays unpublished and the reconciler publishes it when the queue is back.
    pub async fn enqueue(&self, job_id: Uuid) {
        match self.queue.publish(job_id).await {
            Ok(()) => {
                if let Err(error) = jobs::mark_published(&self.db, job_id).await {
                    tracing::warn!(%error, job = %job_id, "could not mark a job published");
                }
            }
            Err(error) => {
                tracing::warn!(%error, job = %job_id, "queue unavailable; the reconciler will publish the job")
            }
        }
    }

    /// Stops the local run of `execution`, if this process has one.
    pub fn stop_local(&self, execution: Uuid, reason: Stop) -> bool {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running
            .get(&execution)
            .is_some_and(|stop| stop.send(Some(reason)).is_ok())
    }

    /// Tells every process to stop a cancelled execution's run.
    pub async fn broadcast_cancel(&self, execution: Uuid) {
        self.stop_local(execution, Stop::Cancelled);
        if let Err(error) = self.bus.publish(CANCEL_TOPIC, &execution.to_string()).await {
            tracing::warn!(%error, %execution, "could not broadcast a cancellation; its lease check will stop it");
        }
    }

    /// Starts the pool: pulls deliveries and runs up to `concurrency` jobs at once until
    /// `shutdown`; then claims nothing more, lets running jobs finish within the grace period
    /// and gives back the ones still running.
    pub fn start_workers(
        self: &Arc<Self>,
        shutdown: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let rt = self.clone();
        let listener = rt.clone().listen_for_cancellations(shutdown.clone());
        tokio::spawn(async move {
            rt.pool(shutdown).await;
            listener.abort();
        })
    }

    fn listen_for_cancellations(
        self: Arc<Self>,
        shutdown: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let mut cancels = self.bus.subscribe(CANCEL_TOPIC);
        tokio::spawn(async move {
            loop {
                let payload = tokio::select! {
                    _ = shutdown.cancelled() => return,
                    payload = cancels.next() => payload,
                };
                let Some(payload) = payload else { return };
                if let Ok(execution) = Uuid::parse_str(&payload) {
                    self.stop_local(execution, Stop::Cancelled);
                }
            }
        })
    }

    async fn pool(self: Arc<Self>, shutdown: CancellationToken) {
        let permits = Arc::new(Semaphore::new(self.settings.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        let consumer = self.settings.worker_id.clone();
        let mut queue_down = false;
        loop {
            while tasks.try_join_next().is_some() {}
            let permit = tokio::select! {
                _ = shutdown.cancelled() => break,
                permit = permits.clone().acquire_owned() => permit,
            };
            let Ok(permit) = permit else { break };
            let next = tokio::select! {
                _ = shutdown.cancelled() => break,
                next = self.queue.next(&consumer, Duration::from_secs(1)) => next,
            };
            if next.is_ok() && queue_down {
                tracing::info!("job queue available again");
                queue_down = false;
            }
            match next {
                Ok(Some(delivery)) => {
                    let rt = self.clone();
                    tasks.spawn(async move {
                        rt.process(delivery).await;
                        drop(permit);
                    });
                }
                Ok(None) => {}
                Err(error) => {
                    if !queue_down {
                        tracing::warn!(%error, "job queue unavailable; retrying every second");
                    }
                    queue_down = true;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
        }
        tracing::info!(
            running = tasks.len(),
            "worker stopping: finishing running jobs"
        );
        let drained = tokio::time::timeout(self.settings.shutdown_grace, async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                count = tasks.len(),
                "grace period over: giving running jobs back"
            );
            // Repeated: a task still claiming registers its run only after the first round.
            loop {
                let ids: Vec<Uuid> = {
                    let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
                    running.keys().copied().collect()
                };
                for id in ids {
                    self.stop_local(id, Stop::Shutdown);
                }
                tokio::select! {
                    next = tasks.join_next() => if next.is_none() { break },
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                }
            }
        }
    }

    /// Claims and runs one delivery, then acknowledges it. Public so tests can drive a worker
    /// one step at a time.
    pub async fn process(self: &Arc<Self>, delivery: Delivery) -> &'static str {
        let outcome = self.process_claimed(&delivery).await;
        if let Err(error) = self.queue.ack(&delivery).await {
            tracing::warn!(%error, job = %delivery.job_id, "could not acknowledge a delivery");
        }
        tracing::debug!(job = %delivery.job_id, outcome, "delivery processed");
        outcome
    }

    async fn process_claimed(self: &Arc<Self>, delivery: &Delivery) -> &'static str {
        let lease = chrono_duration(self.settings.lease);
        let claimed = async {
            let txn = jobs::begin_write(&self.db).await?;
            let claim = jobs::claim(&txn, delivery.job_id, &self.settings.worker_id, lease).await?;
            let mut running = None;
            let claim = match claim {
                Claim::Claimed(job) if job.kind == execution::KIND => {
                    running = execution::on_claimed(&txn, &job).await?;
                    if running.is_some() {
                        Claim::Claimed(job)
                    } else {
                        jobs::finish(&txn, job.id, job.attempt, jobs::CANCELLED, None).await?;
                        Claim::Gone
                    }
                }
                Claim::Exhausted(job) => {
                    execution::on_exhausted(&txn, &job).await?;
                    Claim::Exhausted(job)
                }
                other => other,
            };
            txn.commit().await?;
            Ok::<_, sea_orm::DbErr>((claim, running))
        };
        let (job, exec) = match claimed.await {
            Ok((Claim::Claimed(job), Some(exec))) => (job, exec),
            Ok((Claim::Exhausted(job), _)) => {
                execution::announce_exhausted(self, &job).await;
                return "dead";
            }
            Ok((Claim::Busy, _)) => return "busy",
            Ok(_) => return "gone",
            Err(error) => {
                // Left unacknowledged-in-effect: the reconciler will deliver it again.
                tracing::warn!(%error, job = %delivery.job_id, "could not claim a job");
                return "claim failed";
            }
        };
        let (stop_tx, stop_rx) = watch::channel(None);
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(job.subject_id, stop_tx.clone());
        // Dropped however the run ends, a panic included: no heartbeat outlives its run.
        let _guard = RunGuard {
            rt: self,
            execution: job.subject_id,
            stop: stop_tx.clone(),
            heartbeat: self
                .clone()
                .heartbeat(job.id, job.attempt, delivery.clone(), stop_tx),
        };
        execution::run(self, &job, exec, stop_rx).await
    }

    /// Extends the lease every third of it; stops the run when the lease was lost.
    fn heartbeat(
        self: Arc<Self>,
        job_id: Uuid,
        attempt: i32,
        delivery: Delivery,
        stop: watch::Sender<Option<Stop>>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let lease = chrono_duration(self.settings.lease);
            let every = self.settings.lease / 3;
            // The lease as last confirmed by the database (the claim set it a moment ago).
            let mut held_until = Instant::now() + self.settings.lease;
            loop {
                tokio::time::sleep(every).await;
                match jobs::heartbeat(&self.db, job_id, attempt, lease).await {
                    Ok(true) => {
                        held_until = Instant::now() + self.settings.lease;
                        let _ = self.queue.touch(&self.settings.worker_id, &delivery).await;
                    }
                    Ok(false) => {
                        // Cancelled, or taken over after we stalled past the lease.
                        let _ = stop.send(Some(Stop::LeaseLost));
                        return;
                    }
                    // Unconfirmed past the lease, another worker may own the job: stop rather
                    // than stream a second copy of it.
                    Err(error) if Instant::now() + every >= held_until => {
                        tracing::warn!(%error, job = %job_id, "lease could not be extended; stopping the run");
                        let _ = stop.send(Some(Stop::LeaseLost));
                        return;
                    }
                    Err(error) => tracing::warn!(%error, job = %job_id, "lease extension failed"),
                }
            }
        })
    }
}

/// Ends a run's bookkeeping: stops its heartbeat and forgets its stop signal, unless a newer
/// run of the same execution (a later attempt in this process) replaced it.
struct RunGuard<'a> {
    rt: &'a Runtime,
    execution: Uuid,
    stop: watch::Sender<Option<Stop>>,
    heartbeat: tokio::task::JoinHandle<()>,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        self.heartbeat.abort();
        let mut running = self
            .rt
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if running
            .get(&self.execution)
            .is_some_and(|current| current.same_channel(&self.stop))
        {
            running.remove(&self.execution);
        }
    }
}

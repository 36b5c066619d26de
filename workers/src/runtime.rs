//! The worker runtime shared by `promptops serve` (embedded workers) and `promptops worker`:
//! the pool that pulls deliveries and runs jobs of any registered kind, each under a lease it
//! keeps extending and in a tracing span of its own; cancellation by scope; the reconciler
//! (`crate::reconciler`); and the graceful stop on shutdown. It knows no kind by name: kinds
//! come from the [`Registry`] it is built with.

mod claim;
mod running;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

use crate::engine::{JobContext, Processed, Registry, StopSignal, chrono_duration};
use crate::jobs;
use crate::queue::Delivery;
use running::{RunGuard, Running};

pub use crate::engine::{Stop, WorkerSettings};

/// Plain topic: the id of a scope (a run) whose jobs must stop, wherever they run.
pub const CANCEL_TOPIC: &str = "jobs.cancel";

pub struct Runtime {
    /// What every job is given; also the queue and settings the pool uses.
    pub ctx: Arc<JobContext>,
    pub(crate) registry: Registry,
    running: Running,
}

impl Runtime {
    /// A runtime running the kinds in `registry` (`crate::kinds::registry()` in the server).
    pub fn new(ctx: JobContext, registry: Registry) -> Arc<Self> {
        Arc::new(Self {
            ctx: Arc::new(ctx),
            registry,
            running: Running::default(),
        })
    }

    /// The registered job kinds, sorted (every one has a series in the job metrics).
    pub fn kinds(&self) -> Vec<&'static str> {
        self.registry.names()
    }

    /// The metric label of a stored kind name: the registered name, or `other`.
    pub fn kind_label(&self, name: &str) -> &'static str {
        self.registry.label(name)
    }

    /// Hands a committed job to the queue (see [`JobContext::enqueue`]).
    pub async fn enqueue(&self, org: Uuid, job_id: Uuid) {
        self.ctx.enqueue(org, job_id).await;
    }

    /// Hands a job of `kind` its transaction just wrote to the queue, and counts it (see
    /// [`JobContext::enqueue_written`]).
    pub async fn enqueue_written(&self, org: Uuid, job_id: Uuid, kind: &'static str) {
        self.ctx.enqueue_written(org, job_id, kind).await;
    }

    /// Stops this process's runs in `scope`; true if there was one.
    pub fn stop_local(&self, scope: Uuid, reason: Stop) -> bool {
        self.running.stop_scope(scope, reason)
    }

    /// Tells every process to stop the jobs of a cancelled scope (an execution, a run).
    pub async fn broadcast_cancel(&self, scope: Uuid) {
        self.stop_local(scope, Stop::Cancelled);
        if let Err(error) = self.ctx.bus.publish(CANCEL_TOPIC, &scope.to_string()).await {
            tracing::warn!(%error, %scope, "could not broadcast a cancellation; its lease check will stop it");
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
        let mut cancels = self.ctx.bus.subscribe(CANCEL_TOPIC);
        tokio::spawn(async move {
            loop {
                let payload = tokio::select! {
                    _ = shutdown.cancelled() => return,
                    payload = cancels.next() => payload,
                };
                let Some(payload) = payload else { return };
                if let Ok(scope) = Uuid::parse_str(&payload) {
                    self.stop_local(scope, Stop::Cancelled);
                }
            }
        })
    }

    async fn pool(self: Arc<Self>, shutdown: CancellationToken) {
        let settings = &self.ctx.settings;
        let permits = Arc::new(Semaphore::new(settings.concurrency.max(1)));
        let mut tasks = JoinSet::new();
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
                next = self.ctx.queue.next(&settings.worker_id, Duration::from_secs(1)) => next,
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
        let drained = tokio::time::timeout(settings.shutdown_grace, async {
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
                self.running.stop_all(Stop::Shutdown);
                tokio::select! {
                    next = tasks.join_next() => if next.is_none() { break },
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                }
            }
        }
    }

    /// Claims and runs one delivery, then acknowledges it. Public so tests can drive a worker
    /// one step at a time. The whole of it is one span: kind, job id, attempt, organization.
    pub async fn process(self: &Arc<Self>, delivery: Delivery) -> Processed {
        let span = tracing::info_span!(
            "job",
            otel.kind = "consumer",
            job.id = %delivery.job_id,
            job.kind = tracing::field::Empty,
            job.attempt = tracing::field::Empty,
            org.id = tracing::field::Empty,
        );
        // The trace of whatever wrote the job (read before the span starts: a started span
        // keeps its parent).
        if self.ctx.settings.traces
            && let Ok(Some(traceparent)) = jobs::traceparent(&self.ctx.db, delivery.job_id).await
        {
            crate::trace::continue_from(&span, &traceparent);
        }
        let processed = self
            .process_claimed(&delivery)
            .instrument(span.clone())
            .await;
        // A claim or a result the database did not take is not acknowledged: the delivery
        // comes again once idle past the lease (taken over, or put back in-process), not
        // after `republish_after`.
        let done = if matches!(processed, Processed::ClaimFailed | Processed::Unwritten) {
            self.ctx
                .queue
                .retry_later(&delivery, self.ctx.settings.lease)
        } else {
            self.ctx.queue.ack(&delivery)
        };
        if let Err(error) = done.instrument(span.clone()).await {
            tracing::warn!(parent: &span, %error, "could not acknowledge a delivery");
        }
        tracing::debug!(parent: &span, %processed, "delivery processed");
        processed
    }

    async fn process_claimed(self: &Arc<Self>, delivery: &Delivery) -> Processed {
        let (job, claimed) = match self.claim(delivery.job_id).await {
            Ok(claim::Step::Run(job, claimed)) => (job, claimed),
            Ok(claim::Step::Done(processed)) => return processed,
            // Left unacknowledged: delivered again once idle past the lease.
            Err(error) if crate::db_error::is_transient(&error) => {
                tracing::warn!(%error, "could not claim a job");
                return Processed::ClaimFailed;
            }
            Err(error) => {
                tracing::error!(%error, "could not claim a job");
                return Processed::ClaimError;
            }
        };
        let (stop_tx, stop_rx) = watch::channel(None);
        self.running
            .insert(job.id, claimed.scope(), stop_tx.clone());

        // Dropped however the run ends, a panic included: no heartbeat outlives its run.
        let _guard = RunGuard {
            running: &self.running,
            job: job.id,
            stop: stop_tx.clone(),
            heartbeat: self
                .clone()
                .heartbeat(job.id, job.attempt, delivery.clone(), stop_tx),
        };
        // A cancellation broadcast between the claim's commit and the registration above
        // reached no one: look at the row once more, now that later broadcasts reach the run.
        match jobs::held(&self.ctx.db, job.id, job.attempt).await {
            Ok(false) => {
                let kind = self.registry.label(&job.kind);
                crate::metrics::job_finished(kind, Processed::Cancelled, None);
                return Processed::Cancelled;
            }
            Ok(true) => {}
            // The heartbeat will tell.
            Err(error) => tracing::warn!(%error, "could not re-check a claimed job"),
        }
        let began = Instant::now();
        let processed = claimed.run(&self.ctx, &job, StopSignal::new(stop_rx)).await;
        crate::metrics::job_finished(
            self.registry.label(&job.kind),
            processed,
            Some(began.elapsed()),
        );
        processed
    }

    /// Extends the lease every third of it; stops the run when the lease was lost.
    fn heartbeat(
        self: Arc<Self>,
        job_id: Uuid,
        attempt: i32,
        delivery: Delivery,
        stop: watch::Sender<Option<Stop>>,
    ) -> tokio::task::JoinHandle<()> {
        let span = tracing::Span::current();
        tokio::spawn(
            async move {
                let settings = &self.ctx.settings;
                let lease = chrono_duration(settings.lease);
                let every = settings.lease / 3;
                // The lease as last confirmed by the database (the claim set it a moment ago).
                let mut held_until = Instant::now() + settings.lease;
                loop {
                    tokio::time::sleep(every).await;
                    match jobs::heartbeat(&self.ctx.db, job_id, attempt, lease).await {
                        Ok(true) => {
                            held_until = Instant::now() + settings.lease;
                            let _ = self.ctx.queue.touch(&settings.worker_id, &delivery).await;
                        }
                        Ok(false) => {
                            // Cancelled, or taken over after we stalled past the lease.
                            let _ = stop.send(Some(Stop::LeaseLost));
                            return;
                        }
                        // Unconfirmed past the lease, another worker may own the job: stop
                        // rather than run a second copy of it.
                        Err(error) if Instant::now() + every >= held_until => {
                            tracing::warn!(%error, "lease could not be extended; stopping the run");
                            let _ = stop.send(Some(Stop::LeaseLost));
                            return;
                        }
                        Err(error) => tracing::warn!(%error, "lease extension failed"),
                    }
                }
            }
            .instrument(span),
        )
    }
}

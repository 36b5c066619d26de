//! What a running job is given: the database, the event bus, the queue, the completion step,
//! the template renderer and the worker settings. Built once per process.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::completion::Completion;
use crate::events::EventBus;
use crate::jobs;
use crate::queue::JobQueue;
use crate::sandbox::Renderer;

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
    /// Traces are exported: a job's run continues the trace its row carries.
    pub traces: bool,
}

/// Cheap to clone: every part is shared.
#[derive(Clone)]
pub struct JobContext {
    pub db: DatabaseConnection,
    pub bus: EventBus,
    pub queue: Arc<dyn JobQueue>,
    pub completion: Arc<Completion>,
    pub renderer: Renderer,
    pub settings: WorkerSettings,
}

impl JobContext {
    /// Hands a committed job to the queue, in the lane of its organization `org` (the job
    /// row's `org_id`). The row was written as published with the job (`jobs::insert`,
    /// `rearm`, `release`): no write here unless the queue refuses it (Redis down) — then the
    /// mark is undone, so the reconciler publishes it as soon as the queue is back.
    pub async fn enqueue(&self, org: Uuid, job_id: Uuid) {
        self.publish(org, job_id).await;
    }

    /// [`Self::enqueue`] for a job row of `kind` just written PENDING (inserted or re-armed),
    /// counted in `promptops_jobs_enqueued_total` now that its transaction committed (a
    /// rolled-back write is never counted).
    pub async fn enqueue_written(&self, org: Uuid, job_id: Uuid, kind: &'static str) {
        crate::metrics::job_enqueued(kind, 1);
        self.publish(org, job_id).await;
    }

    async fn publish(&self, org: Uuid, job_id: Uuid) {
        if let Err(error) = self.queue.publish(org, job_id).await {
            tracing::warn!(%error, job = %job_id, "queue unavailable; the reconciler will publish the job");
            if let Err(error) = jobs::unmark_published(&self.db, job_id).await {
                tracing::warn!(%error, job = %job_id, "could not unmark a job's publish; the reconciler publishes it after republish_after");
            }
        }
    }
}

pub(crate) fn chrono_duration(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

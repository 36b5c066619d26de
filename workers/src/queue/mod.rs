//! The job queue: it only delivers job ids. Whether a job runs, and its result, are decided by
//! the job row (see `jobs`), so a message delivered twice, late or never is harmless: a second
//! delivery loses the claim, and the reconciler re-publishes what never arrived.
//!
//! Fair between tenants: every job is published into its organization's *lane*, and workers
//! take from the lanes that have work in rotation, one job per lane per turn. An organization
//! with a backlog of thousands gets one turn in each round like any other, so another's job
//! starts at the next free worker slot instead of behind the backlog.
//!
//! Two implementations behind `JobQueue`: Redis Streams, one stream per lane with a consumer
//! group each (`streams`: a message is acknowledged only after its result is written; one idle
//! past the lease is taken over with `XAUTOCLAIM`), and in-process lanes for the embedded mode
//! (`memory`).

mod lanes;
mod memory;
mod streams;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use lanes::Lanes;
pub use memory::MemoryQueue;
pub use streams::RedisQueue;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("the queue is closed")]
    Closed,
}

/// One delivery of a job id.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub job_id: Uuid,
    /// The lane it came from: the job's organization.
    pub lane: Uuid,
    /// The Redis stream entry id; empty in-process.
    pub entry: String,
}

#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Hands a job to some worker, in the lane of its organization `org`.
    async fn publish(&self, org: Uuid, job_id: Uuid) -> Result<(), QueueError>;
    /// The next delivery for `consumer`, from the next lane in rotation that has one, waiting
    /// at most `wait`.
    async fn next(&self, consumer: &str, wait: Duration) -> Result<Option<Delivery>, QueueError>;
    /// Done with the delivery: its result (or its loss of the claim) is written.
    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError>;
    /// Still working on it: keeps the delivery from being taken over as idle.
    async fn touch(&self, consumer: &str, delivery: &Delivery) -> Result<(), QueueError>;
    /// Not done with it (the database refused its claim or its result): delivered again once
    /// idle for `after` (the lease). Redis leaves the entry pending for a takeover; in-process
    /// it is queued again after `after`.
    async fn retry_later(&self, delivery: &Delivery, after: Duration) -> Result<(), QueueError>;
    /// Entries published before this instant are gone (Redis restarted empty): the reconciler
    /// publishes their jobs again at once. `None` when nothing was ever lost.
    async fn lost_before(&self) -> Result<Option<DateTime<Utc>>, QueueError>;
}

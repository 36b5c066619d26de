//! The job queue: it only delivers job ids. Whether a job runs, and its result, are decided by
//! the job row (see `jobs`), so a message delivered twice, late or never is harmless: a second
//! delivery loses the claim, and the reconciler re-publishes what never arrived.
//!
//! Two implementations behind `JobQueue`: Redis Streams with one consumer group (a message is
//! acknowledged only after its result is written; one idle past the lease is taken over with
//! `XAUTOCLAIM`), and an in-process channel for the embedded mode.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use redis::streams::{StreamAutoClaimReply, StreamReadReply};
use tokio::sync::{Mutex, mpsc};
use tracing::Instrument;
use uuid::Uuid;

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
    /// The Redis stream entry id; empty in-process.
    pub entry: String,
}

#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Hands a job to some worker.
    async fn publish(&self, job_id: Uuid) -> Result<(), QueueError>;
    /// The next delivery for `consumer`, waiting at most `wait`.
    async fn next(&self, consumer: &str, wait: Duration) -> Result<Option<Delivery>, QueueError>;
    /// Done with the delivery: its result (or its loss of the claim) is written.
    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError>;
    /// Still working on it: keeps the delivery from being taken over as idle.
    async fn touch(&self, consumer: &str, delivery: &Delivery) -> Result<(), QueueError>;
}

/// In-process: an unbounded channel shared by the process's workers.
pub struct MemoryQueue {
    tx: mpsc::UnboundedSender<Uuid>,
    rx: Mutex<mpsc::UnboundedReceiver<Uuid>>,
}

impl MemoryQueue {
    pub fn new() -> Arc<Self> {
        let (tx, rx) = mpsc::unbounded_channel();
        Arc::new(Self {
            tx,
            rx: Mutex::new(rx),
        })
    }
}

#[async_trait]
impl JobQueue for MemoryQueue {
    async fn publish(&self, job_id: Uuid) -> Result<(), QueueError> {
        self.tx.send(job_id).map_err(|_| QueueError::Closed)
    }

    async fn next(&self, _consumer: &str, wait: Duration) -> Result<Option<Delivery>, QueueError> {
        let received = tokio::time::timeout(wait, async { self.rx.lock().await.recv().await });
        match received.await {
            Err(_elapsed) => Ok(None),
            Ok(None) => Err(QueueError::Closed),
            Ok(Some(job_id)) => Ok(Some(Delivery {
                job_id,
                entry: String::new(),
            })),
        }
    }

    async fn ack(&self, _delivery: &Delivery) -> Result<(), QueueError> {
        Ok(())
    }

    async fn touch(&self, _consumer: &str, _delivery: &Delivery) -> Result<(), QueueError> {
        Ok(())
    }
}

/// Redis Streams: stream `<prefix>jobs`, consumer group `workers`.
pub struct RedisQueue {
    /// For short commands.
    conn: redis::aio::ConnectionManager,
    /// For the blocking read only: a blocked connection would hold up everything queued on it.
    blocking: Mutex<redis::aio::ConnectionManager>,
    stream: String,
    /// Entries idle this long are taken over from their (presumably dead) consumer.
    reclaim_idle: Duration,
    last_reclaim: Mutex<Option<Instant>>,
    /// Where the next `XAUTOCLAIM` scan resumes, so idle entries behind many busy ones are
    /// reached too.
    reclaim_cursor: Mutex<String>,
}

const GROUP: &str = "workers";
const BLOCK: Duration = Duration::from_millis(1000);

impl RedisQueue {
    pub async fn connect(
        client: &redis::Client,
        prefix: &str,
        reclaim_idle: Duration,
    ) -> Result<Arc<Self>, QueueError> {
        let conn = crate::redis_conn::manager(client).await?;
        let config =
            crate::redis_conn::config().set_response_timeout(Some(BLOCK + Duration::from_secs(5)));
        let blocking = client.get_connection_manager_with_config(config).await?;
        let queue = Self {
            conn,
            blocking: Mutex::new(blocking),
            stream: format!("{prefix}jobs"),
            reclaim_idle,
            last_reclaim: Mutex::new(None),
            reclaim_cursor: Mutex::new("0-0".to_owned()),
        };
        queue.ensure_group().await?;
        Ok(Arc::new(queue))
    }

    /// Creates the group from the start of the stream, so entries added before it (or after a
    /// Redis restart recreated the stream) are delivered too.
    async fn ensure_group(&self) -> Result<(), QueueError> {
        let mut conn = self.conn.clone();
        let created: Result<(), redis::RedisError> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.stream)
            .arg(GROUP)
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut conn)
            .await;
        match created {
            Err(error) if error.code() != Some("BUSYGROUP") => Err(error.into()),
            _ => Ok(()),
        }
    }

    /// At most once per second: take over one entry idle past the lease.
    async fn reclaim(&self, consumer: &str) -> Result<Option<Delivery>, QueueError> {
        {
            let mut last = self.last_reclaim.lock().await;
            if last.is_some_and(|at| at.elapsed() < Duration::from_secs(1)) {
                return Ok(None);
            }
            *last = Some(Instant::now());
        }
        let mut conn = self.conn.clone();
        let mut cursor = self.reclaim_cursor.lock().await;
        let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(&self.stream)
            .arg(GROUP)
            .arg(consumer)
            .arg(self.reclaim_idle.as_millis() as u64)
            .arg(cursor.as_str())
            .arg("COUNT")
            .arg(1)
            .query_async(&mut conn)
            .await?;
        *cursor = reply.next_stream_id.clone();
        Ok(reply.claimed.into_iter().find_map(|entry| delivery(&entry)))
    }
}

fn delivery(entry: &redis::streams::StreamId) -> Option<Delivery> {
    let job: String = entry.get("job")?;
    Some(Delivery {
        job_id: Uuid::parse_str(&job).ok()?,
        entry: entry.id.clone(),
    })
}

fn missing_group(error: &redis::RedisError) -> bool {
    error.code() == Some("NOGROUP")
}

#[async_trait]
impl JobQueue for RedisQueue {
    async fn publish(&self, job_id: Uuid) -> Result<(), QueueError> {
        let mut conn = self.conn.clone();
        let _: String = redis::cmd("XADD")
            .arg(&self.stream)
            .arg("*")
            .arg("job")
            .arg(job_id.to_string())
            .query_async(&mut conn)
            .instrument(crate::trace::redis("XADD"))
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(())
    }

    async fn next(&self, consumer: &str, wait: Duration) -> Result<Option<Delivery>, QueueError> {
        match self.reclaim(consumer).await {
            Ok(Some(delivery)) => return Ok(Some(delivery)),
            Ok(None) => {}
            Err(QueueError::Redis(error)) if missing_group(&error) => self.ensure_group().await?,
            Err(error) => return Err(error),
        }
        let mut conn = self.blocking.lock().await;
        let read: Result<Option<StreamReadReply>, redis::RedisError> = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg(GROUP)
            .arg(consumer)
            .arg("COUNT")
            .arg(1)
            .arg("BLOCK")
            .arg(wait.min(BLOCK).as_millis() as u64)
            .arg("STREAMS")
            .arg(&self.stream)
            .arg(">")
            .query_async(&mut *conn)
            .await;
        let reply = match read {
            Ok(reply) => reply,
            // Redis restarted empty: the group is gone with the stream.
            Err(error) if missing_group(&error) => {
                drop(conn);
                self.ensure_group().await?;
                return Ok(None);
            }
            Err(error) => {
                crate::metrics::redis_error();
                return Err(error.into());
            }
        };
        Ok(reply.and_then(|reply| {
            reply
                .keys
                .iter()
                .flat_map(|key| key.ids.iter())
                .find_map(delivery)
        }))
    }

    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        let mut conn = self.conn.clone();
        let _: () = redis::pipe()
            .cmd("XACK")
            .arg(&self.stream)
            .arg(GROUP)
            .arg(&delivery.entry)
            .ignore()
            .cmd("XDEL")
            .arg(&self.stream)
            .arg(&delivery.entry)
            .ignore()
            .query_async(&mut conn)
            .instrument(crate::trace::redis("XACK"))
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(())
    }

    async fn touch(&self, consumer: &str, delivery: &Delivery) -> Result<(), QueueError> {
        // XCLAIM to ourselves resets the entry's idle time.
        let mut conn = self.conn.clone();
        let _: redis::Value = redis::cmd("XCLAIM")
            .arg(&self.stream)
            .arg(GROUP)
            .arg(consumer)
            .arg(0)
            .arg(&delivery.entry)
            .arg("JUSTID")
            .query_async(&mut conn)
            .instrument(crate::trace::redis("XCLAIM"))
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_queue_delivers_each_job_once_and_times_out_when_empty() {
        let queue = MemoryQueue::new();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        queue.publish(a).await.unwrap();
        queue.publish(b).await.unwrap();
        let wait = Duration::from_millis(50);
        assert_eq!(queue.next("w", wait).await.unwrap().unwrap().job_id, a);
        assert_eq!(queue.next("w", wait).await.unwrap().unwrap().job_id, b);
        assert!(queue.next("w", wait).await.unwrap().is_none());
    }
}

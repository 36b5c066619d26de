//! The embedded mode's queue: [`Lanes`] in the process, shared by its workers. Nothing to
//! acknowledge or keep alive: a job lost with the process is in the database, and the
//! reconciler publishes it again at the next start. A delivery put back (`retry_later`) waits
//! its delay aside, then joins its lane's back.

use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::time::Instant;
use uuid::Uuid;

use super::{Delivery, JobQueue, Lanes, QueueError};

pub struct MemoryQueue {
    lanes: Mutex<Lanes>,
    /// Deliveries put back, with when they are due again.
    delayed: Mutex<Vec<(Instant, Uuid, Uuid)>>,
    /// One wake-up per publish for a waiting `next`.
    published: Notify,
}

impl MemoryQueue {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            lanes: Mutex::new(Lanes::default()),
            delayed: Mutex::new(Vec::new()),
            published: Notify::new(),
        })
    }

    /// Jobs published and not yet delivered.
    pub fn waiting(&self) -> usize {
        self.lanes().len()
    }

    /// Moves the due deliveries put back into their lanes; when the next one is due.
    fn release_due(&self) -> Option<Instant> {
        let now = Instant::now();
        let due: Vec<(Uuid, Uuid)> = {
            let mut delayed = self.delayed.lock().unwrap_or_else(PoisonError::into_inner);
            let (due, later): (Vec<_>, Vec<_>) = delayed.drain(..).partition(|d| d.0 <= now);
            *delayed = later;
            due.into_iter().map(|(_, lane, job)| (lane, job)).collect()
        };
        if !due.is_empty() {
            let mut lanes = self.lanes();
            for (lane, job) in due {
                lanes.push(lane, job);
            }
        }
        self.delayed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|d| d.0)
            .min()
    }

    fn lanes(&self) -> MutexGuard<'_, Lanes> {
        // The lanes are consistent after every call that returns: a panic elsewhere while
        // the lock was held leaves nothing half-done.
        self.lanes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl JobQueue for MemoryQueue {
    async fn publish(&self, org: Uuid, job_id: Uuid) -> Result<(), QueueError> {
        self.lanes().push(org, job_id);
        self.published.notify_one();
        Ok(())
    }

    async fn next(&self, _consumer: &str, wait: Duration) -> Result<Option<Delivery>, QueueError> {
        let deadline = Instant::now() + wait;
        loop {
            // Registered before looking, so a publish right after the look still wakes us.
            let mut published = pin!(self.published.notified());
            published.as_mut().enable();
            let next_due = self.release_due();
            if let Some((lane, job_id)) = self.lanes().pop() {
                return Ok(Some(Delivery {
                    job_id,
                    lane,
                    entry: String::new(),
                }));
            }
            let until = next_due.map_or(deadline, |due| due.min(deadline));
            if tokio::time::timeout_at(until, published).await.is_err() && until == deadline {
                return Ok(None);
            }
        }
    }

    async fn ack(&self, _delivery: &Delivery) -> Result<(), QueueError> {
        Ok(())
    }

    async fn touch(&self, _consumer: &str, _delivery: &Delivery) -> Result<(), QueueError> {
        Ok(())
    }

    async fn retry_later(&self, delivery: &Delivery, after: Duration) -> Result<(), QueueError> {
        self.delayed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((Instant::now() + after, delivery.lane, delivery.job_id));
        Ok(())
    }

    /// The queue lives as long as its process, whose start the reconciler covers.
    async fn lost_before(&self) -> Result<Option<DateTime<Utc>>, QueueError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_queue_delivers_each_job_once_and_times_out_when_empty() {
        let queue = MemoryQueue::new();
        let org = Uuid::new_v4();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        queue.publish(org, a).await.unwrap();
        queue.publish(org, b).await.unwrap();
        let wait = Duration::from_millis(50);
        assert_eq!(queue.next("w", wait).await.unwrap().unwrap().job_id, a);
        assert_eq!(queue.next("w", wait).await.unwrap().unwrap().job_id, b);
        assert!(queue.next("w", wait).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_delivery_put_back_comes_again_after_its_delay() {
        let queue = MemoryQueue::new();
        let (org, job) = (Uuid::new_v4(), Uuid::new_v4());
        queue.publish(org, job).await.unwrap();
        let delivery = queue.next("w", Duration::ZERO).await.unwrap().unwrap();
        queue
            .retry_later(&delivery, Duration::from_millis(200))
            .await
            .unwrap();
        let began = Instant::now();
        assert!(
            queue
                .next("w", Duration::from_millis(50))
                .await
                .unwrap()
                .is_none()
        );
        let again = queue.next("w", Duration::from_secs(5)).await.unwrap();
        assert_eq!(again.map(|d| d.job_id), Some(job));
        assert!(began.elapsed() >= Duration::from_millis(150));
        assert!(began.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn another_organization_is_served_before_a_backlog() {
        let queue = MemoryQueue::new();
        let (big, small) = (Uuid::new_v4(), Uuid::new_v4());
        for _ in 0..5000 {
            queue.publish(big, Uuid::new_v4()).await.unwrap();
        }
        let late = Uuid::new_v4();
        queue.publish(small, late).await.unwrap();
        let wait = Duration::from_millis(50);
        let first = queue.next("w", wait).await.unwrap().unwrap();
        let second = queue.next("w", wait).await.unwrap().unwrap();
        assert_eq!(first.lane, big);
        assert_eq!((second.lane, second.job_id), (small, late));
        assert_eq!(queue.waiting(), 4999);
    }

    #[tokio::test]
    async fn a_waiting_consumer_wakes_for_a_publish() {
        let queue = MemoryQueue::new();
        let waiter = tokio::spawn({
            let queue = queue.clone();
            async move { queue.next("w", Duration::from_secs(30)).await }
        });
        tokio::task::yield_now().await;
        let (org, job) = (Uuid::new_v4(), Uuid::new_v4());
        queue.publish(org, job).await.unwrap();
        let delivery = tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("woken by the publish")
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!((delivery.lane, delivery.job_id), (org, job));
    }
}

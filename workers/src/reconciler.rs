//! The reconciler: the queue only delivers, so whatever it lost or never got — a job published
//! while Redis was down, an entry gone with a Redis restart, a dead worker's lease — is found
//! in the job rows and published again. Every process runs it; a conditional update makes one
//! of them publish each job. It knows no kind of job: it works on job rows only.
//!
//! When: a job never published or not in `republish_after` (it may wait behind a backlog, so
//! not sooner); a RUNNING job whose lease ran out and that was not published since (its
//! worker died, or could not write its claim or end): at once; and every job published into a
//! queue that has since lost it (Redis restarted empty, see `JobQueue::lost_before`): at once.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::engine::chrono_duration;
use crate::jobs;
use crate::runtime::Runtime;

impl Runtime {
    /// Re-publishes jobs the queue may have lost, every `reconcile_every`, until `shutdown`.
    pub fn start_reconciler(
        self: &Arc<Self>,
        shutdown: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let rt = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(rt.ctx.settings.reconcile_every);
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tick.tick() => {}
                }
                if let Err(error) = rt.reconcile_once().await {
                    tracing::warn!(%error, "reconciler pass failed");
                }
            }
        })
    }

    /// One reconciler pass; returns how many jobs it re-published.
    pub async fn reconcile_once(&self) -> Result<usize, sea_orm::DbErr> {
        let (db, queue) = (&self.ctx.db, &self.ctx.queue);
        let republish_after = chrono_duration(self.ctx.settings.republish_after);
        // Publishes older than the queue itself (Redis restarted empty) were lost: at once.
        let lost_before = match queue.lost_before().await {
            Ok(lost_before) => lost_before,
            Err(error) => {
                tracing::debug!(%error, "queue unavailable; republishing after the usual delay");
                None
            }
        };
        let cutoff = |now: chrono::DateTime<chrono::Utc>| {
            (now - republish_after).max(lost_before.unwrap_or(chrono::DateTime::UNIX_EPOCH))
        };
        let stranded = jobs::stranded(db, cutoff(chrono::Utc::now()), 500).await?;
        let mut published = 0;
        for job in stranded {
            // Every process reconciles: only the one that takes the job publishes it.
            if !jobs::take_for_republish(db, job.id, cutoff(chrono::Utc::now())).await? {
                continue;
            }
            if queue.publish(job.org_id, job.id).await.is_err() {
                // The queue is down: try again next pass.
                jobs::unmark_published(db, job.id).await?;
                break;
            }
            published += 1;
        }
        if published > 0 {
            tracing::info!(published, "reconciler re-published stranded jobs");
        }
        self.registry.tick(&self.ctx).await;
        Ok(published)
    }
}

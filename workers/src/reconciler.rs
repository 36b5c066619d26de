//! The reconciler: the queue only delivers, so whatever it lost or never got — a job published
//! while Redis was down, an entry gone with a Redis restart, a dead worker's lease — is found
//! in the job rows and published again. Every process runs it; a conditional update makes one
//! of them publish each job. It knows no kind of job: it works on job rows only.

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
        let stranded = jobs::stranded(db, republish_after, 500).await?;
        let mut published = 0;
        for job in stranded {
            // Every process reconciles: only the one that takes the job publishes it.
            let cutoff = chrono::Utc::now() - republish_after;
            if !jobs::take_for_republish(db, job.id, cutoff).await? {
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

//! The one finish path every kind's run ends through: the job row, conditional on the attempt
//! still holding the job; then the kind's subject row, in the same transaction; commit; then
//! the kind's after-commit effects. A superseded attempt writes and publishes nothing.

use super::{Finish, JobContext, JobKind, Outcome, Processed, Stop};
use crate::jobs::{self, JobStatus};
use entities::job;

pub(crate) async fn finish<K: JobKind>(
    ctx: &JobContext,
    kind: &K,
    job: &job::Model,
    subject: &K::Subject,
    outcome: Outcome<K::Output>,
) -> Processed {
    let finish = match outcome {
        // The API wrote and announced the cancellation; another worker owns a lost lease.
        Outcome::Stopped(Stop::Cancelled) => return Processed::Cancelled,
        Outcome::Stopped(Stop::LeaseLost) => return Processed::LeaseLost,
        Outcome::Stopped(Stop::Shutdown) => Finish::Released,
        Outcome::Succeeded(output) => Finish::Succeeded(output),
        Outcome::Failed(error) => Finish::Failed(error),
    };
    let write = async {
        let txn = jobs::begin_write(&ctx.db).await?;
        let held = match &finish {
            Finish::Succeeded(_) => {
                jobs::finish(&txn, job.id, job.attempt, JobStatus::Succeeded, None).await?
            }
            Finish::Failed(error) => {
                jobs::finish(&txn, job.id, job.attempt, JobStatus::Failed, Some(error)).await?
            }
            Finish::Released => jobs::release(&txn, job.id, job.attempt).await?,
        };
        if !held {
            return Ok::<_, sea_orm::DbErr>(false);
        }
        kind.write(ctx, &txn, job, subject, &finish).await?;
        txn.commit().await?;
        Ok(true)
    };
    match write.await {
        Ok(true) => {
            if let Finish::Released = finish {
                ctx.enqueue(job.org_id, job.id).await;
            }
            kind.after_commit(ctx, job, subject, &finish).await;
            match finish {
                Finish::Succeeded(_) => Processed::Succeeded,
                Finish::Failed(_) => Processed::Failed,
                Finish::Released => Processed::Released,
            }
        }
        Ok(false) => Processed::Superseded,
        Err(error) => {
            // The lease runs out and the job is delivered again.
            tracing::error!(%error, "could not write the end of a job");
            Processed::Unwritten
        }
    }
}

//! The one finish path every kind's run ends through: the job row, conditional on the attempt
//! still holding the job; then the kind's subject row, in the same transaction; commit; then
//! the kind's after-commit effects. A superseded attempt writes and publishes nothing.

use std::time::{Duration, Instant};

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
    let write = write_end(ctx, kind, job, subject, &finish).await;
    match write {
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
            // Left unacknowledged: delivered again once its lease ran out.
            tracing::error!(%error, "could not write the end of a job");
            Processed::Unwritten
        }
    }
}

/// The finish transaction, retried while the database fails for a moment: the result is in
/// hand, and giving up would run the job (and call its provider) again. A retry that finds the
/// job no longer held looks whether an earlier try did commit (its reply was lost) before
/// calling this attempt superseded. Gives up after a lease's time (by then another worker
/// may have the job).
async fn write_end<K: JobKind>(
    ctx: &JobContext,
    kind: &K,
    job: &job::Model,
    subject: &K::Subject,
    finish: &Finish<K::Output>,
) -> Result<bool, sea_orm::DbErr> {
    let deadline = Instant::now() + ctx.settings.lease;
    let mut pause = Duration::from_millis(100);
    let mut failed_once = false;
    loop {
        let error = match write_once(ctx, kind, job, subject, finish).await {
            Ok(true) => return Ok(true),
            Ok(false) if failed_once => return committed_before(ctx, job, finish).await,
            Ok(false) => return Ok(false),
            Err(error) => error,
        };
        if !crate::db_error::is_transient(&error) || Instant::now() + pause >= deadline {
            return Err(error);
        }
        tracing::warn!(%error, "could not write the end of a job; retrying");
        failed_once = true;
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

async fn write_once<K: JobKind>(
    ctx: &JobContext,
    kind: &K,
    job: &job::Model,
    subject: &K::Subject,
    finish: &Finish<K::Output>,
) -> Result<bool, sea_orm::DbErr> {
    let txn = jobs::begin_write(&ctx.db).await?;
    let held = match finish {
        Finish::Succeeded(_) => {
            jobs::finish(&txn, job.id, job.attempt, JobStatus::Succeeded, None).await?
        }
        Finish::Failed(error) => {
            jobs::finish(&txn, job.id, job.attempt, JobStatus::Failed, Some(error)).await?
        }
        Finish::Released => jobs::release(&txn, job.id, job.attempt).await?,
    };
    if !held {
        return Ok(false);
    }
    kind.write(ctx, &txn, job, subject, finish).await?;
    txn.commit().await?;
    Ok(true)
}

/// Whether an earlier try of this finish committed although its reply was an error.
async fn committed_before<O>(
    ctx: &JobContext,
    job: &job::Model,
    finish: &Finish<O>,
) -> Result<bool, sea_orm::DbErr> {
    let status = match finish {
        Finish::Succeeded(_) => JobStatus::Succeeded,
        Finish::Failed(_) => JobStatus::Failed,
        Finish::Released => JobStatus::Pending,
    };
    jobs::finished_as(&ctx.db, job.id, job.attempt, status).await
}

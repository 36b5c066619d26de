//! The claim step of a delivery, in one transaction: the job row's conditional claim, then
//! what the job's kind does on a claim (or on exhaustion). A job whose kind this process does
//! not know fails at once instead of lingering RUNNING.

use sea_orm::DbErr;
use uuid::Uuid;

use super::Runtime;
use crate::engine::{Claimed, Processed, chrono_duration};
use crate::jobs::{self, Claim, JobStatus};
use entities::job;

#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per delivery"
)]
pub(super) enum Step {
    /// Claimed and runnable.
    Run(job::Model, Box<dyn Claimed>),
    /// Nothing (more) to run.
    Done(Processed),
}

impl Runtime {
    pub(super) async fn claim(&self, job_id: Uuid) -> Result<Step, DbErr> {
        let lease = chrono_duration(self.ctx.settings.lease);
        let txn = jobs::begin_write(&self.ctx.db).await?;
        let claim = jobs::claim(&txn, job_id, &self.ctx.settings.worker_id, lease).await?;
        let step = match claim {
            Claim::Busy => Step::Done(Processed::Busy),
            Claim::Gone => Step::Done(Processed::Gone),
            Claim::Claimed(job) => {
                record(&job);
                match self.registry.get(&job.kind) {
                    None => {
                        let error = unknown_kind(&job, &self.registry.names());
                        jobs::finish(&txn, job.id, job.attempt, JobStatus::Failed, Some(&error))
                            .await?;
                        txn.commit().await?;
                        tracing::error!(kind = %job.kind, "{error}");
                        crate::metrics::job_finished(
                            crate::metrics::OTHER,
                            Processed::UnknownKind,
                            None,
                        );
                        return Ok(Step::Done(Processed::UnknownKind));
                    }
                    Some(kind) => match kind.claimed(&self.ctx, &txn, &job).await? {
                        Some(claimed) => Step::Run(job, claimed),
                        None => {
                            // Its subject is gone or finished (cancelled): close the job.
                            jobs::finish(&txn, job.id, job.attempt, JobStatus::Cancelled, None)
                                .await?;
                            Step::Done(Processed::Gone)
                        }
                    },
                }
            }
            Claim::Exhausted(job) => {
                record(&job);
                let label = self.registry.label(&job.kind);
                let Some(kind) = self.registry.get(&job.kind).cloned() else {
                    txn.commit().await?;
                    crate::metrics::job_finished(label, Processed::Dead, None);
                    tracing::error!(kind = %job.kind, "gave up a job of a kind this worker does not know");
                    return Ok(Step::Done(Processed::Dead));
                };
                kind.on_exhausted(&self.ctx, &txn, &job).await?;
                txn.commit().await?;
                crate::metrics::job_finished(label, Processed::Dead, None);
                kind.after_exhausted(&self.ctx, &job).await;
                return Ok(Step::Done(Processed::Dead));
            }
        };
        txn.commit().await?;
        if let Step::Run(job, _) = &step {
            crate::metrics::job_claimed(self.registry.label(&job.kind), job.attempt);
        }
        Ok(step)
    }
}

/// Fills the job span's fields once the row is known.
fn record(job: &job::Model) {
    let span = tracing::Span::current();
    crate::trace::rename(&span, format!("job {}", job.kind));
    span.record("job.kind", job.kind.as_str());
    span.record("job.attempt", job.attempt);
    span.record("org.id", tracing::field::display(job.org_id));
}

fn unknown_kind(job: &job::Model, known: &[&str]) -> String {
    format!(
        "unknown job kind `{}`: this worker runs only {}",
        job.kind,
        if known.is_empty() {
            "no kinds".to_owned()
        } else {
            known.join(", ")
        }
    )
}

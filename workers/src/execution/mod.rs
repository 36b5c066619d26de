//! The `execution` job kind: run one rendered prompt through the completion step, stream its
//! tokens as the execution's events, and write the result to the execution row — through the
//! engine's one finish path, so only while this attempt still holds the job.

pub mod events;
mod row;
mod run;

use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::completion::Completed;
use crate::engine::{Finish, JobContext, JobKind, Outcome, StopSignal};
use entities::job;
pub use run::Run;

/// The `kind` of execution jobs.
pub const KIND: &str = "execution";

pub const PENDING: &str = "PENDING";
pub const RUNNING: &str = "RUNNING";
pub const SUCCEEDED: &str = "SUCCEEDED";
pub const FAILED: &str = "FAILED";
pub const CANCELLED: &str = "CANCELLED";

/// Whether an execution status is final.
pub fn is_terminal(status: &str) -> bool {
    matches!(status, SUCCEEDED | FAILED | CANCELLED)
}

/// Registered in `crate::kinds::registry()`.
pub struct ExecutionKind;

#[async_trait::async_trait]
impl JobKind for ExecutionKind {
    type Subject = Run;
    type Output = Completed;

    fn name(&self) -> &'static str {
        KIND
    }

    async fn on_claimed(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<Option<Run>, DbErr> {
        Ok(row::start(txn, job).await?.map(Run::new))
    }

    /// An execution is its own run.
    fn cancel_scope(&self, _job: &job::Model, run: &Run) -> Uuid {
        run.execution.id
    }

    async fn run(
        &self,
        ctx: &JobContext,
        job: &job::Model,
        run: &mut Run,
        stop: &mut StopSignal,
    ) -> Outcome<Completed> {
        run.run(ctx, job, stop).await
    }

    async fn write(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
        run: &Run,
        finish: &Finish<Completed>,
    ) -> Result<(), DbErr> {
        row::finish(txn, job, run, finish).await
    }

    async fn after_commit(
        &self,
        ctx: &JobContext,
        _job: &job::Model,
        run: &Run,
        finish: &Finish<Completed>,
    ) {
        run.announce(&ctx.bus, finish).await;
    }

    async fn on_exhausted(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<(), DbErr> {
        row::give_up(txn, job).await
    }

    async fn after_exhausted(&self, ctx: &JobContext, job: &job::Model) {
        run::announce_given_up(ctx, job).await;
    }
}

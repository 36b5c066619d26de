//! The run engine's contract with the kinds of job: the [`JobKind`] trait a kind implements in
//! its own folder, the [`Registry`] that lists them, the [`JobContext`] a run is given, the
//! typed outcomes, and the one finish path every kind's result goes through. The runtime
//! (`crate::runtime`) drives jobs through this contract and knows no kind by name.

mod context;
mod finish;
mod outcome;
mod registry;
mod stop;

pub(crate) use context::chrono_duration;
pub use context::{JobContext, WorkerSettings};
pub use outcome::{Finish, Outcome, Processed};
pub(crate) use registry::Claimed;
pub use registry::Registry;
pub use stop::{Stop, StopSignal};

use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use entities::job;

/// A kind of background job. Each step is given the job row; the claim and the finish are
/// conditional on the job's attempt, so a kind never sees a stale or duplicate delivery.
///
/// The order for one delivery: [`on_claimed`](Self::on_claimed) in the claim transaction,
/// then [`run`](Self::run) under a lease, then — only while this attempt still holds the job —
/// [`write`](Self::write) in the finish transaction and [`after_commit`](Self::after_commit).
/// A delivery after the last attempt ran out instead calls
/// [`on_exhausted`](Self::on_exhausted) and [`after_exhausted`](Self::after_exhausted).
#[async_trait::async_trait]
pub trait JobKind: Send + Sync + 'static {
    /// What a claim hands to the run and the finish: the subject's row and any state the run
    /// keeps (an event sequence, a timer).
    type Subject: Send + Sync + 'static;
    /// What a successful run gives `write`.
    type Output: Send + Sync + 'static;

    /// The `kind` column of this kind's job rows.
    fn name(&self) -> &'static str;

    /// Inside the claim transaction: what a claim does to the subject (an execution turns
    /// RUNNING). `None` when there is nothing to do (the subject is gone or finished): the
    /// job is then closed as CANCELLED.
    async fn on_claimed(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<Option<Self::Subject>, DbErr>;

    /// The run this job belongs to: cancelling that id stops the job (an execution is its
    /// own run; a workflow node belongs to its workflow run).
    fn cancel_scope(&self, job: &job::Model, subject: &Self::Subject) -> Uuid;

    /// Does the work. Select long waits against `stop.stopped()`: a cancellation, a lost
    /// lease or a shutdown must end the run at once.
    async fn run(
        &self,
        ctx: &JobContext,
        job: &job::Model,
        subject: &mut Self::Subject,
        stop: &mut StopSignal,
    ) -> Outcome<Self::Output>;

    /// Inside the finish transaction, after the job row was written for this attempt: the
    /// subject's row.
    async fn write(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
        subject: &Self::Subject,
        finish: &Finish<Self::Output>,
    ) -> Result<(), DbErr>;

    /// After the finish committed: events, notices. Best effort (the rows are the truth).
    async fn after_commit(
        &self,
        ctx: &JobContext,
        job: &job::Model,
        subject: &Self::Subject,
        finish: &Finish<Self::Output>,
    );

    /// Inside the claim transaction that marked the job DEAD (its workers kept dying).
    async fn on_exhausted(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<(), DbErr>;

    /// After that transaction committed.
    async fn after_exhausted(&self, ctx: &JobContext, job: &job::Model);

    /// On every reconciler pass: the kind's timers (a workflow approval's deadline). Every
    /// process runs it, so what it changes must be conditional.
    async fn tick(&self, _ctx: &JobContext) {}
}

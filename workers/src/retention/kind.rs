//! The `retention_sweep` job kind: its subject is a `retention_sweeps` row; its timer (on
//! every reconciler pass, in every process) schedules each organization's sweep of the day.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{KIND, Retention, schedule, status, sweep};
use crate::engine::{Finish, JobContext, JobKind, Outcome, StopSignal};
use entities::{job, retention_sweep};

/// How often a process looks for organizations without the day's sweep (and at once when
/// the day changes): organizations created since are swept the same day.
const LOOK_EVERY: Duration = Duration::from_secs(600);

/// Registered in `crate::kinds::registry()`.
pub struct SweepKind {
    retention: Retention,
    /// When this process last scheduled, and for which day.
    last_look: Mutex<Option<(NaiveDate, Instant)>>,
}

impl SweepKind {
    pub fn new(retention: Retention) -> Self {
        Self {
            retention,
            last_look: Mutex::new(None),
        }
    }

    /// Schedules the day's sweeps that no process scheduled yet, and enqueues them.
    pub async fn schedule_today(&self, ctx: &JobContext) -> Result<usize, DbErr> {
        let now = Utc::now();
        let jobs = schedule::schedule_due(&ctx.db, now, ctx.settings.max_attempts).await?;
        for &(org, job) in &jobs {
            ctx.enqueue_written(org, job, super::KIND).await;
        }
        if !jobs.is_empty() {
            tracing::info!(count = jobs.len(), day = %now.date_naive(), "scheduled retention sweeps");
        }
        Ok(jobs.len())
    }

    /// Whether it is time to look again (and notes that we do).
    fn due(&self) -> bool {
        let today = Utc::now().date_naive();
        let mut last = self
            .last_look
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let due = match *last {
            Some((day, at)) => day != today || at.elapsed() >= LOOK_EVERY,
            None => true,
        };
        if due {
            *last = Some((today, Instant::now()));
        }
        due
    }
}

async fn set_status(
    txn: &DatabaseTransaction,
    id: Uuid,
    status: &str,
    error: Option<String>,
) -> Result<(), DbErr> {
    let finished = (status != status::PENDING).then(Utc::now);
    retention_sweep::Entity::update_many()
        .col_expr(retention_sweep::Column::Status, Expr::value(status))
        .col_expr(retention_sweep::Column::Error, Expr::value(error))
        .col_expr(retention_sweep::Column::FinishedAt, Expr::value(finished))
        .filter(retention_sweep::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl JobKind for SweepKind {
    type Subject = retention_sweep::Model;
    type Output = ();

    fn name(&self) -> &'static str {
        KIND
    }

    async fn on_claimed(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<Option<retention_sweep::Model>, DbErr> {
        let Some(sweep) = retention_sweep::Entity::find_by_id(job.subject_id)
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        if sweep.status == status::FINISHED {
            return Ok(None);
        }
        let started = sweep.started_at.unwrap_or_else(Utc::now);
        retention_sweep::Entity::update_many()
            .col_expr(
                retention_sweep::Column::Status,
                Expr::value(status::RUNNING),
            )
            .col_expr(retention_sweep::Column::StartedAt, Expr::value(started))
            .filter(retention_sweep::Column::Id.eq(sweep.id))
            .exec(txn)
            .await?;
        Ok(Some(retention_sweep::Model {
            status: status::RUNNING.to_owned(),
            started_at: Some(started),
            ..sweep
        }))
    }

    /// A sweep is its own run.
    fn cancel_scope(&self, _job: &job::Model, sweep: &retention_sweep::Model) -> Uuid {
        sweep.id
    }

    async fn run(
        &self,
        ctx: &JobContext,
        job: &job::Model,
        sweep: &mut retention_sweep::Model,
        stop: &mut StopSignal,
    ) -> Outcome<()> {
        sweep::run(ctx, &self.retention, job, sweep, stop).await
    }

    async fn write(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        _job: &job::Model,
        sweep: &retention_sweep::Model,
        finish: &Finish<()>,
    ) -> Result<(), DbErr> {
        match finish {
            Finish::Succeeded(()) => set_status(txn, sweep.id, status::FINISHED, None).await,
            Finish::Failed(error) => {
                set_status(txn, sweep.id, status::FAILED, Some(error.clone())).await
            }
            Finish::Released => set_status(txn, sweep.id, status::PENDING, None).await,
        }
    }

    async fn after_commit(
        &self,
        _ctx: &JobContext,
        _job: &job::Model,
        sweep: &retention_sweep::Model,
        finish: &Finish<()>,
    ) {
        if let Finish::Succeeded(()) = finish {
            tracing::info!(org = %sweep.org_id, day = %sweep.day, "retention sweep finished");
        }
    }

    async fn on_exhausted(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<(), DbErr> {
        set_status(txn, job.subject_id, status::FAILED, job.last_error.clone()).await
    }

    async fn after_exhausted(&self, _ctx: &JobContext, _job: &job::Model) {}

    async fn tick(&self, ctx: &JobContext) {
        if !self.retention.settings.schedule || !self.due() {
            return;
        }
        if let Err(error) = self.schedule_today(ctx).await {
            tracing::warn!(%error, "could not schedule the retention sweeps");
        }
    }
}

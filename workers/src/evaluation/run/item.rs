//! The `evaluation_item` job kind: one dataset item × one target of a run. Its claim turns the
//! result RUNNING (and the run RUNNING); its run runs the target and scores it
//! (`target::run`); its finish — conditional on the job's attempt, like every kind's — writes
//! the result once and moves the run on (`record::record`).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use tracing::Instrument;
use uuid::Uuid;

use super::KIND;
use super::config::RunConfig;
use super::events::{self, EvaluationRunEvent};
use super::record::{self, Written};
use super::status::*;
use super::stored;
use super::target::{self, ItemOutcome, Scored};
use crate::engine::{Finish, JobContext, JobKind, Outcome, StopSignal};
use entities::{dataset_item, evaluation_result, evaluation_run, job};

/// Registered in `crate::kinds::registry()`.
#[derive(Default)]
pub struct ItemKind {
    /// What an exhausted job's transaction did, for after its commit.
    exhausted: Mutex<HashMap<Uuid, Written>>,
}

/// A claimed item.
pub struct ItemRun {
    pub run: evaluation_run::Model,
    pub result: evaluation_result::Model,
    pub item: dataset_item::Model,
    pub config: RunConfig,
    /// The claim moved the run from PENDING to RUNNING.
    started_run: bool,
    /// What `write` did, for `after_commit`.
    written: Mutex<Option<Written>>,
}

#[async_trait::async_trait]
impl JobKind for ItemKind {
    type Subject = ItemRun;
    type Output = Scored;

    fn name(&self) -> &'static str {
        KIND
    }

    async fn on_claimed(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<Option<ItemRun>, DbErr> {
        let Some(result) = evaluation_result::Entity::find_by_id(job.subject_id)
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        if !result_is_open(&result.status) || result.job_id != Some(job.id) {
            return Ok(None);
        }
        let now = Utc::now();
        let started = evaluation_run::Entity::update_many()
            .col_expr(evaluation_run::Column::Status, Expr::value(RUNNING))
            .col_expr(evaluation_run::Column::StartedAt, Expr::value(now))
            .col_expr(evaluation_run::Column::UpdatedAt, Expr::value(now))
            .filter(evaluation_run::Column::Id.eq(result.run_id))
            .filter(evaluation_run::Column::Status.eq(PENDING))
            .exec(txn)
            .await?;
        if started.rows_affected == 0 && !record::lock(txn, result.run_id).await? {
            return Ok(None);
        }
        let Some(run) = evaluation_run::Entity::find_by_id(result.run_id)
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        if run_is_terminal(&run.status) {
            return Ok(None);
        }
        let Some(item) = dataset_item::Entity::find_by_id(result.item_id)
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        let config: RunConfig = serde_json::from_value(run.config.clone())
            .map_err(|error| DbErr::Custom(format!("evaluation run {}: {error}", run.id)))?;
        // A result whose workflow run is under way stays AWAITING.
        let status = if result.status == AWAITING {
            AWAITING
        } else {
            RUNNING
        };
        evaluation_result::Entity::update_many()
            .col_expr(evaluation_result::Column::Status, Expr::value(status))
            .col_expr(
                evaluation_result::Column::StartedAt,
                Expr::value(result.started_at.unwrap_or(now)),
            )
            .col_expr(evaluation_result::Column::UpdatedAt, Expr::value(now))
            .filter(evaluation_result::Column::Id.eq(result.id))
            .exec(txn)
            .await?;
        let started_run = started.rows_affected == 1;
        if started_run {
            // Published under the run's lock: before any result of the run.
            events::publish(
                &ctx.bus,
                run.id,
                &[EvaluationRunEvent::run_status(RUNNING, None)],
            )
            .await;
        }
        Ok(Some(ItemRun {
            run,
            result,
            item,
            config,
            started_run,
            written: Mutex::new(None),
        }))
    }

    /// An item belongs to its run: cancelling the run stops it.
    fn cancel_scope(&self, _job: &job::Model, subject: &ItemRun) -> Uuid {
        subject.run.id
    }

    async fn run(
        &self,
        ctx: &JobContext,
        job: &job::Model,
        subject: &mut ItemRun,
        stop: &mut StopSignal,
    ) -> Outcome<Scored> {
        let span = tracing::info_span!(
            "evaluation_item",
            otel.name = %format!("evaluation item {}", subject.result.ordinal),
            evaluation.run.id = %subject.run.id,
            evaluation.result.id = %subject.result.id,
            evaluation.item.id = %subject.result.item_id,
            evaluation.item.ordinal = subject.result.ordinal,
            evaluation.target.index = subject.result.target_index,
        );
        async {
            if subject.started_run {
                events::announce(&ctx.bus, subject.run.org_id, subject.run.id, RUNNING).await;
            }
            let outcome = target::run(ctx, job, subject, stop).await;
            stored::redacted(ctx, subject.run.org_id, outcome).await
        }
        .instrument(span)
        .await
    }

    async fn write(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
        subject: &ItemRun,
        finish: &Finish<Scored>,
    ) -> Result<(), DbErr> {
        let outcome = match finish {
            // A workflow run is under way, or the job was given back: the result stays open.
            Finish::Succeeded(Scored::Awaiting) | Finish::Released => return Ok(()),
            Finish::Succeeded(Scored::Done(outcome)) => outcome.as_ref().clone(),
            Finish::Failed(error) => ItemOutcome::error(error.clone()),
        };
        let written = record::record(
            txn,
            ctx,
            subject.run.id,
            subject.result.id,
            job.id,
            &outcome,
        )
        .await?;
        *subject
            .written
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = written;
        Ok(())
    }

    async fn after_commit(
        &self,
        ctx: &JobContext,
        _job: &job::Model,
        subject: &ItemRun,
        _finish: &Finish<Scored>,
    ) {
        let written = subject
            .written
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(written) = written {
            written.apply(ctx).await;
        }
    }

    /// The item's workers kept dying: it is an error, and the run goes on.
    async fn on_exhausted(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<(), DbErr> {
        let Some(result) = evaluation_result::Entity::find_by_id(job.subject_id)
            .one(txn)
            .await?
        else {
            return Ok(());
        };
        if let Some(workflow_run) = result.workflow_run_id
            && result.status == AWAITING
        {
            let running = entities::workflow_run::Entity::find_by_id(workflow_run)
                .one(txn)
                .await?
                .is_some_and(|run| !crate::workflow::run::status::run_is_terminal(&run.status));
            if running {
                // Its workflow run's end re-arms the job (with attempts of its own).
                return Ok(());
            }
        }
        let error = job
            .last_error
            .clone()
            .unwrap_or_else(|| "the workers running this item kept stopping".to_owned());
        let outcome = ItemOutcome::error(error);
        if let Some(written) =
            record::record(txn, ctx, result.run_id, result.id, job.id, &outcome).await?
        {
            self.exhausted
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(job.id, written);
        }
        Ok(())
    }

    async fn after_exhausted(&self, ctx: &JobContext, job: &job::Model) {
        let written = self
            .exhausted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&job.id);
        if let Some(written) = written {
            written.apply(ctx).await;
        }
    }
}

//! The API's changes to an evaluation run, each inside the caller's transaction: start (the run,
//! its result rows and its first jobs, all in batches) and cancel. The caller publishes the
//! returned events before committing and queues the jobs after.

use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

use super::KIND;
use super::config::RunConfig;
use super::events::EvaluationRunEvent;
use super::status::*;
use crate::jobs::{self, BATCH_ROWS};
use entities::{dataset_item, evaluation_result, evaluation_run, job};

/// Who started a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor {
    pub user: Option<Uuid>,
    pub api_key: Option<Uuid>,
}

/// A run to start: `items` are the dataset's items at `dataset_version`, in order.
pub struct NewRun {
    pub org: Uuid,
    pub dataset_id: Uuid,
    pub dataset_version: i32,
    pub name: String,
    pub config: RunConfig,
    pub items: Vec<dataset_item::Model>,
    pub by: Actor,
}

/// Writes the run (PENDING; FINISHED at once when there is nothing to evaluate), one result
/// per item × target, and jobs for the first `concurrency` results. Returns the run, its first
/// event and the jobs to queue after the commit.
pub async fn start(
    txn: &DatabaseTransaction,
    max_attempts: i32,
    new: NewRun,
) -> Result<(evaluation_run::Model, EvaluationRunEvent, Vec<Uuid>), DbErr> {
    let now = Utc::now();
    let targets = new.config.targets.len();
    let total = new.items.len().saturating_mul(targets);
    let status = if total == 0 { FINISHED } else { PENDING };
    let concurrency = usize::try_from(new.config.concurrency.max(1)).unwrap_or(1);
    let config = serde_json::to_value(&new.config)
        .map_err(|error| DbErr::Custom(format!("encoding the run's config: {error}")))?;
    let run = evaluation_run::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(new.org),
        dataset_id: Set(new.dataset_id),
        dataset_version: Set(new.dataset_version),
        name: Set(new.name),
        status: Set(status.to_owned()),
        config: Set(config),
        total: Set(i32::try_from(total).unwrap_or(i32::MAX)),
        completed: Set(0),
        passed: Set(0),
        failed: Set(0),
        errored: Set(0),
        tokens_in: Set(0),
        tokens_out: Set(0),
        cost_usd: Set(0.0),
        error: Set(None),
        created_by: Set(new.by.user),
        created_by_api_key: Set(new.by.api_key),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set((total == 0).then_some(now)),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let mut first_jobs = Vec::new();
    let mut rows = Vec::with_capacity(total);
    for item in &new.items {
        for target in 0..targets {
            let id = Uuid::now_v7();
            let job = (rows.len() < concurrency).then(Uuid::now_v7);
            if let Some(job) = job {
                first_jobs.push((job, id));
            }
            rows.push(evaluation_result::ActiveModel {
                id: Set(id),
                run_id: Set(run.id),
                org_id: Set(run.org_id),
                item_id: Set(item.id),
                item_key: Set(item.item_key),
                ordinal: Set(item.ordinal),
                target_index: Set(i32::try_from(target).unwrap_or(i32::MAX)),
                status: Set(PENDING.to_owned()),
                job_id: Set(job),
                workflow_run_id: Set(None),
                output: Set(None),
                verdicts: Set(None),
                score: Set(None),
                passed: Set(None),
                latency_ms: Set(None),
                tokens_in: Set(0),
                tokens_out: Set(0),
                cost_usd: Set(0.0),
                error: Set(None),
                started_at: Set(None),
                finished_at: Set(None),
                updated_at: Set(now),
            });
        }
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(BATCH_ROWS));
        evaluation_result::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec(txn)
            .await?;
    }
    jobs::insert_batch(txn, run.org_id, KIND, &first_jobs, max_attempts).await?;
    let event = EvaluationRunEvent::run_status(status, None);
    Ok((
        run,
        event,
        first_jobs.into_iter().map(|(job, _)| job).collect(),
    ))
}

/// What a cancellation did.
#[derive(Debug)]
pub struct Cancelled {
    pub run: evaluation_run::Model,
    pub event: EvaluationRunEvent,
    /// The workflow runs of the run's open workflow results: cancel them after the commit.
    pub workflow_runs: Vec<Uuid>,
}

/// Cancels a run that has not ended: it and its open results turn CANCELLED. `None` when it had
/// already ended. After the commit, the caller broadcasts the run's id on the cancel topic (so
/// running item jobs stop), closes its jobs ([`close_cancelled_jobs`]) and cancels the
/// workflow runs — outside this transaction, since a finishing job locks its job row before the
/// run's.
pub async fn cancel(txn: &DatabaseTransaction, run: Uuid) -> Result<Option<Cancelled>, DbErr> {
    let now = Utc::now();
    let updated = evaluation_run::Entity::update_many()
        .col_expr(evaluation_run::Column::Status, Expr::value(CANCELLED))
        .col_expr(evaluation_run::Column::FinishedAt, Expr::value(now))
        .col_expr(evaluation_run::Column::UpdatedAt, Expr::value(now))
        .filter(evaluation_run::Column::Id.eq(run))
        .filter(evaluation_run::Column::Status.is_in([PENDING, RUNNING]))
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    let workflow_runs: Vec<Uuid> = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run))
        .filter(evaluation_result::Column::Status.is_in([RUNNING, AWAITING]))
        .filter(evaluation_result::Column::WorkflowRunId.is_not_null())
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|row| row.workflow_run_id)
        .collect();
    evaluation_result::Entity::update_many()
        .col_expr(evaluation_result::Column::Status, Expr::value(CANCELLED))
        .col_expr(evaluation_result::Column::FinishedAt, Expr::value(now))
        .col_expr(evaluation_result::Column::UpdatedAt, Expr::value(now))
        .filter(evaluation_result::Column::RunId.eq(run))
        .filter(evaluation_result::Column::Status.is_in([PENDING, RUNNING, AWAITING]))
        .exec(txn)
        .await?;
    let run = evaluation_run::Entity::find_by_id(run)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the run just cancelled".into()))?;
    Ok(Some(Cancelled {
        run,
        event: EvaluationRunEvent::run_status(CANCELLED, None),
        workflow_runs,
    }))
}

/// Closes the open jobs of a cancelled run's cancelled results (after the cancel committed).
pub async fn close_cancelled_jobs(conn: &impl ConnectionTrait, run: Uuid) -> Result<(), DbErr> {
    let cancelled = Query::select()
        .column(evaluation_result::Column::Id)
        .from(evaluation_result::Entity)
        .and_where(evaluation_result::Column::RunId.eq(run))
        .and_where(evaluation_result::Column::Status.eq(CANCELLED))
        .to_owned();
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(jobs::CANCELLED))
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(job::Column::Kind.eq(KIND))
        .filter(job::Column::Status.is_in([jobs::PENDING.as_str(), jobs::RUNNING.as_str()]))
        .filter(job::Column::SubjectId.in_subquery(cancelled))
        .exec(conn)
        .await?;
    Ok(())
}

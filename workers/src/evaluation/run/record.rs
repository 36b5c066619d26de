//! Writing an item's result, once: the run's lock first (as every writer of a run takes it),
//! the result conditional on still being open and this job's, the run's counters, the next
//! waiting result's job, and the run's end after its last result — one transaction, whose
//! events are published before it commits.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::KIND;
use super::events::{self, EvaluationRunEvent};
use super::status::*;
use super::target::ItemOutcome;
use crate::engine::JobContext;
use crate::jobs;
use entities::{evaluation_result, evaluation_run};

/// What a write did, for after its commit: the jobs to queue and the run's new status.
#[derive(Debug, Default)]
pub struct Written {
    pub run: Uuid,
    pub org: Uuid,
    pub jobs: Vec<Uuid>,
    pub status: Option<String>,
}

impl Written {
    /// After the commit: the next jobs queued and the run's status announced.
    pub async fn apply(self, ctx: &JobContext) {
        if let Some(status) = &self.status {
            events::announce(&ctx.bus, self.org, self.run, status).await;
        }
        for job in self.jobs {
            ctx.enqueue_written(self.org, job, KIND).await;
        }
    }
}

/// Takes the run's row lock (every writer of a run takes it first); false if it is gone.
pub(super) async fn lock(conn: &impl ConnectionTrait, run: Uuid) -> Result<bool, DbErr> {
    let touched = evaluation_run::Entity::update_many()
        .col_expr(evaluation_run::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(evaluation_run::Column::Id.eq(run))
        .exec(conn)
        .await?;
    Ok(touched.rows_affected == 1)
}

/// Writes `outcome` as the result `result` (held by `job`) of `run`; `None` when the result is
/// no longer open or no longer this job's (the run was cancelled meanwhile).
pub(super) async fn record(
    txn: &DatabaseTransaction,
    ctx: &JobContext,
    run: Uuid,
    result: Uuid,
    job: Uuid,
    outcome: &ItemOutcome,
) -> Result<Option<Written>, DbErr> {
    if !lock(txn, run).await? {
        return Ok(None);
    }
    let now = Utc::now();
    let status = outcome.status();
    let written = evaluation_result::Entity::update_many()
        .col_expr(evaluation_result::Column::Status, Expr::value(status))
        .col_expr(
            evaluation_result::Column::Output,
            Expr::value(outcome.output.clone()),
        )
        .col_expr(
            evaluation_result::Column::Verdicts,
            Expr::value(Some(outcome.verdicts_json())),
        )
        .col_expr(evaluation_result::Column::Score, Expr::value(outcome.score))
        .col_expr(
            evaluation_result::Column::Passed,
            Expr::value(Some(outcome.passed && outcome.error.is_none())),
        )
        .col_expr(
            evaluation_result::Column::LatencyMs,
            Expr::value(outcome.latency_ms),
        )
        .col_expr(
            evaluation_result::Column::TokensIn,
            Expr::value(outcome.tokens_in),
        )
        .col_expr(
            evaluation_result::Column::TokensOut,
            Expr::value(outcome.tokens_out),
        )
        .col_expr(
            evaluation_result::Column::CostUsd,
            Expr::value(outcome.cost_usd),
        )
        .col_expr(
            evaluation_result::Column::Error,
            Expr::value(outcome.error.clone()),
        )
        .col_expr(evaluation_result::Column::FinishedAt, Expr::value(now))
        .col_expr(evaluation_result::Column::UpdatedAt, Expr::value(now))
        .filter(evaluation_result::Column::Id.eq(result))
        .filter(evaluation_result::Column::JobId.eq(job))
        .filter(evaluation_result::Column::Status.is_in([PENDING, RUNNING, AWAITING]))
        .exec(txn)
        .await?;
    if written.rows_affected == 0 {
        return Ok(None);
    }
    let (passed, failed, errored) = match (status, outcome.passed) {
        (ERROR, _) => (0, 0, 1),
        (_, true) => (1, 0, 0),
        (_, false) => (0, 1, 0),
    };
    let col = |c: evaluation_run::Column| Expr::col(c);
    evaluation_run::Entity::update_many()
        .col_expr(
            evaluation_run::Column::Completed,
            col(evaluation_run::Column::Completed).add(1),
        )
        .col_expr(
            evaluation_run::Column::Passed,
            col(evaluation_run::Column::Passed).add(passed),
        )
        .col_expr(
            evaluation_run::Column::Failed,
            col(evaluation_run::Column::Failed).add(failed),
        )
        .col_expr(
            evaluation_run::Column::Errored,
            col(evaluation_run::Column::Errored).add(errored),
        )
        .col_expr(
            evaluation_run::Column::TokensIn,
            col(evaluation_run::Column::TokensIn).add(outcome.tokens_in),
        )
        .col_expr(
            evaluation_run::Column::TokensOut,
            col(evaluation_run::Column::TokensOut).add(outcome.tokens_out),
        )
        .col_expr(
            evaluation_run::Column::CostUsd,
            col(evaluation_run::Column::CostUsd).add(outcome.cost_usd),
        )
        .filter(evaluation_run::Column::Id.eq(run))
        .exec(txn)
        .await?;
    let row = evaluation_result::Entity::find_by_id(result)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the result just written".into()))?;
    if outcome.billable_tokens > 0 {
        // The organization's monthly tokens, once, with the result.
        let period = crate::usage::period(now);
        crate::usage::add(txn, row.org_id, period, 0, outcome.billable_tokens, None).await?;
    }
    let mut out = next(txn, ctx, run).await?;
    let mut published = vec![EvaluationRunEvent::item(&row)];
    published.append(&mut out.1);
    events::publish(&ctx.bus, run, &published).await;
    Ok(Some(out.0))
}

/// After a result: the next waiting result's job, or the run's end when none is open.
async fn next(
    txn: &DatabaseTransaction,
    ctx: &JobContext,
    run: Uuid,
) -> Result<(Written, Vec<EvaluationRunEvent>), DbErr> {
    let row = evaluation_run::Entity::find_by_id(run)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("evaluation run {run}")))?;
    let mut written = Written {
        run,
        org: row.org_id,
        ..Written::default()
    };
    let mut events = vec![EvaluationRunEvent::progress(&row)];
    if run_is_terminal(&row.status) {
        return Ok((written, events));
    }
    let waiting = evaluation_result::Entity::find()
        .select_only()
        .column(evaluation_result::Column::Id)
        .filter(evaluation_result::Column::RunId.eq(run))
        .filter(evaluation_result::Column::Status.eq(PENDING))
        .filter(evaluation_result::Column::JobId.is_null())
        .order_by_asc(evaluation_result::Column::Ordinal)
        .order_by_asc(evaluation_result::Column::TargetIndex)
        .limit(1)
        .into_tuple::<Uuid>()
        .one(txn)
        .await?;
    if let Some(result) = waiting {
        let job = Uuid::now_v7();
        jobs::insert_batch(
            txn,
            row.org_id,
            KIND,
            &[(job, result)],
            ctx.settings.max_attempts,
        )
        .await?;
        evaluation_result::Entity::update_many()
            .col_expr(evaluation_result::Column::JobId, Expr::value(Some(job)))
            .filter(evaluation_result::Column::Id.eq(result))
            .exec(txn)
            .await?;
        written.jobs.push(job);
    } else if row.completed >= row.total {
        let now = Utc::now();
        evaluation_run::Entity::update_many()
            .col_expr(evaluation_run::Column::Status, Expr::value(FINISHED))
            .col_expr(evaluation_run::Column::FinishedAt, Expr::value(now))
            .col_expr(evaluation_run::Column::UpdatedAt, Expr::value(now))
            .filter(evaluation_run::Column::Id.eq(run))
            .exec(txn)
            .await?;
        events.push(EvaluationRunEvent::run_status(FINISHED, None));
        written.status = Some(FINISHED.to_owned());
    }
    Ok((written, events))
}

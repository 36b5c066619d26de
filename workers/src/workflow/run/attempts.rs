//! The bookkeeping of a node's attempts: the run's lock taken first, the attempt's time limit,
//! the wait before a retry, and a retry counted only while the job is still held.

use std::time::Duration;

use chrono::Utc;
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::status::*;
use crate::engine::JobContext;
use crate::workflow::definition::Node;
use entities::{job, node_run, workflow_run};

/// Takes the run's row lock first: every writer of a run locks it before its nodes.
pub(super) async fn touch_run(txn: &DatabaseTransaction, run: Uuid) -> Result<(), DbErr> {
    workflow_run::Entity::update_many()
        .col_expr(workflow_run::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(workflow_run::Column::Id.eq(run))
        .exec(txn)
        .await?;
    Ok(())
}

/// The node's own timeout, cut short by the run's deadline.
pub(super) fn limit(spec: &Node, run: &workflow_run::Model) -> Option<Duration> {
    let own = spec
        .timeout_secs
        .map(|secs| Duration::from_secs(u64::from(secs)));
    let left = run
        .deadline
        .map(|deadline| (deadline - Utc::now()).to_std().unwrap_or(Duration::ZERO));
    match (own, left) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The wait before attempt `attempt + 1`: `base` doubled per attempt, ±25% jitter, at most a
/// minute.
pub(super) fn backoff(base_ms: u64, attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let ms = base_ms.saturating_mul(1 << exponent).min(60_000);
    let jitter = rand::rng().random_range(0.75..1.25);
    Duration::from_millis((ms as f64 * jitter) as u64)
}

/// Records the node's next attempt, only while this delivery still holds its job (a worker
/// that lost its lease writes nothing); false when it does not.
pub(super) async fn count_attempt(
    ctx: &JobContext,
    job: &job::Model,
    node: Uuid,
    attempt: i32,
) -> Result<bool, DbErr> {
    let txn = crate::jobs::begin_write(&ctx.db).await?;
    if !crate::jobs::held(&txn, job.id, job.attempt).await? {
        return Ok(false);
    }
    let counted = node_run::Entity::update_many()
        .col_expr(node_run::Column::Attempt, Expr::value(attempt))
        .col_expr(node_run::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(node_run::Column::Id.eq(node))
        .filter(node_run::Column::Status.eq(EXECUTING))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(counted.rows_affected == 1)
}

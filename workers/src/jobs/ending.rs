//! The end of an attempt: its outcome written (conditional on the attempt still holding the
//! job), the job given back at shutdown, and whether an attempt's end did commit.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::{JobStatus, PENDING, held_by};
use entities::job;

/// Writes the outcome of attempt `attempt`; false when that attempt no longer holds the job,
/// in which case the caller must write nothing else either (same transaction).
pub async fn finish(
    conn: &impl ConnectionTrait,
    job_id: Uuid,
    attempt: i32,
    status: JobStatus,
    error: Option<&str>,
) -> Result<bool, DbErr> {
    let updated = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status))
        .col_expr(
            job::Column::LastError,
            Expr::value(error.map(str::to_owned)),
        )
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(held_by(job_id, attempt))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Gives a job back unfinished (worker shutting down): PENDING again. The attempt keeps its
/// number, so the next run is attempt `attempt + 1` (its STARTED is told apart from this
/// one's), but it does not count against `max_attempts`: the limit grows by one. Written as
/// published, as [`super::insert`]: enqueue it once the transaction commits.
pub async fn release(
    conn: &impl ConnectionTrait,
    job_id: Uuid,
    attempt: i32,
) -> Result<bool, DbErr> {
    let updated = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(PENDING))
        .col_expr(
            job::Column::MaxAttempts,
            sea_orm::sea_query::ExprTrait::add(Expr::col(job::Column::MaxAttempts), 1),
        )
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::PublishedAt, Expr::value(Some(Utc::now())))
        .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(held_by(job_id, attempt))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Whether attempt `attempt` ended the job with `status` (a finish whose commit was reported
/// as failed may have committed all the same).
pub async fn finished_as(
    conn: &impl ConnectionTrait,
    job_id: Uuid,
    attempt: i32,
    status: JobStatus,
) -> Result<bool, DbErr> {
    Ok(job::Entity::find()
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::Attempt.eq(attempt))
        .filter(job::Column::Status.eq(status))
        .count(conn)
        .await?
        == 1)
}

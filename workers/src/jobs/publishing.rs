//! The job rows' side of publishing: the reconciler's search for jobs the queue may have
//! lost, its right to publish one again, and the record of a publish.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{PENDING, RUNNING};
use entities::job;

/// Takes the right to re-publish a stranded job: true for exactly one of several reconcilers
/// racing over it, and only while it is still unpublished since `cutoff`.
pub async fn take_for_republish(
    conn: &impl ConnectionTrait,
    job_id: Uuid,
    cutoff: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = job::Entity::update_many()
        .col_expr(job::Column::PublishedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job_id))
        .filter(
            Condition::any()
                .add(job::Column::PublishedAt.is_null())
                .add(job::Column::PublishedAt.lt(cutoff)),
        )
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Undoes `take_for_republish` when the queue refused the job, so the next pass tries again.
pub async fn unmark_published(conn: &impl ConnectionTrait, job_id: Uuid) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(
            job::Column::PublishedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(job::Column::Id.eq(job_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records that a job was handed to the queue.
pub async fn mark_published(conn: &impl ConnectionTrait, job_id: Uuid) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(job::Column::PublishedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Jobs the queue may have lost: PENDING (never claimed, or released) or RUNNING with an
/// expired lease, and not handed to the queue in the last `republish_after`. Oldest first.
pub async fn stranded(
    conn: &impl ConnectionTrait,
    republish_after: chrono::Duration,
    limit: u64,
) -> Result<Vec<job::Model>, DbErr> {
    let now = Utc::now();
    let stale = Condition::any().add(job::Column::Status.eq(PENDING)).add(
        Condition::all()
            .add(job::Column::Status.eq(RUNNING))
            .add(job::Column::LeaseUntil.lt(now)),
    );
    let unpublished = Condition::any()
        .add(job::Column::PublishedAt.is_null())
        .add(job::Column::PublishedAt.lt(now - republish_after));
    job::Entity::find()
        .filter(stale)
        .filter(unpublished)
        .order_by_asc(job::Column::CreatedAt)
        .limit(limit)
        .all(conn)
        .await
}

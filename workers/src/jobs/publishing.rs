//! The job rows' side of publishing: the reconciler's search for jobs the queue may have
//! lost, its right to publish one again, and the record of a publish.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{PENDING, RUNNING};
use entities::job;

/// Takes the right to re-publish a stranded job: true for exactly one of several reconcilers
/// racing over it, and only while it is still stranded as of `cutoff` (see [`stranded`]).
pub async fn take_for_republish(
    conn: &impl ConnectionTrait,
    job_id: Uuid,
    cutoff: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = job::Entity::update_many()
        .col_expr(job::Column::PublishedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job_id))
        .filter(unpublished(cutoff))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Not handed to the queue since `cutoff`, or — RUNNING — not since its lease ran out (its
/// worker died or could not write its end: a takeover is due at once).
fn unpublished(cutoff: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(job::Column::PublishedAt.is_null())
        .add(job::Column::PublishedAt.lt(cutoff))
        .add(
            Condition::all()
                .add(job::Column::Status.eq(RUNNING))
                .add(Expr::col(job::Column::PublishedAt).lt(Expr::col(job::Column::LeaseUntil))),
        )
}

/// Undoes the mark of a publish the queue refused (`take_for_republish`, or a job written as
/// published), so the next reconciler pass publishes it.
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

/// Jobs the queue may have lost: PENDING (never claimed, or released) or RUNNING with an
/// expired lease, and not handed to the queue since `cutoff` (`republish_after` ago, or the
/// queue's restart), or RUNNING and not since its lease ran out. Oldest first.
pub async fn stranded(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<job::Model>, DbErr> {
    let now = Utc::now();
    let stale = Condition::any().add(job::Column::Status.eq(PENDING)).add(
        Condition::all()
            .add(job::Column::Status.eq(RUNNING))
            .add(job::Column::LeaseUntil.lt(now)),
    );
    job::Entity::find()
        .filter(stale)
        .filter(unpublished(cutoff))
        .order_by_asc(job::Column::CreatedAt)
        .limit(limit)
        .all(conn)
        .await
}

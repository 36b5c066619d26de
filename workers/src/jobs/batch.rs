//! Job rows written many at a time: an evaluation run's first jobs in one statement per batch.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use super::PENDING;
use entities::job;

/// Writes PENDING jobs of one kind in one statement per `BATCH_ROWS`: `(job id, subject id)`
/// pairs, the ids chosen by the caller (who records them on the subjects). Written as
/// published, as [`super::insert`]: enqueue each once the transaction commits.
pub async fn insert_batch(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    kind: &str,
    jobs: &[(Uuid, Uuid)],
    max_attempts: i32,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let traceparent = crate::trace::current_traceparent();
    for chunk in jobs.chunks(BATCH_ROWS) {
        let rows = chunk.iter().map(|&(id, subject_id)| job::ActiveModel {
            id: Set(id),
            org_id: Set(org_id),
            kind: Set(kind.to_owned()),
            subject_id: Set(subject_id),
            status: Set(PENDING.as_str().to_owned()),
            attempt: Set(0),
            max_attempts: Set(max_attempts.max(1)),
            lease_until: Set(None),
            worker: Set(None),
            last_error: Set(None),
            published_at: Set(Some(now)),
            traceparent: Set(traceparent.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        });
        job::Entity::insert_many(rows).exec(conn).await?;
    }
    Ok(())
}

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits for
/// tables of up to ~60 columns.
pub const BATCH_ROWS: usize = 500;

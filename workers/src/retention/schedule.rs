//! Scheduling sweeps: one per organization and day. The sweep's id is derived from both, so
//! every process may schedule it and only the first insert counts; the job row is written in
//! the same transaction as the sweep row, only by the transaction that inserted it.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{KIND, status};
use crate::jobs;
use entities::{job, organization, retention_sweep};

/// The id of `org`'s sweep of `day`: the same in every process.
pub fn sweep_id(org: Uuid, day: NaiveDate) -> Uuid {
    let digest = Sha256::digest(format!("retention-sweep/{org}/{day}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Schedules `org`'s sweep of the day of `as_of`, which archives what is older than `as_of`
/// minus the retention period. Returns its new job, to be enqueued; `None` when that day's
/// sweep was scheduled already (here or by another process).
pub async fn schedule(
    db: &DatabaseConnection,
    org: Uuid,
    as_of: DateTime<Utc>,
    max_attempts: i32,
) -> Result<Option<Uuid>, DbErr> {
    let day = as_of.date_naive();
    let id = sweep_id(org, day);
    let now = Utc::now();
    let txn = jobs::begin_write(db).await?;
    let inserted = retention_sweep::Entity::insert(retention_sweep::ActiveModel {
        id: Set(id),
        org_id: Set(org),
        day: Set(day.to_string()),
        as_of: Set(as_of),
        status: Set(status::PENDING.to_owned()),
        archives: Set(0),
        rows_archived: Set(0),
        error: Set(None),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
    })
    .on_conflict(
        OnConflict::column(retention_sweep::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        return Ok(None);
    }
    let job = jobs::insert(&txn, org, KIND, id, max_attempts).await?;
    txn.commit().await?;
    Ok(Some(job.id))
}

/// Schedules the sweep of the day of `now` for every organization that has none yet;
/// returns the new jobs with their organizations, to be enqueued (each in its lane).
pub async fn schedule_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    max_attempts: i32,
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    let swept_today = Query::select()
        .column(retention_sweep::Column::OrgId)
        .from(retention_sweep::Entity)
        .and_where(retention_sweep::Column::Day.eq(now.date_naive().to_string()))
        .to_owned();
    let due: Vec<Uuid> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Id.not_in_subquery(swept_today))
        .into_tuple()
        .all(db)
        .await?;
    let mut scheduled = Vec::new();
    for org in due {
        if let Some(job) = schedule(db, org, now, max_attempts).await? {
            scheduled.push((org, job));
        }
    }
    Ok(scheduled)
}

/// Forgets `org`'s finished sweeps from before `before`, and their job rows.
pub(crate) async fn forget_old(
    conn: &impl ConnectionTrait,
    org: Uuid,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let old = Query::select()
        .column(retention_sweep::Column::Id)
        .from(retention_sweep::Entity)
        .and_where(retention_sweep::Column::OrgId.eq(org))
        .and_where(retention_sweep::Column::AsOf.lt(before))
        .and_where(retention_sweep::Column::Status.is_in([status::FINISHED, status::FAILED]))
        .to_owned();
    job::Entity::delete_many()
        .filter(job::Column::Kind.eq(KIND))
        .filter(job::Column::SubjectId.in_subquery(old))
        .exec(conn)
        .await?;
    Ok(retention_sweep::Entity::delete_many()
        .filter(retention_sweep::Column::OrgId.eq(org))
        .filter(retention_sweep::Column::AsOf.lt(before))
        .filter(retention_sweep::Column::Status.is_in([status::FINISHED, status::FAILED]))
        .exec(conn)
        .await?
        .rows_affected)
}

//! One sweep of one organization: table by table, batch by batch, read → file → manifest and
//! delete (see the module above for why in that order).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::tables::{self, Batch, Table};
use super::{Retention, counters, file, orgless, policy, schedule};
use crate::engine::{JobContext, Outcome, Stop, StopSignal};
use crate::jobs;
use entities::{archive, job, retention_sweep};

/// Batches in a row whose rows changed between reading and deleting them before the sweep
/// gives up (another sweep of the same organization is at work).
const MAX_RACES: u32 = 3;

#[derive(Debug, thiserror::Error)]
enum SweepError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error(transparent)]
    Store(#[from] super::StoreError),
    #[error("encoding an archive file: {0}")]
    Encode(String),
}

/// What one batch step did.
enum Step {
    /// Nothing (more) due in this table.
    Done,
    Archived,
    /// The rows changed under us (another sweep took some): nothing was recorded.
    Raced,
    /// This attempt no longer holds the job.
    LostJob,
}

/// Runs `sweep`: archives and deletes everything of its organization that is due as of its
/// `as_of`, counting on its row as it goes.
pub(crate) async fn run(
    ctx: &JobContext,
    retention: &Retention,
    job: &job::Model,
    sweep: &retention_sweep::Model,
    stop: &mut StopSignal,
) -> Outcome<()> {
    let policy = match policy::effective(&ctx.db, &retention.settings, sweep.org_id).await {
        Ok(policy) => policy,
        Err(error) => return failed(SweepError::Db(error)),
    };
    let cutoff = sweep.as_of - Duration::days(i64::from(policy.retention_days));
    let audit_cutoff = sweep.as_of - Duration::days(i64::from(policy.audit_retention_days));
    for table in Table::SWEEP_ORDER {
        let cutoff = if table == Table::AuditEvents {
            audit_cutoff
        } else {
            cutoff
        };
        let mut races = 0;
        loop {
            // Stopping between two writes is safe: a batch is all or nothing.
            let step = tokio::select! {
                reason = stop.stopped() => return Outcome::Stopped(reason),
                step = batch(ctx, retention, job, sweep, table, cutoff) => step,
            };
            match step {
                Ok(Step::Done) => break,
                Ok(Step::Archived) => races = 0,
                Ok(Step::Raced) => {
                    races += 1;
                    if races >= MAX_RACES {
                        return Outcome::Failed(format!(
                            "the {} to archive kept changing while this sweep ran; the next sweep continues",
                            table.as_str()
                        ));
                    }
                }
                Ok(Step::LostJob) => return Outcome::Stopped(Stop::LeaseLost),
                Err(error) => return failed(error),
            }
        }
    }
    match orgless::sweep(&ctx.db, &retention.settings, sweep.as_of).await {
        Ok(deleted) => counters::deleted("audit_events", deleted),
        Err(error) => tracing::warn!(%error, "could not delete old organization-less audit events"),
    }
    match schedule::forget_old(&ctx.db, sweep.org_id, cutoff).await {
        Ok(forgotten) => counters::deleted("retention_sweeps", forgotten),
        Err(error) => tracing::warn!(%error, "could not forget old retention sweeps"),
    }
    Outcome::Succeeded(())
}

fn failed(error: SweepError) -> Outcome<()> {
    tracing::error!(%error, "retention sweep failed");
    Outcome::Failed(error.to_string())
}

async fn batch(
    ctx: &JobContext,
    retention: &Retention,
    job: &job::Model,
    sweep: &retention_sweep::Model,
    table: Table,
    cutoff: DateTime<Utc>,
) -> Result<Step, SweepError> {
    let org = sweep.org_id;
    let limit = retention.settings.batch_rows.max(1);
    let Some(mut batch) = tables::select(&ctx.db, table, org, cutoff, limit).await? else {
        return Ok(Step::Done);
    };
    let jsonl = std::mem::take(&mut batch.jsonl);
    let encoded = tokio::task::spawn_blocking(move || file::encode(&jsonl))
        .await
        .map_err(|e| SweepError::Encode(e.to_string()))?
        .map_err(|e| SweepError::Encode(e.to_string()))?;
    let key = object_key(org, &batch);
    let bytes = encoded.bytes.len();
    retention.store.put(&key, encoded.bytes).await?;

    let txn = jobs::begin_write(&ctx.db).await?;
    if !jobs::hold(&txn, job.id, job.attempt).await? {
        return Ok(Step::LostJob);
    }
    let rows = batch.ids.len();
    let inserted = archive::Entity::insert(archive::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        kind: Set(table.as_str().to_owned()),
        sweep_id: Set(Some(sweep.id)),
        period_from: Set(batch.from),
        period_to: Set(batch.to),
        row_count: Set(i64::try_from(rows).unwrap_or(i64::MAX)),
        bytes: Set(i64::try_from(bytes).unwrap_or(i64::MAX)),
        object_key: Set(key),
        sha256: Set(encoded.sha256),
        created_at: Set(Utc::now().trunc_subsecs(6)),
        restored_until: Set(None),
        restored_by: Set(None),
    })
    .on_conflict(
        OnConflict::column(archive::Column::ObjectKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted != 1 {
        // The same rows were archived under this key by someone else meanwhile.
        return Ok(Step::Raced);
    }
    let deleted = tables::delete(&txn, org, &batch).await?;
    if deleted.rows != rows as u64 {
        // Some of the rows went meanwhile: roll back, read again.
        return Ok(Step::Raced);
    }
    retention_sweep::Entity::update_many()
        .col_expr(
            retention_sweep::Column::Archives,
            sea_orm::sea_query::ExprTrait::add(Expr::col(retention_sweep::Column::Archives), 1),
        )
        .col_expr(
            retention_sweep::Column::RowsArchived,
            sea_orm::sea_query::ExprTrait::add(
                Expr::col(retention_sweep::Column::RowsArchived),
                rows as i64,
            ),
        )
        .filter(retention_sweep::Column::Id.eq(sweep.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;

    counters::archived(table.as_str(), rows as u64, bytes as u64);
    counters::deleted(table.as_str(), deleted.rows);
    for (dependent, count) in deleted.dependents {
        counters::deleted(dependent, count);
    }
    tracing::debug!(table = table.as_str(), rows, bytes, "archived a batch");
    Ok(Step::Archived)
}

/// `<org>/<table>/<YYYY>/<MM>/<DD of the oldest row>/<digest of the ids>.jsonl.gz`: the same
/// rows always get the same key, so a batch written again after a crash replaces its file.
fn object_key(org: Uuid, batch: &Batch) -> String {
    let mut ids = String::with_capacity(batch.ids.len() * 37);
    for id in &batch.ids {
        ids.push_str(&id.to_string());
        ids.push('\n');
    }
    let digest = file::sha256_hex(ids.as_bytes());
    format!(
        "{org}/{}/{}/{}.jsonl.gz",
        batch.table.as_str(),
        batch.from.format("%Y/%m/%d"),
        &digest[..32]
    )
}

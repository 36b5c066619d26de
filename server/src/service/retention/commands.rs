//! The retention commands: set an organization's retention periods; restore an archive for
//! reading. Each is audited in its own transaction.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use super::archives;
use super::policies::{self, PolicyChange, PolicyView};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::service::{RequestContext, UnitOfWork, authorship};
use crate::state::App;
use entities::archive;

/// Sets `org`'s retention periods (owners).
#[instrument(skip_all, fields(org = %org))]
pub async fn update_policy(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    change: PolicyChange,
) -> AppResult<PolicyView> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let settings = &app.retention.settings;
    let updated = policies::set(&work.txn, &app.authz, settings, actor, org, change).await?;
    work.audit(
        Some(actor),
        AuditEntry::new(Some(org), "retention.update", "organization", org).summary(json!({
            "retentionDays": updated.policy.retention_days,
            "auditRetentionDays": updated.policy.audit_retention_days,
        })),
    )
    .await?;
    work.commit().await?;
    Ok(updated)
}

/// Brings an archive's file back for reading: fetched and checked against its manifest (a
/// missing or damaged file is CONFLICT), then readable through `archiveRecords` for the
/// configured hours.
#[instrument(skip_all, fields(archive = %id))]
pub async fn restore_archive(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<archive::Model> {
    // The store is read before the transaction: it may be slow.
    let found = archives::get(&app.db, &app.authz, actor, id).await?;
    archives::fetch(&app.retention.store, &found).await?;
    let until =
        authorship::now() + Duration::hours(i64::from(app.config.archive_restore_hours.max(1)));

    let mut work = UnitOfWork::begin(app, request).await?;
    let found = archives::get(&work.txn, &app.authz, actor, id).await?;
    archive::Entity::update_many()
        .col_expr(archive::Column::RestoredUntil, Expr::value(until))
        .col_expr(
            archive::Column::RestoredBy,
            Expr::value(authorship::user_of(actor)),
        )
        .filter(archive::Column::Id.eq(id))
        .exec(&work.txn)
        .await?;
    work.audit(
        Some(actor),
        AuditEntry::new(Some(found.org_id), "archive.restore", "archive", id).summary(json!({
            "kind": found.kind,
            "rows": found.row_count,
            "readableUntil": until,
        })),
    )
    .await?;
    let restored = archive::Entity::find_by_id(id)
        .one(&work.txn)
        .await?
        .ok_or(AppError::NotFound("archive"))?;
    work.commit().await?;
    debug_assert!(archives::readable(&restored, Utc::now()));
    Ok(restored)
}

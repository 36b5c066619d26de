//! Audit events of no organization (sign-ups, logins, failed logins): no organization's sweep
//! archives them, and the archive manifest belongs to an organization, so they are deleted
//! once past the deployment's default audit period — in batches, by every sweep (the first
//! one of the day finds them; the others find nothing).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::RetentionSettings;
use entities::audit_event;

/// Deletes the organization-less audit events older than `as_of` minus the default audit
/// period; how many went.
pub(crate) async fn sweep(
    conn: &impl ConnectionTrait,
    settings: &RetentionSettings,
    as_of: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let days = settings
        .default_audit_days
        .max(settings.default_days)
        .max(1);
    let cutoff = as_of - Duration::days(i64::from(days));
    let limit = settings.batch_rows.max(1);
    let mut deleted = 0;
    loop {
        let ids: Vec<Uuid> = audit_event::Entity::find()
            .select_only()
            .column(audit_event::Column::Id)
            .filter(audit_event::Column::OrgId.is_null())
            .filter(audit_event::Column::CreatedAt.lt(cutoff))
            .order_by_asc(audit_event::Column::CreatedAt)
            .limit(limit)
            .into_tuple()
            .all(conn)
            .await?;
        if ids.is_empty() {
            return Ok(deleted);
        }
        deleted += audit_event::Entity::delete_many()
            .filter(audit_event::Column::Id.is_in(ids))
            .filter(audit_event::Column::OrgId.is_null())
            .exec(conn)
            .await?
            .rows_affected;
    }
}

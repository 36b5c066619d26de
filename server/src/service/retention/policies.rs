//! Retention periods: read (any member) and set (owners: `retention:manage`), within the
//! configured bounds; audit events are kept at least as long as the rest.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;
use workers::retention::{self, Policy, RetentionSettings};

use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::authorship;
use entities::{retention_policy, retention_sweep};

/// An organization's retention as the API shows it.
pub struct PolicyView {
    pub org_id: Uuid,
    pub policy: Policy,
    pub min_days: i32,
    pub max_days: i32,
    /// The latest sweep scheduled for it.
    pub last_sweep: Option<retention_sweep::Model>,
}

/// A change of periods; what is absent stays.
#[derive(Debug, Default)]
pub struct PolicyChange {
    pub retention_days: Option<i32>,
    pub audit_retention_days: Option<i32>,
}

pub async fn read(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    settings: &RetentionSettings,
    actor: &Actor,
    org: Uuid,
) -> AppResult<PolicyView> {
    authz
        .require(actor, org, permissions::ORGANIZATION_READ)
        .await?;
    view(conn, settings, org).await
}

async fn view(
    conn: &impl ConnectionTrait,
    settings: &RetentionSettings,
    org: Uuid,
) -> AppResult<PolicyView> {
    let policy = retention::effective(conn, settings, org).await?;
    let last_sweep = retention_sweep::Entity::find()
        .filter(retention_sweep::Column::OrgId.eq(org))
        .order_by_desc(retention_sweep::Column::AsOf)
        .one(conn)
        .await?;
    let (min_days, max_days) = retention::bounds(settings);
    Ok(PolicyView {
        org_id: org,
        policy,
        min_days,
        max_days,
        last_sweep,
    })
}

/// Sets `org`'s periods (owners only).
pub(super) async fn set(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    settings: &RetentionSettings,
    actor: &Actor,
    org: Uuid,
    change: PolicyChange,
) -> AppResult<PolicyView> {
    authz
        .require(actor, org, permissions::RETENTION_MANAGE)
        .await?;
    let current = retention::effective(conn, settings, org).await?;
    let days = change.retention_days.unwrap_or(current.retention_days);
    let audit_days = change
        .audit_retention_days
        .unwrap_or(current.audit_retention_days);
    validate(settings, days, audit_days)?;
    retention_policy::Entity::insert(retention_policy::ActiveModel {
        org_id: Set(org),
        retention_days: Set(days),
        audit_retention_days: Set(audit_days),
        updated_by: Set(authorship::user_of(actor)),
        updated_at: Set(authorship::now()),
    })
    .on_conflict(
        OnConflict::column(retention_policy::Column::OrgId)
            .update_columns([
                retention_policy::Column::RetentionDays,
                retention_policy::Column::AuditRetentionDays,
                retention_policy::Column::UpdatedBy,
                retention_policy::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    view(conn, settings, org).await
}

fn validate(settings: &RetentionSettings, days: i32, audit_days: i32) -> AppResult<()> {
    let (min, max) = retention::bounds(settings);
    if !(min..=max).contains(&days) {
        return Err(AppError::validation(format!(
            "retentionDays must be between {min} and {max}"
        )));
    }
    if !(days..=max).contains(&audit_days) {
        return Err(AppError::validation(format!(
            "auditRetentionDays must be between retentionDays ({days}) and {max}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_stay_in_bounds_and_audit_is_kept_longest() {
        let settings = RetentionSettings {
            min_days: 7,
            max_days: 365,
            ..RetentionSettings::default()
        };
        assert!(validate(&settings, 30, 30).is_ok());
        assert!(validate(&settings, 30, 365).is_ok());
        assert!(validate(&settings, 6, 30).is_err());
        assert!(validate(&settings, 366, 366).is_err());
        assert!(validate(&settings, 30, 29).is_err());
        assert!(validate(&settings, 30, 366).is_err());
    }
}

//! An organization's retention periods: its own row, or the configured defaults.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use super::RetentionSettings;
use entities::retention_policy;

/// The periods a sweep of an organization applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub retention_days: i32,
    pub audit_retention_days: i32,
    /// Set by an owner (else the defaults).
    pub custom: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<Uuid>,
}

impl Policy {
    /// The defaults, kept within the configured bounds.
    pub fn default_for(settings: &RetentionSettings) -> Self {
        let (min, max) = bounds(settings);
        let retention_days = settings.default_days.clamp(min, max);
        Self {
            retention_days,
            audit_retention_days: settings.default_audit_days.clamp(retention_days, max),
            custom: false,
            updated_at: None,
            updated_by: None,
        }
    }
}

/// The (minimum, maximum) retention period, in days.
pub fn bounds(settings: &RetentionSettings) -> (i32, i32) {
    let min = settings.min_days.max(1);
    (min, settings.max_days.max(min))
}

/// `org`'s periods now.
pub async fn effective(
    conn: &impl ConnectionTrait,
    settings: &RetentionSettings,
    org: Uuid,
) -> Result<Policy, DbErr> {
    Ok(
        match retention_policy::Entity::find_by_id(org).one(conn).await? {
            Some(row) => Policy {
                retention_days: row.retention_days,
                audit_retention_days: row.audit_retention_days,
                custom: true,
                updated_at: Some(row.updated_at),
                updated_by: row.updated_by,
            },
            None => Policy::default_for(settings),
        },
    )
}

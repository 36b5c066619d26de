//! `retention_policies`: an organization's retention periods, once an owner changed the
//! defaults (no row: the configured defaults apply).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retention_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    /// Executions, workflow runs and evaluation runs older than this are archived.
    pub retention_days: i32,
    /// Audit events older than this are archived (at least `retention_days`).
    pub audit_retention_days: i32,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `organization_usage`: an organization's executions and tokens in one calendar month (UTC),
//! counted by the transactions that create an execution and write its result.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_usage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    /// The month: `year * 100 + month` (202611 for November 2026).
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: i32,
    pub executions: i64,
    pub tokens: i64,
    /// A soft quota's warning was recorded this month.
    pub executions_warned: bool,
    pub tokens_warned: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

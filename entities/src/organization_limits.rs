//! `organization_limits`: the limits an owner set for an organization. A `None` limit follows
//! the configured default; every value is kept within the configured ceilings when set.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_limits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    /// GraphQL requests per minute made in the organization (all callers together); 0 is
    /// unlimited.
    pub requests_per_minute: Option<i32>,
    /// GraphQL requests per minute of each of its API keys; 0 is unlimited.
    pub api_key_requests_per_minute: Option<i32>,
    /// Executions per calendar month (UTC); 0 is unlimited.
    pub monthly_executions: Option<i64>,
    /// Tokens (in + out) per calendar month (UTC); 0 is unlimited.
    pub monthly_tokens: Option<i64>,
    /// HARD (refused past the quota) or SOFT (allowed, warned once a month).
    pub executions_enforcement: String,
    pub tokens_enforcement: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

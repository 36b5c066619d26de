//! Per-organization limits and usage: `organization_limits` holds what an owner set (a NULL
//! limit follows the configured default), `organization_usage` counts each calendar month's
//! executions and tokens (one row per organization and month, updated in the transactions that
//! create an execution or write its result, so the counts are exact across processes).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OrganizationLimits::Table)
                .col(pk_uuid(OrganizationLimits::OrgId))
                .col(integer_null(OrganizationLimits::RequestsPerMinute))
                .col(integer_null(OrganizationLimits::ApiKeyRequestsPerMinute))
                .col(big_integer_null(OrganizationLimits::MonthlyExecutions))
                .col(big_integer_null(OrganizationLimits::MonthlyTokens))
                .col(string(OrganizationLimits::ExecutionsEnforcement))
                .col(string(OrganizationLimits::TokensEnforcement))
                .col(timestamp_with_time_zone(OrganizationLimits::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(OrganizationLimits::Table, OrganizationLimits::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OrganizationUsage::Table)
                .col(uuid(OrganizationUsage::OrgId))
                .col(integer(OrganizationUsage::Period))
                .col(big_integer(OrganizationUsage::Executions).default(0))
                .col(big_integer(OrganizationUsage::Tokens).default(0))
                .col(boolean(OrganizationUsage::ExecutionsWarned).default(false))
                .col(boolean(OrganizationUsage::TokensWarned).default(false))
                .primary_key(
                    Index::create()
                        .col(OrganizationUsage::OrgId)
                        .col(OrganizationUsage::Period),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(OrganizationUsage::Table, OrganizationUsage::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OrganizationUsage::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(OrganizationLimits::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OrganizationLimits {
    Table,
    OrgId,
    RequestsPerMinute,
    ApiKeyRequestsPerMinute,
    MonthlyExecutions,
    MonthlyTokens,
    ExecutionsEnforcement,
    TokensEnforcement,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrganizationUsage {
    Table,
    OrgId,
    Period,
    Executions,
    Tokens,
    ExecutionsWarned,
    TokensWarned,
}

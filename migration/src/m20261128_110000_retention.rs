//! Retention and archival: each organization's retention periods (a row only once an owner
//! changed the defaults), the daily retention sweeps (the subjects of `retention_sweep` jobs,
//! one per organization and day, their id derived from both so that duplicates collapse), and
//! the manifest of every archive file a sweep wrote.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::{Organizations, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RetentionPolicies::Table)
                .col(pk_uuid(RetentionPolicies::OrgId))
                .col(integer(RetentionPolicies::RetentionDays))
                .col(integer(RetentionPolicies::AuditRetentionDays))
                .col(uuid_null(RetentionPolicies::UpdatedBy))
                .col(timestamp_with_time_zone(RetentionPolicies::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RetentionPolicies::Table, RetentionPolicies::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RetentionSweeps::Table)
                .col(pk_uuid(RetentionSweeps::Id))
                .col(uuid(RetentionSweeps::OrgId))
                .col(string(RetentionSweeps::Day))
                .col(timestamp_with_time_zone(RetentionSweeps::AsOf))
                .col(string(RetentionSweeps::Status))
                .col(integer(RetentionSweeps::Archives))
                .col(big_integer(RetentionSweeps::RowsArchived))
                .col(text_null(RetentionSweeps::Error))
                .col(timestamp_with_time_zone(RetentionSweeps::CreatedAt))
                .col(timestamp_with_time_zone_null(RetentionSweeps::StartedAt))
                .col(timestamp_with_time_zone_null(RetentionSweeps::FinishedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RetentionSweeps::Table, RetentionSweeps::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // The scheduler's "organizations without today's sweep".
        unique_index(
            m,
            "ux_retention_sweeps_day_org",
            RetentionSweeps::Table,
            &[RetentionSweeps::Day, RetentionSweeps::OrgId],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Archives::Table)
                .col(pk_uuid(Archives::Id))
                .col(uuid(Archives::OrgId))
                .col(string(Archives::Kind))
                .col(uuid_null(Archives::SweepId))
                .col(timestamp_with_time_zone(Archives::PeriodFrom))
                .col(timestamp_with_time_zone(Archives::PeriodTo))
                .col(big_integer(Archives::RowCount))
                .col(big_integer(Archives::Bytes))
                .col(string(Archives::ObjectKey))
                .col(string(Archives::Sha256))
                .col(timestamp_with_time_zone(Archives::CreatedAt))
                .col(timestamp_with_time_zone_null(Archives::RestoredUntil))
                .col(uuid_null(Archives::RestoredBy))
                .foreign_key(
                    ForeignKey::create()
                        .from(Archives::Table, Archives::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A file is described once, however often its batch was written.
        unique_index(
            m,
            "ux_archives_object_key",
            Archives::Table,
            &[Archives::ObjectKey],
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_archives_org_created")
                .table(Archives::Table)
                .col(Archives::OrgId)
                .col(Archives::CreatedAt)
                .col(Archives::Id)
                .to_owned(),
        )
        .await?;

        // The sweep's scan for audit events past their period.
        m.create_index(
            Index::create()
                .name("ix_audit_events_org_created")
                .table(AuditEvents::Table)
                .col(AuditEvents::OrgId)
                .col(AuditEvents::CreatedAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_audit_events_org_created")
                .table(AuditEvents::Table)
                .to_owned(),
        )
        .await?;
        for table in [
            Archives::Table.into_iden(),
            RetentionSweeps::Table.into_iden(),
            RetentionPolicies::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum RetentionPolicies {
    Table,
    OrgId,
    RetentionDays,
    AuditRetentionDays,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum RetentionSweeps {
    Table,
    Id,
    OrgId,
    Day,
    AsOf,
    Status,
    Archives,
    RowsArchived,
    Error,
    CreatedAt,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden, Clone)]
enum Archives {
    Table,
    Id,
    OrgId,
    Kind,
    SweepId,
    PeriodFrom,
    PeriodTo,
    RowCount,
    Bytes,
    ObjectKey,
    Sha256,
    CreatedAt,
    RestoredUntil,
    RestoredBy,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    OrgId,
    CreatedAt,
}

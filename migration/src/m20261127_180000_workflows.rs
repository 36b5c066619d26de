//! Workflows, their immutable numbered versions (the definition as JSON, in the format of
//! `workers::workflow::definition`) and labels pointing at versions — the same shape as
//! prompts.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::{Organizations, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Workflows::Table)
                .col(pk_uuid(Workflows::Id))
                .col(uuid(Workflows::OrgId))
                .col(string(Workflows::Name))
                .col(string(Workflows::Slug))
                .col(text(Workflows::Description))
                .col(text(Workflows::SearchText))
                .col(uuid_null(Workflows::CreatedBy))
                .col(uuid_null(Workflows::CreatedByApiKey))
                .col(timestamp_with_time_zone(Workflows::CreatedAt))
                .col(timestamp_with_time_zone(Workflows::UpdatedAt))
                .col(timestamp_with_time_zone_null(Workflows::DeletedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Workflows::Table, Workflows::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // As for prompts: a slug is unique among the organization's live workflows.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_workflows_org_slug_live ON workflows (org_id, slug) \
                 WHERE deleted_at IS NULL",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("ix_workflows_org_updated")
                .table(Workflows::Table)
                .col(Workflows::OrgId)
                .col(Workflows::UpdatedAt)
                .col(Workflows::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkflowVersions::Table)
                .col(pk_uuid(WorkflowVersions::Id))
                .col(uuid(WorkflowVersions::WorkflowId))
                .col(uuid(WorkflowVersions::OrgId))
                .col(integer(WorkflowVersions::Version))
                .col(json(WorkflowVersions::Definition))
                .col(text(WorkflowVersions::CommitMessage))
                .col(uuid_null(WorkflowVersions::CreatedBy))
                .col(uuid_null(WorkflowVersions::CreatedByApiKey))
                .col(timestamp_with_time_zone(WorkflowVersions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(WorkflowVersions::Table, WorkflowVersions::WorkflowId)
                        .to(Workflows::Table, Workflows::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_workflow_versions_workflow_version",
            WorkflowVersions::Table,
            &[WorkflowVersions::WorkflowId, WorkflowVersions::Version],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkflowLabels::Table)
                .col(uuid(WorkflowLabels::WorkflowId))
                .col(string(WorkflowLabels::Name))
                .col(integer(WorkflowLabels::Version))
                .col(uuid_null(WorkflowLabels::UpdatedBy))
                .col(timestamp_with_time_zone(WorkflowLabels::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(WorkflowLabels::WorkflowId)
                        .col(WorkflowLabels::Name),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(WorkflowLabels::Table, WorkflowLabels::WorkflowId)
                        .to(Workflows::Table, Workflows::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WorkflowLabels::Table.into_iden(),
            WorkflowVersions::Table.into_iden(),
            Workflows::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Workflows {
    Table,
    Id,
    OrgId,
    Name,
    Slug,
    Description,
    SearchText,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden, Clone)]
pub(crate) enum WorkflowVersions {
    Table,
    Id,
    WorkflowId,
    OrgId,
    Version,
    Definition,
    CommitMessage,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WorkflowLabels {
    Table,
    WorkflowId,
    Name,
    Version,
    UpdatedBy,
    UpdatedAt,
}

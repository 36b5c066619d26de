//! Prompts, their tags, immutable versions and labels.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::{Organizations, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Prompts::Table)
                .col(pk_uuid(Prompts::Id))
                .col(uuid(Prompts::OrgId))
                .col(string(Prompts::Name))
                .col(string(Prompts::Slug))
                .col(text(Prompts::Description))
                .col(json(Prompts::Tags))
                .col(text(Prompts::SearchText))
                .col(uuid_null(Prompts::CreatedBy))
                .col(uuid_null(Prompts::CreatedByApiKey))
                .col(timestamp_with_time_zone(Prompts::CreatedAt))
                .col(timestamp_with_time_zone(Prompts::UpdatedAt))
                .col(timestamp_with_time_zone_null(Prompts::DeletedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Prompts::Table, Prompts::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A slug is unique among the organization's live prompts; a deleted prompt frees it.
        // Partial indexes have the same syntax on SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_prompts_org_slug_live ON prompts (org_id, slug) \
                 WHERE deleted_at IS NULL",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("ix_prompts_org_updated")
                .table(Prompts::Table)
                .col(Prompts::OrgId)
                .col(Prompts::UpdatedAt)
                .col(Prompts::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PromptTags::Table)
                .col(uuid(PromptTags::PromptId))
                .col(string(PromptTags::Tag))
                .col(uuid(PromptTags::OrgId))
                .primary_key(
                    Index::create()
                        .col(PromptTags::PromptId)
                        .col(PromptTags::Tag),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PromptTags::Table, PromptTags::PromptId)
                        .to(Prompts::Table, Prompts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_prompt_tags_org_tag")
                .table(PromptTags::Table)
                .col(PromptTags::OrgId)
                .col(PromptTags::Tag)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PromptVersions::Table)
                .col(pk_uuid(PromptVersions::Id))
                .col(uuid(PromptVersions::PromptId))
                .col(uuid(PromptVersions::OrgId))
                .col(integer(PromptVersions::Version))
                .col(json(PromptVersions::Messages))
                .col(json(PromptVersions::ModelConfig))
                .col(json(PromptVersions::Variables))
                .col(text(PromptVersions::CommitMessage))
                .col(uuid_null(PromptVersions::CreatedBy))
                .col(uuid_null(PromptVersions::CreatedByApiKey))
                .col(timestamp_with_time_zone(PromptVersions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PromptVersions::Table, PromptVersions::PromptId)
                        .to(Prompts::Table, Prompts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_prompt_versions_prompt_version",
            PromptVersions::Table,
            &[PromptVersions::PromptId, PromptVersions::Version],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PromptLabels::Table)
                .col(uuid(PromptLabels::PromptId))
                .col(string(PromptLabels::Name))
                .col(integer(PromptLabels::Version))
                .col(uuid_null(PromptLabels::UpdatedBy))
                .col(timestamp_with_time_zone(PromptLabels::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(PromptLabels::PromptId)
                        .col(PromptLabels::Name),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PromptLabels::Table, PromptLabels::PromptId)
                        .to(Prompts::Table, Prompts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PromptLabels::Table.into_iden(),
            PromptVersions::Table.into_iden(),
            PromptTags::Table.into_iden(),
            Prompts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Prompts {
    Table,
    Id,
    OrgId,
    Name,
    Slug,
    Description,
    Tags,
    SearchText,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum PromptTags {
    Table,
    PromptId,
    Tag,
    OrgId,
}

#[derive(DeriveIden, Clone)]
enum PromptVersions {
    Table,
    Id,
    PromptId,
    OrgId,
    Version,
    Messages,
    ModelConfig,
    Variables,
    CommitMessage,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PromptLabels {
    Table,
    PromptId,
    Name,
    Version,
    UpdatedBy,
    UpdatedAt,
}

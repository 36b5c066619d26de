//! Executions of prompt versions, the generic job rows that deliver them to workers, and the
//! organizations' encrypted provider credentials.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::{Organizations, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Executions::Table)
                .col(pk_uuid(Executions::Id))
                .col(uuid(Executions::OrgId))
                .col(uuid(Executions::PromptId))
                .col(uuid(Executions::PromptVersionId))
                .col(string(Executions::Status))
                .col(json(Executions::Variables))
                .col(json(Executions::RenderedMessages))
                .col(json(Executions::ModelConfig))
                .col(boolean(Executions::UseCache))
                .col(text_null(Executions::Output))
                .col(integer_null(Executions::TokensIn))
                .col(integer_null(Executions::TokensOut))
                .col(double_null(Executions::CostUsd))
                .col(big_integer_null(Executions::LatencyMs))
                .col(big_integer_null(Executions::TimeToFirstTokenMs))
                .col(boolean(Executions::Cached))
                .col(integer(Executions::Attempts))
                .col(text_null(Executions::Error))
                .col(uuid_null(Executions::CreatedBy))
                .col(uuid_null(Executions::CreatedByApiKey))
                .col(timestamp_with_time_zone(Executions::CreatedAt))
                .col(timestamp_with_time_zone_null(Executions::StartedAt))
                .col(timestamp_with_time_zone_null(Executions::FinishedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Executions::Table, Executions::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_executions_org_created")
                .table(Executions::Table)
                .col(Executions::OrgId)
                .col(Executions::CreatedAt)
                .col(Executions::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_executions_prompt_created")
                .table(Executions::Table)
                .col(Executions::PromptId)
                .col(Executions::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Jobs::Table)
                .col(pk_uuid(Jobs::Id))
                .col(uuid(Jobs::OrgId))
                .col(string(Jobs::Kind))
                .col(uuid(Jobs::SubjectId))
                .col(string(Jobs::Status))
                .col(integer(Jobs::Attempt))
                .col(integer(Jobs::MaxAttempts))
                .col(timestamp_with_time_zone_null(Jobs::LeaseUntil))
                .col(string_null(Jobs::Worker))
                .col(text_null(Jobs::LastError))
                .col(timestamp_with_time_zone_null(Jobs::PublishedAt))
                .col(timestamp_with_time_zone(Jobs::CreatedAt))
                .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // The reconciler's two scans: unclaimed jobs by publication time, running ones by lease.
        m.create_index(
            Index::create()
                .name("ix_jobs_status_published")
                .table(Jobs::Table)
                .col(Jobs::Status)
                .col(Jobs::PublishedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_jobs_status_lease")
                .table(Jobs::Table)
                .col(Jobs::Status)
                .col(Jobs::LeaseUntil)
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_jobs_kind_subject",
            Jobs::Table,
            &[Jobs::Kind, Jobs::SubjectId],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProviderCredentials::Table)
                .col(pk_uuid(ProviderCredentials::Id))
                .col(uuid(ProviderCredentials::OrgId))
                .col(string(ProviderCredentials::Provider))
                .col(text(ProviderCredentials::Ciphertext))
                .col(string(ProviderCredentials::KeyHint))
                .col(string_null(ProviderCredentials::BaseUrl))
                .col(uuid_null(ProviderCredentials::UpdatedBy))
                .col(timestamp_with_time_zone(ProviderCredentials::CreatedAt))
                .col(timestamp_with_time_zone(ProviderCredentials::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ProviderCredentials::Table, ProviderCredentials::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_provider_credentials_org_provider",
            ProviderCredentials::Table,
            &[ProviderCredentials::OrgId, ProviderCredentials::Provider],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProviderCredentials::Table.into_iden(),
            Jobs::Table.into_iden(),
            Executions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Executions {
    Table,
    Id,
    OrgId,
    PromptId,
    PromptVersionId,
    Status,
    Variables,
    RenderedMessages,
    ModelConfig,
    UseCache,
    Output,
    TokensIn,
    TokensOut,
    CostUsd,
    LatencyMs,
    TimeToFirstTokenMs,
    Cached,
    Attempts,
    Error,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden, Clone)]
enum Jobs {
    Table,
    Id,
    OrgId,
    Kind,
    SubjectId,
    Status,
    Attempt,
    MaxAttempts,
    LeaseUntil,
    Worker,
    LastError,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum ProviderCredentials {
    Table,
    Id,
    OrgId,
    Provider,
    Ciphertext,
    KeyHint,
    BaseUrl,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

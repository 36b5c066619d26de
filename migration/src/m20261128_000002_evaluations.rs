//! Evaluations: evaluators saved per organization by name, evaluation runs (a dataset version ×
//! targets × evaluators) and one result row per item × target. A result is the subject of an
//! `evaluation_item` job (its id on the row); a workflow target's result also names the
//! workflow run it started, and that run names the result back so that its end schedules the
//! scoring.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::{Organizations, unique_index};
use crate::m20261128_000001_datasets::{DatasetItems, Datasets};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Evaluators::Table)
                .col(pk_uuid(Evaluators::Id))
                .col(uuid(Evaluators::OrgId))
                .col(string(Evaluators::Name))
                .col(text(Evaluators::Description))
                .col(json(Evaluators::Spec))
                .col(uuid_null(Evaluators::CreatedBy))
                .col(uuid_null(Evaluators::CreatedByApiKey))
                .col(timestamp_with_time_zone(Evaluators::CreatedAt))
                .col(timestamp_with_time_zone(Evaluators::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Evaluators::Table, Evaluators::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_evaluators_org_name",
            Evaluators::Table,
            &[Evaluators::OrgId, Evaluators::Name],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EvaluationRuns::Table)
                .col(pk_uuid(EvaluationRuns::Id))
                .col(uuid(EvaluationRuns::OrgId))
                .col(uuid(EvaluationRuns::DatasetId))
                .col(integer(EvaluationRuns::DatasetVersion))
                .col(string(EvaluationRuns::Name))
                .col(string(EvaluationRuns::Status))
                .col(json(EvaluationRuns::Config))
                .col(integer(EvaluationRuns::Total))
                .col(integer(EvaluationRuns::Completed))
                .col(integer(EvaluationRuns::Passed))
                .col(integer(EvaluationRuns::Failed))
                .col(integer(EvaluationRuns::Errored))
                .col(big_integer(EvaluationRuns::TokensIn))
                .col(big_integer(EvaluationRuns::TokensOut))
                .col(double(EvaluationRuns::CostUsd))
                .col(text_null(EvaluationRuns::Error))
                .col(uuid_null(EvaluationRuns::CreatedBy))
                .col(uuid_null(EvaluationRuns::CreatedByApiKey))
                .col(timestamp_with_time_zone(EvaluationRuns::CreatedAt))
                .col(timestamp_with_time_zone_null(EvaluationRuns::StartedAt))
                .col(timestamp_with_time_zone_null(EvaluationRuns::FinishedAt))
                .col(timestamp_with_time_zone(EvaluationRuns::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(EvaluationRuns::Table, EvaluationRuns::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EvaluationRuns::Table, EvaluationRuns::DatasetId)
                        .to(Datasets::Table, Datasets::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_evaluation_runs_org_created")
                .table(EvaluationRuns::Table)
                .col(EvaluationRuns::OrgId)
                .col(EvaluationRuns::CreatedAt)
                .col(EvaluationRuns::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_evaluation_runs_dataset_created")
                .table(EvaluationRuns::Table)
                .col(EvaluationRuns::DatasetId)
                .col(EvaluationRuns::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EvaluationResults::Table)
                .col(pk_uuid(EvaluationResults::Id))
                .col(uuid(EvaluationResults::RunId))
                .col(uuid(EvaluationResults::OrgId))
                .col(uuid(EvaluationResults::ItemId))
                .col(uuid(EvaluationResults::ItemKey))
                .col(big_integer(EvaluationResults::Ordinal))
                .col(integer(EvaluationResults::TargetIndex))
                .col(string(EvaluationResults::Status))
                .col(uuid_null(EvaluationResults::JobId))
                .col(uuid_null(EvaluationResults::WorkflowRunId))
                .col(text_null(EvaluationResults::Output))
                .col(json_null(EvaluationResults::Verdicts))
                .col(double_null(EvaluationResults::Score))
                .col(boolean_null(EvaluationResults::Passed))
                .col(big_integer_null(EvaluationResults::LatencyMs))
                .col(big_integer(EvaluationResults::TokensIn))
                .col(big_integer(EvaluationResults::TokensOut))
                .col(double(EvaluationResults::CostUsd))
                .col(text_null(EvaluationResults::Error))
                .col(timestamp_with_time_zone_null(EvaluationResults::StartedAt))
                .col(timestamp_with_time_zone_null(EvaluationResults::FinishedAt))
                .col(timestamp_with_time_zone(EvaluationResults::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(EvaluationResults::Table, EvaluationResults::RunId)
                        .to(EvaluationRuns::Table, EvaluationRuns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EvaluationResults::Table, EvaluationResults::ItemId)
                        .to(DatasetItems::Table, DatasetItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_evaluation_results_run_item_target",
            EvaluationResults::Table,
            &[
                EvaluationResults::RunId,
                EvaluationResults::Ordinal,
                EvaluationResults::TargetIndex,
            ],
        )
        .await?;
        // The scheduler's "next result without a job" and the progress counts.
        m.create_index(
            Index::create()
                .name("ix_evaluation_results_run_status")
                .table(EvaluationResults::Table)
                .col(EvaluationResults::RunId)
                .col(EvaluationResults::Status)
                .col(EvaluationResults::Ordinal)
                .to_owned(),
        )
        .await?;

        // A workflow run started by an evaluation names its result.
        m.alter_table(
            Table::alter()
                .table(WorkflowRuns::Table)
                .add_column(uuid_null(WorkflowRuns::EvaluationResultId))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(WorkflowRuns::Table)
                .drop_column(WorkflowRuns::EvaluationResultId)
                .to_owned(),
        )
        .await?;
        for table in [
            EvaluationResults::Table.into_iden(),
            EvaluationRuns::Table.into_iden(),
            Evaluators::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum WorkflowRuns {
    Table,
    EvaluationResultId,
}

#[derive(DeriveIden, Clone)]
enum Evaluators {
    Table,
    Id,
    OrgId,
    Name,
    Description,
    Spec,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum EvaluationRuns {
    Table,
    Id,
    OrgId,
    DatasetId,
    DatasetVersion,
    Name,
    Status,
    Config,
    Total,
    Completed,
    Passed,
    Failed,
    Errored,
    TokensIn,
    TokensOut,
    CostUsd,
    Error,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum EvaluationResults {
    Table,
    Id,
    RunId,
    OrgId,
    ItemId,
    ItemKey,
    Ordinal,
    TargetIndex,
    Status,
    JobId,
    WorkflowRunId,
    Output,
    Verdicts,
    Score,
    Passed,
    LatencyMs,
    TokensIn,
    TokensOut,
    CostUsd,
    Error,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}

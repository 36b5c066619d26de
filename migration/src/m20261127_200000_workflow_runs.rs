//! Workflow runs and their node runs. A run pins the version it runs and the prompt versions
//! its prompt nodes resolved to; every node has one row from the start (PENDING), and a node
//! that becomes ready gets a `workflow_node` job (its id on the row).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::{Organizations, unique_index};
use crate::m20261127_180000_workflows::{WorkflowVersions, Workflows};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WorkflowRuns::Table)
                .col(pk_uuid(WorkflowRuns::Id))
                .col(uuid(WorkflowRuns::OrgId))
                .col(uuid(WorkflowRuns::WorkflowId))
                .col(uuid(WorkflowRuns::WorkflowVersionId))
                .col(integer(WorkflowRuns::Version))
                .col(string_null(WorkflowRuns::Label))
                .col(string(WorkflowRuns::Status))
                .col(json(WorkflowRuns::Inputs))
                .col(json(WorkflowRuns::PromptVersions))
                .col(text_null(WorkflowRuns::Output))
                .col(text_null(WorkflowRuns::Error))
                .col(big_integer(WorkflowRuns::TokensIn))
                .col(big_integer(WorkflowRuns::TokensOut))
                .col(double(WorkflowRuns::CostUsd))
                .col(big_integer_null(WorkflowRuns::LatencyMs))
                .col(json_null(WorkflowRuns::CriticalPath))
                .col(json(WorkflowRuns::Resumptions))
                .col(timestamp_with_time_zone_null(WorkflowRuns::Deadline))
                .col(uuid_null(WorkflowRuns::CreatedBy))
                .col(uuid_null(WorkflowRuns::CreatedByApiKey))
                .col(timestamp_with_time_zone(WorkflowRuns::CreatedAt))
                .col(timestamp_with_time_zone_null(WorkflowRuns::StartedAt))
                .col(timestamp_with_time_zone_null(WorkflowRuns::FinishedAt))
                .col(timestamp_with_time_zone(WorkflowRuns::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(WorkflowRuns::Table, WorkflowRuns::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(WorkflowRuns::Table, WorkflowRuns::WorkflowId)
                        .to(Workflows::Table, Workflows::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(WorkflowRuns::Table, WorkflowRuns::WorkflowVersionId)
                        .to(WorkflowVersions::Table, WorkflowVersions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_workflow_runs_org_created")
                .table(WorkflowRuns::Table)
                .col(WorkflowRuns::OrgId)
                .col(WorkflowRuns::CreatedAt)
                .col(WorkflowRuns::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_workflow_runs_workflow_created")
                .table(WorkflowRuns::Table)
                .col(WorkflowRuns::WorkflowId)
                .col(WorkflowRuns::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(NodeRuns::Table)
                .col(pk_uuid(NodeRuns::Id))
                .col(uuid(NodeRuns::RunId))
                .col(uuid(NodeRuns::OrgId))
                .col(string(NodeRuns::NodeKey))
                .col(string(NodeRuns::Kind))
                .col(string(NodeRuns::Status))
                .col(integer(NodeRuns::Attempt))
                .col(integer(NodeRuns::AttemptBase))
                .col(uuid_null(NodeRuns::JobId))
                .col(text_null(NodeRuns::RenderedInput))
                .col(text_null(NodeRuns::Output))
                .col(boolean(NodeRuns::Defaulted))
                .col(text_null(NodeRuns::Error))
                .col(big_integer(NodeRuns::TokensIn))
                .col(big_integer(NodeRuns::TokensOut))
                .col(double(NodeRuns::CostUsd))
                .col(big_integer_null(NodeRuns::LatencyMs))
                .col(timestamp_with_time_zone_null(NodeRuns::Deadline))
                .col(json_null(NodeRuns::Decision))
                .col(timestamp_with_time_zone_null(NodeRuns::StartedAt))
                .col(timestamp_with_time_zone_null(NodeRuns::FinishedAt))
                .col(timestamp_with_time_zone(NodeRuns::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(NodeRuns::Table, NodeRuns::RunId)
                        .to(WorkflowRuns::Table, WorkflowRuns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_node_runs_run_key",
            NodeRuns::Table,
            &[NodeRuns::RunId, NodeRuns::NodeKey],
        )
        .await?;
        // The reconciler's sweep for approvals past their deadline.
        m.create_index(
            Index::create()
                .name("ix_node_runs_status_deadline")
                .table(NodeRuns::Table)
                .col(NodeRuns::Status)
                .col(NodeRuns::Deadline)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [NodeRuns::Table.into_iden(), WorkflowRuns::Table.into_iden()] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum WorkflowRuns {
    Table,
    Id,
    OrgId,
    WorkflowId,
    WorkflowVersionId,
    Version,
    Label,
    Status,
    Inputs,
    PromptVersions,
    Output,
    Error,
    TokensIn,
    TokensOut,
    CostUsd,
    LatencyMs,
    CriticalPath,
    Resumptions,
    Deadline,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum NodeRuns {
    Table,
    Id,
    RunId,
    OrgId,
    NodeKey,
    Kind,
    Status,
    Attempt,
    AttemptBase,
    JobId,
    RenderedInput,
    Output,
    Defaulted,
    Error,
    TokensIn,
    TokensOut,
    CostUsd,
    LatencyMs,
    Deadline,
    Decision,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}

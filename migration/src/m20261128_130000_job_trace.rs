//! Trace context: `jobs.traceparent` (the W3C `traceparent` of the span that wrote the job,
//! continued by the worker that runs it) and `audit_events.trace_id` (the request's trace).
//! Both empty when traces are not exported.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Jobs::Table)
                .add_column(string_null(Jobs::Traceparent))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(AuditEvents::Table)
                .add_column(string_null(AuditEvents::TraceId))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditEvents::Table)
                .drop_column(AuditEvents::TraceId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Jobs::Table)
                .drop_column(Jobs::Traceparent)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Traceparent,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    TraceId,
}

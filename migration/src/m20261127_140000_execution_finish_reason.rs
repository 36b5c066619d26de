//! `executions.finish_reason`: why the model stopped (a completion cut by its token limit is
//! SUCCEEDED but incomplete, and says so).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Executions::Table)
                .add_column(string_null(Executions::FinishReason))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Executions::Table)
                .drop_column(Executions::FinishReason)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Executions {
    Table,
    FinishReason,
}

//! PII masking: each organization's policy (`pii_policies`, one row per organization, absent
//! means off) and the vaults of runs in flight (`pii_vaults`: the placeholder → original map
//! of one execution, sealed with the credentials key, deleted when the execution ends).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PiiPolicies::Table)
                .col(pk_uuid(PiiPolicies::OrgId))
                .col(string(PiiPolicies::Mode))
                .col(json(PiiPolicies::Kinds))
                .col(json(PiiPolicies::Custom))
                .col(boolean(PiiPolicies::MaskDatasetItems))
                .col(integer(PiiPolicies::Version))
                .col(uuid_null(PiiPolicies::UpdatedBy))
                .col(timestamp_with_time_zone(PiiPolicies::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PiiPolicies::Table, PiiPolicies::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PiiVaults::Table)
                .col(pk_uuid(PiiVaults::SubjectId))
                .col(uuid(PiiVaults::OrgId))
                .col(text(PiiVaults::Sealed))
                .col(timestamp_with_time_zone(PiiVaults::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PiiVaults::Table, PiiVaults::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PiiVaults::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(PiiPolicies::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PiiPolicies {
    Table,
    OrgId,
    Mode,
    Kinds,
    Custom,
    MaskDatasetItems,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PiiVaults {
    Table,
    SubjectId,
    OrgId,
    Sealed,
    CreatedAt,
}

//! Datasets, versioned. A dataset's items are rows valid over a range of dataset versions
//! (`valid_from` ≤ v < `valid_to`, an open end while current): adding an item inserts a row
//! from the new version, editing closes the old row and inserts its successor (same
//! `item_key` and `ordinal`), deleting closes it. So every version stays readable as it was,
//! and an evaluation run that pinned version v reads exactly the items it ran on.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_core::{Organizations, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Datasets::Table)
                .col(pk_uuid(Datasets::Id))
                .col(uuid(Datasets::OrgId))
                .col(string(Datasets::Name))
                .col(string(Datasets::Slug))
                .col(text(Datasets::Description))
                .col(text(Datasets::SearchText))
                .col(integer(Datasets::LatestVersion))
                .col(integer(Datasets::ItemCount))
                .col(big_integer(Datasets::NextOrdinal))
                .col(uuid_null(Datasets::CreatedBy))
                .col(uuid_null(Datasets::CreatedByApiKey))
                .col(timestamp_with_time_zone(Datasets::CreatedAt))
                .col(timestamp_with_time_zone(Datasets::UpdatedAt))
                .col(timestamp_with_time_zone_null(Datasets::DeletedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Datasets::Table, Datasets::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_datasets_org_slug_live ON datasets (org_id, slug) \
                 WHERE deleted_at IS NULL",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("ix_datasets_org_updated")
                .table(Datasets::Table)
                .col(Datasets::OrgId)
                .col(Datasets::UpdatedAt)
                .col(Datasets::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DatasetVersions::Table)
                .col(pk_uuid(DatasetVersions::Id))
                .col(uuid(DatasetVersions::DatasetId))
                .col(uuid(DatasetVersions::OrgId))
                .col(integer(DatasetVersions::Version))
                .col(string(DatasetVersions::Change))
                .col(text(DatasetVersions::Message))
                .col(integer(DatasetVersions::Added))
                .col(integer(DatasetVersions::Updated))
                .col(integer(DatasetVersions::Removed))
                .col(integer(DatasetVersions::ItemCount))
                .col(uuid_null(DatasetVersions::CreatedBy))
                .col(uuid_null(DatasetVersions::CreatedByApiKey))
                .col(timestamp_with_time_zone(DatasetVersions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DatasetVersions::Table, DatasetVersions::DatasetId)
                        .to(Datasets::Table, Datasets::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_dataset_versions_dataset_version",
            DatasetVersions::Table,
            &[DatasetVersions::DatasetId, DatasetVersions::Version],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DatasetItems::Table)
                .col(pk_uuid(DatasetItems::Id))
                .col(uuid(DatasetItems::DatasetId))
                .col(uuid(DatasetItems::OrgId))
                .col(uuid(DatasetItems::ItemKey))
                .col(big_integer(DatasetItems::Ordinal))
                .col(json(DatasetItems::Inputs))
                .col(json_null(DatasetItems::Expected))
                .col(json(DatasetItems::Metadata))
                .col(integer(DatasetItems::ValidFrom))
                .col(integer_null(DatasetItems::ValidTo))
                .col(timestamp_with_time_zone(DatasetItems::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DatasetItems::Table, DatasetItems::DatasetId)
                        .to(Datasets::Table, Datasets::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Reading a version pages by ordinal among the rows valid at it.
        m.create_index(
            Index::create()
                .name("ix_dataset_items_dataset_ordinal")
                .table(DatasetItems::Table)
                .col(DatasetItems::DatasetId)
                .col(DatasetItems::Ordinal)
                .col(DatasetItems::ValidFrom)
                .to_owned(),
        )
        .await?;
        // One current row per item.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_dataset_items_current ON dataset_items \
                 (dataset_id, item_key) WHERE valid_to IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DatasetItems::Table.into_iden(),
            DatasetVersions::Table.into_iden(),
            Datasets::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Datasets {
    Table,
    Id,
    OrgId,
    Name,
    Slug,
    Description,
    SearchText,
    LatestVersion,
    ItemCount,
    NextOrdinal,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden, Clone)]
enum DatasetVersions {
    Table,
    Id,
    DatasetId,
    OrgId,
    Version,
    Change,
    Message,
    Added,
    Updated,
    Removed,
    ItemCount,
    CreatedBy,
    CreatedByApiKey,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub(crate) enum DatasetItems {
    Table,
    Id,
    DatasetId,
    OrgId,
    ItemKey,
    Ordinal,
    Inputs,
    Expected,
    Metadata,
    ValidFrom,
    ValidTo,
    CreatedAt,
}

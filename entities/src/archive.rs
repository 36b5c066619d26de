//! `archives`: the manifest of one archive file — a batch of rows of one table that a
//! retention sweep wrote as gzip-compressed JSON lines to the archive store, then deleted from
//! the database in the transaction that inserted this row.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "archives")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    /// The table the rows came from: `executions`, `workflow_runs`, `evaluation_results`,
    /// `evaluation_runs` or `audit_events`.
    pub kind: String,
    pub sweep_id: Option<Uuid>,
    /// The oldest and newest row's time.
    pub period_from: DateTimeUtc,
    pub period_to: DateTimeUtc,
    pub row_count: i64,
    /// Size of the compressed file.
    pub bytes: i64,
    /// The file's key in the archive store.
    #[sea_orm(unique)]
    pub object_key: String,
    /// Hex SHA-256 of the compressed file.
    pub sha256: String,
    pub created_at: DateTimeUtc,
    /// Readable through `archiveRecords` until then (`restoreArchive`).
    pub restored_until: Option<DateTimeUtc>,
    pub restored_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

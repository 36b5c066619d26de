//! `dataset_versions`: one row per change to a dataset (add, edit, delete, import), numbered
//! from 1, with what it changed and the item count after it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub dataset_id: Uuid,
    pub org_id: Uuid,
    pub version: i32,
    /// ADD, EDIT, DELETE or IMPORT.
    pub change: String,
    pub message: String,
    pub added: i32,
    pub updated: i32,
    pub removed: i32,
    pub item_count: i32,
    pub created_by: Option<Uuid>,
    pub created_by_api_key: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

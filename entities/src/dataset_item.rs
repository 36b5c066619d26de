//! `dataset_items`: one state of one item, valid from dataset version `valid_from` up to (not
//! including) `valid_to`, or to now while `valid_to` is null. `item_key` names the item across
//! its states; `ordinal` orders items (an edit keeps it). Rows are never updated except to set
//! `valid_to`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub dataset_id: Uuid,
    pub org_id: Uuid,
    pub item_key: Uuid,
    pub ordinal: i64,
    /// A JSON object: the values for the target's variables or inputs.
    pub inputs: Json,
    /// The expected output: a JSON string for text, any other JSON value as is.
    pub expected: Option<Json>,
    /// A JSON object.
    pub metadata: Json,
    pub valid_from: i32,
    pub valid_to: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

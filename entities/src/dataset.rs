//! `datasets`: a named collection of test cases, versioned. `latest_version` counts the changes
//! made so far (0 for a new, empty dataset); `item_count` is the number of items at it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "datasets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// Lower-cased name, slug and description, for search.
    pub search_text: String,
    pub latest_version: i32,
    pub item_count: i32,
    /// The ordinal the next new item gets (items keep theirs across edits).
    pub next_ordinal: i64,
    pub created_by: Option<Uuid>,
    pub created_by_api_key: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

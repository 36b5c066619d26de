//! `prompts`: a named, versioned prompt of an organization (soft-deleted).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prompts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// JSON array of tag strings (also indexed in `prompt_tags`).
    pub tags: Json,
    /// Name, slug and description, lower-cased (Unicode-aware, in Rust) for search: the same
    /// matching on SQLite, whose `lower()` folds ASCII only, and on PostgreSQL.
    pub search_text: String,
    /// The user who created it, or
    pub created_by: Option<Uuid>,
    /// the API key that did.
    pub created_by_api_key: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

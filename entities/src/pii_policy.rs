//! `pii_policies`: an organization's PII masking policy (no row: masking is off).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pii_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
    /// off, mask_before_storage or mask_before_provider.
    pub mode: String,
    /// JSON array of the built-in detectors that run (`"email"`, `"card"`, …).
    pub kinds: Json,
    /// JSON array of `{name, pattern}` custom patterns, validated when saved.
    pub custom: Json,
    /// Dataset items are masked when imported.
    pub mask_dataset_items: bool,
    /// Bumped on every change: caches compare it to know they are current.
    pub version: i32,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

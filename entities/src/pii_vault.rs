//! `pii_vaults`: the placeholder → original map of one run in flight (an execution), sealed
//! with the credentials key; deleted when the run ends.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pii_vaults")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_id: Uuid,
    pub org_id: Uuid,
    /// base64(nonce ‖ AES-256-GCM ciphertext) of the JSON map, bound to the subject.
    pub sealed: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

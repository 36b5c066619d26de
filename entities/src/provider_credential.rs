//! `provider_credentials`: an organization's own key for an LLM provider, AES-GCM encrypted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    /// openai, anthropic or openai-compatible.
    pub provider: String,
    /// base64(nonce ‖ AES-256-GCM ciphertext) of the API key, bound to org and provider.
    pub ciphertext: String,
    /// The key's last four characters, the only part ever shown.
    pub key_hint: String,
    pub base_url: Option<String>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

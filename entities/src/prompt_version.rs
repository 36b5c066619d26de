//! `prompt_versions`: an immutable version of a prompt (messages, model config, variables).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prompt_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub prompt_id: Uuid,
    pub org_id: Uuid,
    pub version: i32,
    /// JSON array of `{role, content}`.
    pub messages: Json,
    /// JSON object: provider, model, temperature, maxTokens, topP, stop, extra.
    pub model_config: Json,
    /// JSON array of the variable names the templates use, sorted.
    pub variables: Json,
    pub commit_message: String,
    /// The user who created it, or
    pub created_by: Option<Uuid>,
    /// the API key that did.
    pub created_by_api_key: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `executions`: one run of one prompt version — inputs, rendered messages, output and usage.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "executions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub prompt_id: Uuid,
    pub prompt_version_id: Uuid,
    /// PENDING, RUNNING, SUCCEEDED, FAILED or CANCELLED.
    pub status: String,
    /// JSON object of the variables it was rendered with.
    pub variables: Json,
    /// JSON array of `{role, content}` after rendering.
    pub rendered_messages: Json,
    /// The version's model config, copied so the run does not depend on later reads.
    pub model_config: Json,
    /// The caller asked for the response cache (temperature 0 uses it regardless).
    pub use_cache: bool,
    pub output: Option<String>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<i64>,
    pub time_to_first_token_ms: Option<i64>,
    pub cached: bool,
    pub attempts: i32,
    pub error: Option<String>,
    /// Why the model stopped (STOP, LENGTH, CONTENT_FILTER, TOOL_CALLS, OTHER), when the
    /// provider said; set on SUCCEEDED executions.
    pub finish_reason: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_by_api_key: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `evaluation_runs`: a dataset version × targets × evaluators. The counters move as results
//! are written (in the same transaction); aggregates are computed from the results.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "evaluation_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub dataset_id: Uuid,
    /// The dataset version the run reads its items at.
    pub dataset_version: i32,
    pub name: String,
    /// PENDING, RUNNING, FINISHED, FAILED or CANCELLED.
    pub status: String,
    /// Targets (resolved to versions), mapping, evaluators, threshold, concurrency, cache use:
    /// the JSON form of `workers::evaluation::run::RunConfig`.
    pub config: Json,
    /// Items × targets.
    pub total: i32,
    /// Results written (scored or errored).
    pub completed: i32,
    pub passed: i32,
    pub failed: i32,
    pub errored: i32,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub error: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_by_api_key: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

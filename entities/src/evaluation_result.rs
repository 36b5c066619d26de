//! `evaluation_results`: one dataset item × one target of an evaluation run — the target's
//! output, every evaluator's verdict and the item's score. Written once, by its
//! `evaluation_item` job (conditional on the job's attempt).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "evaluation_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub run_id: Uuid,
    pub org_id: Uuid,
    /// The `dataset_items` row (the item's state at the run's version).
    pub item_id: Uuid,
    pub item_key: Uuid,
    pub ordinal: i64,
    /// Which of the run's targets.
    pub target_index: i32,
    /// PENDING, RUNNING, AWAITING (a workflow run of it is under way), SCORED, ERROR or
    /// CANCELLED.
    pub status: String,
    pub job_id: Option<Uuid>,
    pub workflow_run_id: Option<Uuid>,
    pub output: Option<String>,
    /// `[{name, score, pass, reason, error, weight, required}]`.
    pub verdicts: Option<Json>,
    pub score: Option<f64>,
    pub passed: Option<bool>,
    pub latency_ms: Option<i64>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub error: Option<String>,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

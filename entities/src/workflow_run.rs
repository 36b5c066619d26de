//! `workflow_runs`: one run of a workflow version — its status, inputs, the prompt versions its
//! prompt nodes resolved to, totals, output and resumptions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "workflow_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub workflow_id: Uuid,
    pub workflow_version_id: Uuid,
    pub version: i32,
    /// The label the version was picked by, if any.
    pub label: Option<String>,
    /// PENDING, RUNNING, WAITING, FINISHED, FAILED or CANCELLED.
    pub status: String,
    pub inputs: Json,
    /// Node key → `{promptId, promptVersionId, version}`: what each prompt node runs, fixed when
    /// the run starts (and again for the nodes a resumption re-runs).
    pub prompt_versions: Json,
    pub output: Option<String>,
    pub error: Option<String>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub latency_ms: Option<i64>,
    /// The node keys of the longest chain of completed nodes (by latency).
    pub critical_path: Option<Json>,
    /// `[{at, byUser, byApiKey, nodes}]`, one per `retryWorkflowRun`.
    pub resumptions: Json,
    /// Past it, the run fails.
    pub deadline: Option<DateTimeUtc>,
    /// The evaluation result this run was started for, if any: its end schedules the scoring.
    pub evaluation_result_id: Option<Uuid>,
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

//! `node_runs`: one node of a workflow run. Written by its `workflow_node` job (conditional on the
//! job's attempt), by the scheduler that makes it ready or skips it, and by the API (approval,
//! cancel, retry).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "node_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub run_id: Uuid,
    pub org_id: Uuid,
    pub node_key: String,
    /// The step kind: prompt, llm, template, condition, map, approval.
    pub kind: String,
    /// PENDING, EXECUTING, WAITING, COMPLETED, FAILED, SKIPPED or CANCELLED.
    pub status: String,
    /// Executions of the node so far (retries and takeovers each count one).
    pub attempt: i32,
    /// `attempt` when the run was last resumed: the node's retry budget counts from it.
    pub attempt_base: i32,
    /// The job that runs it, once it was made ready.
    pub job_id: Option<Uuid>,
    /// What the node was given, rendered (messages as JSON, or the template's text).
    pub rendered_input: Option<String>,
    pub output: Option<String>,
    /// COMPLETED with its `onFailure` default output.
    pub defaulted: bool,
    pub error: Option<String>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub latency_ms: Option<i64>,
    /// An approval's timeout.
    pub deadline: Option<DateTimeUtc>,
    /// An approval's answer: `{approved, byUser, byApiKey, input}`.
    pub decision: Option<Json>,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

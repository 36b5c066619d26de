//! Workflow runs: `runWorkflow`, `workflowRun`, `workflowRuns`, `cancelWorkflowRun`,
//! `resumeWorkflowRun`, `retryWorkflowRun`, `workflowRunEvents`, `orgWorkflowRunUpdates`.

pub mod mutation;
pub mod query;
pub mod subscription;

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{ComplexObject, Context, Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use serde_json::Value;
use uuid::Uuid;
use workers::workflow::run::{WorkflowEventKind, WorkflowRunEvent as Event};

use crate::error::AppError;
use crate::graphql::ContextExt;
use crate::service::workflow::runs;
use entities::{node_run, workflow_run};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum WorkflowRunStatus {
    Pending,
    Running,
    /// Only approvals are open.
    Waiting,
    Finished,
    Failed,
    Cancelled,
}

impl WorkflowRunStatus {
    pub fn parse(stored: &str) -> Self {
        match stored {
            "RUNNING" => Self::Running,
            "WAITING" => Self::Waiting,
            "FINISHED" => Self::Finished,
            "FAILED" => Self::Failed,
            "CANCELLED" => Self::Cancelled,
            _ => Self::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Running => "RUNNING",
            Self::Waiting => "WAITING",
            Self::Finished => "FINISHED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum NodeRunStatus {
    Pending,
    Executing,
    /// An approval waiting for `resumeWorkflowRun`.
    Waiting,
    Completed,
    Failed,
    Skipped,
    Cancelled,
}

impl NodeRunStatus {
    fn parse(stored: &str) -> Self {
        match stored {
            "EXECUTING" => Self::Executing,
            "WAITING" => Self::Waiting,
            "COMPLETED" => Self::Completed,
            "FAILED" => Self::Failed,
            "SKIPPED" => Self::Skipped,
            "CANCELLED" => Self::Cancelled,
            _ => Self::Pending,
        }
    }
}

/// One run of a workflow version.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct WorkflowRun {
    pub id: ID,
    pub org_id: ID,
    pub workflow_id: ID,
    /// The version it runs.
    pub version: i32,
    /// The label the version was picked by, if any.
    pub label: Option<String>,
    pub status: WorkflowRunStatus,
    pub inputs: Json<Value>,
    /// What each prompt node runs: `{nodeKey: {promptId, promptVersionId, version}}`, fixed
    /// when the run started (and again for the nodes a retry re-ran).
    pub prompt_versions: Json<Value>,
    /// The rendered output template, once FINISHED.
    pub output: Option<String>,
    pub error: Option<String>,
    /// Totals over the nodes.
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    /// From its start to its end.
    pub latency_ms: Option<i64>,
    /// The chain of nodes, by latency, the run's time was spent on.
    pub critical_path: Vec<String>,
    /// One entry per `retryWorkflowRun`: `{at, byUser, byApiKey, nodes, after}`.
    pub resumptions: Json<Value>,
    pub deadline: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub uuid: Uuid,
}

impl From<workflow_run::Model> for WorkflowRun {
    fn from(r: workflow_run::Model) -> Self {
        let critical_path = r
            .critical_path
            .and_then(|path| serde_json::from_value(path).ok())
            .unwrap_or_default();
        Self {
            id: ID(r.id.to_string()),
            org_id: ID(r.org_id.to_string()),
            workflow_id: ID(r.workflow_id.to_string()),
            version: r.version,
            label: r.label,
            status: WorkflowRunStatus::parse(&r.status),
            inputs: Json(r.inputs),
            prompt_versions: Json(r.prompt_versions),
            output: r.output,
            error: r.error,
            tokens_in: r.tokens_in,
            tokens_out: r.tokens_out,
            cost_usd: r.cost_usd,
            latency_ms: r.latency_ms,
            critical_path,
            resumptions: Json(r.resumptions),
            deadline: r.deadline,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            uuid: r.id,
        }
    }
}

#[ComplexObject]
impl WorkflowRun {
    /// Every node of the run, one entry each (a retried node keeps its row; `attempt` counts).
    async fn nodes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<NodeRun>> {
        let found = runs::nodes(&ctx.app()?.db, self.uuid).await?;
        Ok(found.into_iter().map(NodeRun::from).collect())
    }
}

/// One node of a run.
#[derive(SimpleObject)]
pub struct NodeRun {
    pub id: ID,
    pub key: String,
    /// prompt, llm, template, condition, map or approval.
    pub kind: String,
    pub status: NodeRunStatus,
    /// Executions so far (a retry after an error and a takeover after a crash each count).
    pub attempt: i32,
    /// What it was given, rendered: messages as JSON, or a template's text.
    pub rendered_input: Option<String>,
    pub output: Option<String>,
    /// The output parsed, when it is JSON.
    pub json: Option<Json<Value>>,
    /// COMPLETED with its `onFailure` default output after failing.
    pub defaulted: bool,
    pub error: Option<String>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub latency_ms: Option<i64>,
    /// An approval's timeout.
    pub deadline: Option<DateTime<Utc>>,
    /// An approval's answer: `{approved, byUser, byApiKey, input, at}`.
    pub decision: Option<Json<Value>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<node_run::Model> for NodeRun {
    fn from(n: node_run::Model) -> Self {
        let json = n
            .output
            .as_deref()
            .and_then(|output| serde_json::from_str::<Value>(output).ok())
            .map(Json);
        Self {
            id: ID(n.id.to_string()),
            key: n.node_key,
            kind: n.kind,
            status: NodeRunStatus::parse(&n.status),
            attempt: n.attempt,
            rendered_input: n.rendered_input,
            output: n.output,
            json,
            defaulted: n.defaulted,
            error: n.error,
            tokens_in: n.tokens_in,
            tokens_out: n.tokens_out,
            cost_usd: n.cost_usd,
            latency_ms: n.latency_ms,
            deadline: n.deadline,
            decision: n.decision.map(Json),
            started_at: n.started_at,
            finished_at: n.finished_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct WorkflowRunConnectionFields {
    pub total_count: u64,
}

pub type WorkflowRunConnection =
    Connection<String, WorkflowRun, WorkflowRunConnectionFields, EmptyFields>;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum WorkflowRunEventType {
    /// The run's status changed; a FINISHED, FAILED or CANCELLED one is the last event.
    RunStatus,
    /// A node's status changed (`attempt` says which execution). RETRYING: an attempt failed
    /// (`error`) and another follows after the backoff.
    NodeStatus,
    /// A token of a node's model call (`item` for a map's items).
    NodeToken,
    /// A node's output, when it completed.
    NodeOutput,
    /// The run's output, just before FINISHED.
    RunOutput,
}

/// One event of a run. `seq` increases strictly over the whole run; resubscribe with
/// `after: <last seq>` to continue without a gap or a duplicate.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct WorkflowRunEvent {
    pub seq: i64,
    #[graphql(name = "type")]
    pub kind: WorkflowRunEventType,
    pub node: Option<String>,
    pub status: Option<String>,
    pub attempt: Option<i32>,
    /// NODE_TOKEN: the token's position in its attempt's output, from 0.
    pub index: Option<i32>,
    /// NODE_TOKEN of a map: the item's index.
    pub item: Option<i32>,
    /// NODE_TOKEN: the token; NODE_OUTPUT and RUN_OUTPUT: the output.
    pub text: Option<String>,
    pub error: Option<String>,
    /// RUN_STATUS: the run's resumptions when it was published.
    pub resumption: Option<i32>,
    #[graphql(skip)]
    pub run_id: Uuid,
}

impl WorkflowRunEvent {
    pub fn new(run_id: Uuid, seq: u64, event: Event) -> Self {
        Self {
            seq: i64::try_from(seq).unwrap_or(i64::MAX),
            kind: match event.kind {
                WorkflowEventKind::RunStatus => WorkflowRunEventType::RunStatus,
                WorkflowEventKind::NodeStatus => WorkflowRunEventType::NodeStatus,
                WorkflowEventKind::NodeToken => WorkflowRunEventType::NodeToken,
                WorkflowEventKind::NodeOutput => WorkflowRunEventType::NodeOutput,
                WorkflowEventKind::RunOutput => WorkflowRunEventType::RunOutput,
            },
            node: event.node,
            status: event.status,
            attempt: event.attempt,
            index: event.index.and_then(|i| i32::try_from(i).ok()),
            item: event.item.and_then(|i| i32::try_from(i).ok()),
            text: event.text,
            error: event.error,
            resumption: event.resumption.and_then(|r| i32::try_from(r).ok()),
            run_id,
        }
    }
}

#[ComplexObject]
impl WorkflowRunEvent {
    /// The run as it is now (select it on the last event for totals and nodes). Events are
    /// published just before their change commits: on a terminal RUN_STATUS this waits (up to
    /// two seconds) for the row to show it.
    async fn run(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<WorkflowRun>> {
        let db = &ctx.app()?.db;
        let ending = self.kind == WorkflowRunEventType::RunStatus
            && self
                .status
                .as_deref()
                .is_some_and(workers::workflow::run::status::run_is_terminal);
        for _ in 0..40 {
            let found = workflow_run::Entity::find_by_id(self.run_id)
                .one(db)
                .await
                .map_err(AppError::from)?;
            // Settled when the row shows the status, or has been resumed since.
            let settled = found.as_ref().is_none_or(|run| {
                let resumed = workers::workflow::run::resumptions(run);
                !ending
                    || Some(run.status.as_str()) == self.status.as_deref()
                    || i64::from(resumed) > i64::from(self.resumption.unwrap_or(0))
            });
            if settled {
                return Ok(found.map(WorkflowRun::from));
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let found = workflow_run::Entity::find_by_id(self.run_id)
            .one(db)
            .await
            .map_err(AppError::from)?;
        Ok(found.map(WorkflowRun::from))
    }
}

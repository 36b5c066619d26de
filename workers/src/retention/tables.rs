//! What a sweep archives, table by table: which rows are due (old enough and finished), how a
//! batch of them is written as JSON lines, and what deleting them takes (their node runs, the
//! job rows that ran them).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use crate::evaluation::run::status as evaluation_status;
use crate::workflow::run::status as workflow_status;
use entities::{
    audit_event, evaluation_result, evaluation_run, execution, job, node_run, workflow_run,
};

/// A table a sweep archives, in the order it sweeps them: evaluation results before their
/// runs (a run goes once its results are gone), and those before workflow runs (a workflow
/// run an evaluation result started goes once that result is gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Executions,
    EvaluationResults,
    EvaluationRuns,
    WorkflowRuns,
    AuditEvents,
}

impl Table {
    pub const SWEEP_ORDER: [Table; 5] = [
        Table::Executions,
        Table::EvaluationResults,
        Table::EvaluationRuns,
        Table::WorkflowRuns,
        Table::AuditEvents,
    ];

    /// The table's name: the `kind` of its archives and the metric label.
    pub const fn as_str(self) -> &'static str {
        match self {
            Table::Executions => "executions",
            Table::EvaluationResults => "evaluation_results",
            Table::EvaluationRuns => "evaluation_runs",
            Table::WorkflowRuns => "workflow_runs",
            Table::AuditEvents => "audit_events",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::SWEEP_ORDER.into_iter().find(|t| t.as_str() == name)
    }
}

/// Rows of one table due for the archive, read but not yet written anywhere.
pub struct Batch {
    pub table: Table,
    /// The archived rows' ids, in file order.
    pub ids: Vec<Uuid>,
    /// One JSON object per line.
    pub jsonl: Vec<u8>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Batch {
    fn new<T: Serialize>(
        table: Table,
        rows: &[(Uuid, DateTime<Utc>, T)],
    ) -> Result<Option<Self>, DbErr> {
        let mut jsonl = Vec::new();
        for (_, _, row) in rows {
            serde_json::to_writer(&mut jsonl, row).map_err(|e| DbErr::Custom(e.to_string()))?;
            jsonl.push(b'\n');
        }
        let (Some(from), Some(to)) = (
            rows.iter().map(|(_, at, _)| *at).min(),
            rows.iter().map(|(_, at, _)| *at).max(),
        ) else {
            return Ok(None);
        };
        Ok(Some(Self {
            table,
            ids: rows.iter().map(|(id, _, _)| *id).collect(),
            jsonl,
            from,
            to,
        }))
    }
}

/// Up to `limit` rows of `table` of `org` older than `cutoff` that may go, oldest first.
pub async fn select(
    conn: &impl ConnectionTrait,
    table: Table,
    org: Uuid,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Option<Batch>, DbErr> {
    match table {
        Table::Executions => {
            let rows = execution::Entity::find()
                .filter(execution::Column::OrgId.eq(org))
                .filter(execution::Column::CreatedAt.lt(cutoff))
                .filter(execution::Column::Status.is_in([
                    crate::execution::SUCCEEDED,
                    crate::execution::FAILED,
                    crate::execution::CANCELLED,
                ]))
                .order_by_asc(execution::Column::CreatedAt)
                .order_by_asc(execution::Column::Id)
                .limit(limit)
                .all(conn)
                .await?;
            let rows: Vec<_> = rows.into_iter().map(|r| (r.id, r.created_at, r)).collect();
            Batch::new(table, &rows)
        }
        Table::EvaluationResults => {
            let rows = evaluation_result::Entity::find()
                .filter(evaluation_result::Column::OrgId.eq(org))
                .filter(
                    evaluation_result::Column::RunId.in_subquery(old_evaluation_runs(org, cutoff)),
                )
                .order_by_asc(evaluation_result::Column::RunId)
                .order_by_asc(evaluation_result::Column::Ordinal)
                .order_by_asc(evaluation_result::Column::TargetIndex)
                .limit(limit)
                .all(conn)
                .await?;
            let rows: Vec<_> = rows.into_iter().map(|r| (r.id, r.updated_at, r)).collect();
            Batch::new(table, &rows)
        }
        Table::EvaluationRuns => {
            let with_results = Query::select()
                .column(evaluation_result::Column::RunId)
                .from(evaluation_result::Entity)
                .and_where(evaluation_result::Column::OrgId.eq(org))
                .to_owned();
            let rows = evaluation_run::Entity::find()
                .filter(evaluation_run::Column::Id.in_subquery(old_evaluation_runs(org, cutoff)))
                .filter(evaluation_run::Column::Id.not_in_subquery(with_results))
                .order_by_asc(evaluation_run::Column::CreatedAt)
                .order_by_asc(evaluation_run::Column::Id)
                .limit(limit)
                .all(conn)
                .await?;
            let rows: Vec<_> = rows.into_iter().map(|r| (r.id, r.created_at, r)).collect();
            Batch::new(table, &rows)
        }
        Table::WorkflowRuns => select_workflow_runs(conn, org, cutoff, limit).await,
        Table::AuditEvents => {
            let rows = audit_event::Entity::find()
                .filter(audit_event::Column::OrgId.eq(org))
                .filter(audit_event::Column::CreatedAt.lt(cutoff))
                .order_by_asc(audit_event::Column::CreatedAt)
                .order_by_asc(audit_event::Column::Id)
                .limit(limit)
                .all(conn)
                .await?;
            let rows: Vec<_> = rows.into_iter().map(|r| (r.id, r.created_at, r)).collect();
            Batch::new(table, &rows)
        }
    }
}

/// The finished evaluation runs of `org` created before `cutoff`.
fn old_evaluation_runs(org: Uuid, cutoff: DateTime<Utc>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(evaluation_run::Column::Id)
        .from(evaluation_run::Entity)
        .and_where(evaluation_run::Column::OrgId.eq(org))
        .and_where(evaluation_run::Column::CreatedAt.lt(cutoff))
        .and_where(evaluation_run::Column::Status.is_in([
            evaluation_status::FINISHED,
            evaluation_status::FAILED,
            evaluation_status::CANCELLED,
        ]))
        .to_owned()
}

/// A workflow run as archived: the run's columns and its node runs.
#[derive(Serialize)]
struct RunWithNodes {
    #[serde(flatten)]
    run: workflow_run::Model,
    node_runs: Vec<node_run::Model>,
}

async fn select_workflow_runs(
    conn: &impl ConnectionTrait,
    org: Uuid,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Option<Batch>, DbErr> {
    // A run an evaluation result started stays while that result does.
    let live_results = Query::select()
        .column(evaluation_result::Column::Id)
        .from(evaluation_result::Entity)
        .and_where(evaluation_result::Column::OrgId.eq(org))
        .to_owned();
    let runs = workflow_run::Entity::find()
        .filter(workflow_run::Column::OrgId.eq(org))
        .filter(workflow_run::Column::CreatedAt.lt(cutoff))
        .filter(workflow_run::Column::Status.is_in([
            workflow_status::FINISHED,
            workflow_status::FAILED,
            workflow_status::CANCELLED,
        ]))
        .filter(
            Condition::any()
                .add(workflow_run::Column::EvaluationResultId.is_null())
                .add(workflow_run::Column::EvaluationResultId.not_in_subquery(live_results)),
        )
        .order_by_asc(workflow_run::Column::CreatedAt)
        .order_by_asc(workflow_run::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    if runs.is_empty() {
        return Ok(None);
    }
    let mut nodes: BTreeMap<Uuid, Vec<node_run::Model>> = BTreeMap::new();
    let found = node_run::Entity::find()
        .filter(node_run::Column::RunId.is_in(runs.iter().map(|r| r.id)))
        .order_by_asc(node_run::Column::RunId)
        .order_by_asc(node_run::Column::NodeKey)
        .all(conn)
        .await?;
    for node in found {
        nodes.entry(node.run_id).or_default().push(node);
    }
    let rows: Vec<_> = runs
        .into_iter()
        .map(|run| {
            let node_runs = nodes.remove(&run.id).unwrap_or_default();
            (run.id, run.created_at, RunWithNodes { run, node_runs })
        })
        .collect();
    Batch::new(Table::WorkflowRuns, &rows)
}

/// How many rows deleting a batch removed: of the archived table, and of each dependent one.
pub struct Deleted {
    pub rows: u64,
    pub dependents: Vec<(&'static str, u64)>,
}

/// Deletes a batch's rows and what depends on them; call it in the transaction that records
/// the batch's manifest.
pub async fn delete(
    conn: &impl ConnectionTrait,
    org: Uuid,
    batch: &Batch,
) -> Result<Deleted, DbErr> {
    let ids = batch.ids.iter().copied();
    let mut dependents = Vec::new();
    let rows = match batch.table {
        Table::Executions => {
            dependents.push((
                "jobs",
                delete_jobs(conn, crate::execution::KIND, &batch.ids).await?,
            ));
            execution::Entity::delete_many()
                .filter(execution::Column::OrgId.eq(org))
                .filter(execution::Column::Id.is_in(ids))
                // Still ended as when it was read (else the batch races and rolls back).
                .filter(execution::Column::Status.is_in([
                    crate::execution::SUCCEEDED,
                    crate::execution::FAILED,
                    crate::execution::CANCELLED,
                ]))
                .exec(conn)
                .await?
                .rows_affected
        }
        Table::EvaluationResults => {
            dependents.push((
                "jobs",
                delete_jobs(conn, crate::evaluation::run::KIND, &batch.ids).await?,
            ));
            evaluation_result::Entity::delete_many()
                .filter(evaluation_result::Column::OrgId.eq(org))
                .filter(evaluation_result::Column::Id.is_in(ids))
                .exec(conn)
                .await?
                .rows_affected
        }
        Table::EvaluationRuns => {
            evaluation_run::Entity::delete_many()
                .filter(evaluation_run::Column::OrgId.eq(org))
                .filter(evaluation_run::Column::Id.is_in(ids))
                .filter(evaluation_run::Column::Status.is_in([
                    evaluation_status::FINISHED,
                    evaluation_status::FAILED,
                    evaluation_status::CANCELLED,
                ]))
                .exec(conn)
                .await?
                .rows_affected
        }
        Table::WorkflowRuns => {
            let nodes = Query::select()
                .column(node_run::Column::Id)
                .from(node_run::Entity)
                .and_where(node_run::Column::RunId.is_in(batch.ids.iter().copied()))
                .to_owned();
            let jobs = job::Entity::delete_many()
                .filter(job::Column::Kind.eq(crate::workflow::run::KIND))
                .filter(job::Column::SubjectId.in_subquery(nodes))
                .exec(conn)
                .await?
                .rows_affected;
            dependents.push(("jobs", jobs));
            let nodes = node_run::Entity::delete_many()
                .filter(node_run::Column::RunId.is_in(batch.ids.iter().copied()))
                .exec(conn)
                .await?
                .rows_affected;
            dependents.push(("node_runs", nodes));
            // A run retried since it was read (`retryWorkflowRun` takes FAILED and CANCELLED
            // runs back to RUNNING) is not deleted: the batch then races and rolls back, its
            // node runs and jobs above with it.
            workflow_run::Entity::delete_many()
                .filter(workflow_run::Column::OrgId.eq(org))
                .filter(workflow_run::Column::Id.is_in(ids))
                .filter(workflow_run::Column::Status.is_in([
                    workflow_status::FINISHED,
                    workflow_status::FAILED,
                    workflow_status::CANCELLED,
                ]))
                .exec(conn)
                .await?
                .rows_affected
        }
        Table::AuditEvents => {
            audit_event::Entity::delete_many()
                .filter(audit_event::Column::OrgId.eq(org))
                .filter(audit_event::Column::Id.is_in(ids))
                .exec(conn)
                .await?
                .rows_affected
        }
    };
    Ok(Deleted { rows, dependents })
}

async fn delete_jobs(
    conn: &impl ConnectionTrait,
    kind: &str,
    subjects: &[Uuid],
) -> Result<u64, DbErr> {
    Ok(job::Entity::delete_many()
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::SubjectId.is_in(subjects.iter().copied()))
        .exec(conn)
        .await?
        .rows_affected)
}

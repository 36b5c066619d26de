//! The changes the API and the timers make to a run, each inside the caller's transaction and
//! each ending in `schedule::advance`: start, cancel, an approval's answer, a retry, and the
//! sweep of approvals and runs past their deadline. The caller commits, then applies the
//! returned [`Advanced`] (events, notices, jobs to queue).

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::advanced;
use super::events::WorkflowRunEvent;
use super::pii::Storage;
pub use super::schedule::Advanced;
use super::schedule::{Loaded, advance, close, lock};
use super::scope::text_of;
use super::status::*;
use crate::engine::{JobContext, chrono_duration};
use crate::workflow::definition::Definition;
use entities::{job, node_run, workflow_run, workflow_version};

/// Who made a change (recorded on the run).
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor {
    pub user: Option<Uuid>,
    pub api_key: Option<Uuid>,
}

/// The prompt version a prompt node (or a map's prompt step) runs, fixed when the run starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedPrompt {
    pub prompt_id: Uuid,
    pub prompt_version_id: Uuid,
    pub version: i32,
}

/// A run to start.
pub struct Start<'a> {
    pub version: &'a workflow_version::Model,
    pub definition: &'a Definition,
    /// The label the version was picked by.
    pub label: Option<String>,
    /// Checked with [`check_inputs`].
    pub inputs: Map<String, Value>,
    /// Per prompt node.
    pub prompts: BTreeMap<String, ResolvedPrompt>,
    pub by: Actor,
    /// The evaluation result the run is for, if any.
    pub evaluation_result: Option<Uuid>,
}

/// Creates a run of `start.version` (PENDING, every node PENDING) and makes its first nodes
/// ready.
pub async fn start(
    txn: &DatabaseTransaction,
    ctx: &JobContext,
    start: Start<'_>,
) -> Result<(workflow_run::Model, Advanced), DbErr> {
    let now = Utc::now();
    let deadline = start
        .definition
        .timeout_secs
        .map(|secs| now + chrono_duration(std::time::Duration::from_secs(secs)));
    // The organization's PII policy: the inputs are stored masked, their originals sealed
    // in the run's vault for its nodes.
    let id = Uuid::now_v7();
    let mut inputs = Value::Object(start.inputs);
    super::pii::mask_inputs(txn, ctx, start.version.org_id, id, &mut inputs).await?;
    let run = workflow_run::ActiveModel {
        id: Set(id),
        org_id: Set(start.version.org_id),
        workflow_id: Set(start.version.workflow_id),
        workflow_version_id: Set(start.version.id),
        version: Set(start.version.version),
        label: Set(start.label),
        status: Set(PENDING.to_owned()),
        inputs: Set(inputs),
        prompt_versions: Set(json!(start.prompts)),
        output: Set(None),
        error: Set(None),
        tokens_in: Set(0),
        tokens_out: Set(0),
        cost_usd: Set(0.0),
        latency_ms: Set(None),
        critical_path: Set(None),
        resumptions: Set(json!([])),
        deadline: Set(deadline),
        evaluation_result_id: Set(start.evaluation_result),
        created_by: Set(start.by.user),
        created_by_api_key: Set(start.by.api_key),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let rows: Vec<node_run::ActiveModel> = start
        .definition
        .nodes
        .iter()
        .map(|node| node_run::ActiveModel {
            id: Set(Uuid::now_v7()),
            run_id: Set(run.id),
            org_id: Set(run.org_id),
            node_key: Set(node.key.clone()),
            kind: Set(node.step.kind().to_owned()),
            status: Set(PENDING.to_owned()),
            attempt: Set(0),
            attempt_base: Set(0),
            job_id: Set(None),
            rendered_input: Set(None),
            output: Set(None),
            defaulted: Set(false),
            error: Set(None),
            tokens_in: Set(0),
            tokens_out: Set(0),
            cost_usd: Set(0.0),
            latency_ms: Set(None),
            deadline: Set(None),
            decision: Set(None),
            started_at: Set(None),
            finished_at: Set(None),
            updated_at: Set(now),
        })
        .collect();
    if !rows.is_empty() {
        node_run::Entity::insert_many(rows).exec(txn).await?;
    }
    let mut advanced = advance(txn, ctx, run.id).await?;
    advanced
        .events
        .insert(0, WorkflowRunEvent::run_status(PENDING, None));
    let run = workflow_run::Entity::find_by_id(run.id)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the run just inserted".into()))?;
    Ok((run, advanced))
}

/// Why a change to a run was refused (shown to the caller).
pub type Refusal = String;

/// Cancels a run that has not ended: its open nodes and their jobs are CANCELLED, and the
/// running ones stopped after the commit.
pub async fn cancel(
    txn: &DatabaseTransaction,
    run: Uuid,
) -> Result<Result<Advanced, Refusal>, DbErr> {
    let Some(mut loaded) = lock(txn, run).await? else {
        return Ok(Err("the run does not exist".into()));
    };
    if run_is_terminal(&loaded.run.status) {
        return Ok(Err(format!(
            "the run already ended ({})",
            loaded.run.status
        )));
    }
    let mut out = Advanced::of(&loaded.run);
    close(txn, &mut loaded, CANCELLED, None, &mut out).await?;
    Ok(Ok(out))
}

/// Answers a WAITING approval node: approved, it COMPLETES with `input` as its output (or
/// `approved`); refused, it FAILS, and its failure policy decides what the run does.
pub async fn approve(
    txn: &DatabaseTransaction,
    ctx: &JobContext,
    run: Uuid,
    node_key: &str,
    approved: bool,
    input: Option<Value>,
    by: Actor,
) -> Result<Result<Advanced, Refusal>, DbErr> {
    let Some(loaded) = lock(txn, run).await? else {
        return Ok(Err("the run does not exist".into()));
    };
    let Some(row) = loaded.nodes.get(node_key) else {
        return Ok(Err(format!("the run has no node `{node_key}`")));
    };
    if row.status != WAITING {
        return Ok(Err(format!(
            "node `{node_key}` is not waiting for an approval (it is {})",
            row.status
        )));
    }
    // The approver's input is stored as the organization's PII policy stores a node's input
    // (the decision) and output (the node's output).
    let storage = Storage::of(ctx, txn, loaded.run.org_id)
        .await
        .map_err(DbErr::Custom)?;
    let now = Utc::now();
    let decision = json!({
        "approved": approved,
        "byUser": by.user,
        "byApiKey": by.api_key,
        "input": input.as_ref().map(|input| storage.input_json(input)),
        "at": now,
    });
    let mut active: node_run::ActiveModel = row.clone().into();
    let (status, error) = if approved {
        let output = input
            .as_ref()
            .map_or_else(|| "approved".to_owned(), text_of);
        active.output = Set(Some(storage.output(&output)));
        (COMPLETED, None)
    } else {
        // A refusal is the node's failure: its policy decides (a default COMPLETES it).
        let spec = loaded.definition.nodes.iter().find(|n| n.key == node_key);
        let (status, output, defaulted) = advanced::failed(spec);
        active.output = Set(output);
        active.defaulted = Set(defaulted);
        (status, Some("refused by the approver".to_owned()))
    };
    active.status = Set(status.to_owned());
    active.error = Set(error.clone());
    active.decision = Set(Some(decision));
    active.finished_at = Set(Some(now));
    active.updated_at = Set(now);
    let attempt = row.attempt;
    let row = active.update(txn).await?;
    let mut out = advance(txn, ctx, run).await?;
    let mut events = node_events(&row, attempt, status, error);
    events.append(&mut out.events);
    out.events = events;
    Ok(Ok(out))
}

/// The events of a node that ended: its output when it has one, then its status.
pub(super) fn node_events(
    row: &node_run::Model,
    attempt: i32,
    status: &str,
    error: Option<String>,
) -> Vec<WorkflowRunEvent> {
    let mut events = Vec::new();
    if let (COMPLETED, Some(output)) = (status, &row.output) {
        events.push(WorkflowRunEvent::node_output(
            &row.node_key,
            attempt,
            output,
        ));
    }
    events.push(WorkflowRunEvent::node_status(
        &row.node_key,
        status,
        attempt,
        error,
    ));
    events
}

/// Resumes a FAILED or CANCELLED run: every COMPLETED node keeps its output; the others go
/// back to PENDING (their prompt nodes take `prompts` — resolved again, so a fixed prompt
/// version is picked up), and the run continues to its end. The resumption is recorded.
pub async fn retry(
    txn: &DatabaseTransaction,
    ctx: &JobContext,
    run: Uuid,
    prompts: BTreeMap<String, ResolvedPrompt>,
    by: Actor,
) -> Result<Result<Advanced, Refusal>, DbErr> {
    // The jobs this may re-arm are locked before the run, the order a finishing node takes
    // them in (its job, then its run): a stale worker finishing now cannot deadlock with us.
    let open_jobs: Vec<Uuid> = node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(run))
        .filter(node_run::Column::Status.ne(COMPLETED))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|node| node.job_id)
        .collect();
    if !open_jobs.is_empty() {
        job::Entity::update_many()
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.is_in(open_jobs))
            .exec(txn)
            .await?;
    }
    let Some(loaded) = lock(txn, run).await? else {
        return Ok(Err("the run does not exist".into()));
    };
    if !matches!(loaded.run.status.as_str(), FAILED | CANCELLED) {
        return Ok(Err(format!(
            "only a FAILED or CANCELLED run can be retried (this one is {})",
            loaded.run.status
        )));
    }
    let Loaded {
        run: row,
        definition,
        nodes,
    } = loaded;
    let now = Utc::now();
    let mut rerun = Vec::new();
    let mut events = vec![WorkflowRunEvent::run_status(RUNNING, None)];
    for node in nodes.values().filter(|n| n.status != COMPLETED) {
        rerun.push(node.node_key.clone());
        let mut active: node_run::ActiveModel = node.clone().into();
        active.status = Set(PENDING.to_owned());
        active.attempt_base = Set(node.attempt);
        active.job_id = Set(None);
        active.error = Set(None);
        active.output = Set(None);
        active.rendered_input = Set(None);
        active.deadline = Set(None);
        active.decision = Set(None);
        active.started_at = Set(None);
        active.finished_at = Set(None);
        active.latency_ms = Set(None);
        active.updated_at = Set(now);
        active.update(txn).await?;
        events.push(WorkflowRunEvent::node_status(
            &node.node_key,
            PENDING,
            node.attempt,
            None,
        ));
    }
    let mut pinned: BTreeMap<String, ResolvedPrompt> =
        serde_json::from_value(row.prompt_versions.clone()).unwrap_or_default();
    for (key, prompt) in prompts {
        if rerun.contains(&key) {
            pinned.insert(key, prompt);
        }
    }
    let mut resumptions = match &row.resumptions {
        Value::Array(list) => list.clone(),
        _ => Vec::new(),
    };
    resumptions.push(json!({
        "at": now,
        "byUser": by.user,
        "byApiKey": by.api_key,
        "nodes": rerun,
        "after": row.status,
    }));
    let deadline = definition
        .timeout_secs
        .map(|secs| now + chrono_duration(std::time::Duration::from_secs(secs)));
    let mut active: workflow_run::ActiveModel = row.into();
    active.status = Set(RUNNING.to_owned());
    active.error = Set(None);
    active.output = Set(None);
    active.finished_at = Set(None);
    active.latency_ms = Set(None);
    active.critical_path = Set(None);
    active.deadline = Set(deadline);
    active.prompt_versions = Set(json!(pinned));
    active.resumptions = Set(Value::Array(resumptions));
    active.update(txn).await?;
    let mut out = advance(txn, ctx, run).await?;
    events.append(&mut out.events);
    out.events = events;
    out.status = out.status.or(Some(RUNNING.to_owned()));
    Ok(Ok(out))
}

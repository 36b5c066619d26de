//! `advance`: the one place a run moves on. Called in the transaction that changed one of its
//! nodes (a node job's finish, an approval, a cancel, a retry, a timer), it takes the run's row
//! lock — so the finishes of parallel nodes serialize and each sees the others' results — then
//! aborts the run if a node failed with `abort`, makes ready every node whose predecessors
//! are all decided (a job, or WAITING for an approval), skips those reached only through
//! untaken edges, and finishes the run when every node is done.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

pub use super::advanced::Advanced;
use super::attempts::touch_run;
use super::events::WorkflowRunEvent;
use super::graph::{critical_path, order};
use super::pii::Storage;
use super::status::{self, *};
use super::{node, scope};
use crate::engine::{JobContext, chrono_duration};
use crate::jobs;
use crate::templating::ChatMessage;
use crate::workflow::definition::{ApprovalStep, Definition, Edge, OnFailure, Step};
use entities::{node_run, workflow_run, workflow_version};

/// A run's definition and nodes, loaded under its row lock.
pub(super) struct Loaded {
    pub run: workflow_run::Model,
    pub definition: Definition,
    pub nodes: BTreeMap<String, node_run::Model>,
}

/// Takes the run's row lock (an update: it works the same on SQLite, whose writers are
/// serialized anyway, and PostgreSQL) and loads it; `None` when it does not exist.
pub(super) async fn lock(txn: &DatabaseTransaction, run: Uuid) -> Result<Option<Loaded>, DbErr> {
    touch_run(txn, run).await?;
    let Some(run) = workflow_run::Entity::find_by_id(run).one(txn).await? else {
        return Ok(None);
    };
    let definition = definition_of(txn, run.workflow_version_id).await?;
    let nodes = node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(run.id))
        .order_by_asc(node_run::Column::NodeKey)
        .all(txn)
        .await?
        .into_iter()
        .map(|node| (node.node_key.clone(), node))
        .collect();
    Ok(Some(Loaded {
        run,
        definition,
        nodes,
    }))
}

pub async fn definition_of(
    conn: &impl ConnectionTrait,
    version: Uuid,
) -> Result<Definition, DbErr> {
    let row = workflow_version::Entity::find_by_id(version)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("workflow version {version}")))?;
    serde_json::from_value(row.definition)
        .map_err(|error| DbErr::Custom(format!("workflow version {version}: {error}")))
}

/// Moves the run on (see the module's documentation).
pub async fn advance(
    txn: &DatabaseTransaction,
    ctx: &JobContext,
    run: Uuid,
) -> Result<Advanced, DbErr> {
    let Some(mut loaded) = lock(txn, run).await? else {
        return Ok(Advanced {
            run,
            ..Advanced::default()
        });
    };
    let mut out = Advanced::of(&loaded.run);
    if status::run_is_terminal(&loaded.run.status) {
        return Ok(out);
    }
    // Past its deadline, the run fails for that, whatever its nodes did meanwhile.
    if loaded
        .run
        .deadline
        .is_some_and(|deadline| deadline <= Utc::now())
    {
        let error = Some("the run took longer than its timeout".to_owned());
        close(txn, &mut loaded, FAILED, error, &mut out).await?;
        return Ok(out);
    }
    if let Some(error) = aborted(&loaded) {
        close(txn, &mut loaded, FAILED, Some(error), &mut out).await?;
        return Ok(out);
    }
    for key in order(&loaded.definition) {
        let Some(row) = loaded.nodes.get(&key) else {
            continue;
        };
        if row.status != PENDING || row.job_id.is_some() {
            continue;
        }
        let updated = match decide(&loaded, &key) {
            Decision::Wait => continue,
            Decision::Skip => {
                out.events.push(WorkflowRunEvent::node_status(
                    &key,
                    SKIPPED,
                    row.attempt,
                    None,
                ));
                let mut active: node_run::ActiveModel = row.clone().into();
                active.status = Set(SKIPPED.to_owned());
                active.finished_at = Set(Some(Utc::now()));
                active.updated_at = Set(Utc::now());
                active.update(txn).await?
            }
            Decision::Ready => ready(txn, ctx, &loaded, row, &mut out).await?,
        };
        loaded.nodes.insert(key, updated);
    }
    settle(txn, ctx, &mut loaded, &mut out).await?;
    Ok(out)
}

/// A node made ready: an approval starts waiting, anything else gets its job.
async fn ready(
    txn: &DatabaseTransaction,
    ctx: &JobContext,
    loaded: &Loaded,
    row: &node_run::Model,
    out: &mut Advanced,
) -> Result<node_run::Model, DbErr> {
    let now = Utc::now();
    let mut active: node_run::ActiveModel = row.clone().into();
    active.updated_at = Set(now);
    let spec = loaded
        .definition
        .nodes
        .iter()
        .find(|n| n.key == row.node_key);
    if let Some(Step::Approval(_)) = spec.map(|n| &n.step) {
        let secs = spec
            .and_then(|n| n.timeout_secs)
            .map_or(ApprovalStep::DEFAULT_TIMEOUT_SECS, u64::from);
        let wait = std::time::Duration::from_secs(secs);
        active.status = Set(WAITING.to_owned());
        active.started_at = Set(Some(now));
        active.deadline = Set(Some(now + chrono_duration(wait)));
        out.events.push(WorkflowRunEvent::node_status(
            &row.node_key,
            WAITING,
            row.attempt,
            None,
        ));
    } else {
        // A node re-run by a resumed run already has its job (one per node): run it again.
        let resumed = super::resumptions(&loaded.run) > 0;
        let max_attempts = ctx.settings.max_attempts;
        let rearmed = if resumed {
            jobs::rearm(txn, node::KIND, row.id, max_attempts).await?
        } else {
            None
        };
        let job = match rearmed {
            Some(job) => job,
            None => {
                jobs::insert(txn, row.org_id, node::KIND, row.id, max_attempts)
                    .await?
                    .id
            }
        };
        active.job_id = Set(Some(job));
        out.jobs.push((job, node::KIND));
    }
    active.update(txn).await
}

/// The error of a node that failed with the `abort` policy, if one did.
fn aborted(loaded: &Loaded) -> Option<String> {
    loaded.definition.nodes.iter().find_map(|node| {
        let row = loaded.nodes.get(&node.key)?;
        (row.status == FAILED && node.on_failure == OnFailure::Abort).then(|| {
            format!(
                "node `{}` failed: {}",
                node.key,
                row.error.as_deref().unwrap_or("unknown error")
            )
        })
    })
}

enum Decision {
    Wait,
    Ready,
    Skip,
}

/// Whether a PENDING node can be decided: every incoming edge's source must be done; it runs
/// when at least one of them was taken, and is skipped when none was.
fn decide(loaded: &Loaded, key: &str) -> Decision {
    let incoming: Vec<&Edge> = loaded
        .definition
        .edges
        .iter()
        .filter(|e| e.to == key)
        .collect();
    if incoming.is_empty() {
        return Decision::Ready;
    }
    let mut taken = false;
    for edge in incoming {
        let Some(source) = loaded.nodes.get(&edge.from) else {
            continue;
        };
        match source.status.as_str() {
            PENDING | EXECUTING | WAITING => return Decision::Wait,
            COMPLETED => {
                let is_condition = loaded
                    .definition
                    .nodes
                    .iter()
                    .any(|n| n.key == edge.from && matches!(n.step, Step::Condition(_)));
                taken |= !edge.on_failure
                    && match (&edge.branch, is_condition) {
                        (Some(branch), true) => source.output.as_deref() == Some(branch),
                        _ => true,
                    };
            }
            FAILED => {
                let policy = loaded
                    .definition
                    .nodes
                    .iter()
                    .find(|n| n.key == edge.from)
                    .map(|n| &n.on_failure);
                taken |= match policy {
                    Some(OnFailure::Branch) => edge.on_failure,
                    Some(OnFailure::Continue) => !edge.on_failure,
                    _ => false,
                };
            }
            _ => {}
        }
    }
    if taken {
        Decision::Ready
    } else {
        Decision::Skip
    }
}

/// After the decisions: the run's totals and status — FINISHED with its output when every
/// node is done, WAITING while only approvals are open, RUNNING otherwise.
async fn settle(
    txn: &DatabaseTransaction,
    ctx: &JobContext,
    loaded: &mut Loaded,
    out: &mut Advanced,
) -> Result<(), DbErr> {
    let nodes = &loaded.nodes;
    let mut active: workflow_run::ActiveModel = loaded.run.clone().into();
    active.tokens_in = Set(nodes.values().map(|n| n.tokens_in).sum());
    active.tokens_out = Set(nodes.values().map(|n| n.tokens_out).sum());
    active.cost_usd = Set(nodes.values().map(|n| n.cost_usd).sum());
    let done = nodes.values().all(|n| status::node_is_terminal(&n.status));
    let busy = nodes
        .values()
        .any(|n| n.status == EXECUTING || (n.status == PENDING && n.job_id.is_some()));
    let waiting = nodes.values().any(|n| n.status == WAITING);
    let status = if done {
        let storage = Storage::of(ctx, txn, loaded.run.org_id)
            .await
            .map_err(DbErr::Custom)?;
        let vars = scope::restored(txn, ctx, &loaded.run, nodes.values())
            .await
            .map_err(DbErr::Custom)?;
        let template = [ChatMessage {
            role: "output".into(),
            content: loaded.definition.output.clone(),
        }];
        match ctx
            .renderer
            .render(loaded.run.org_id, &template, &vars)
            .await
        {
            Ok(rendered) => {
                let output = rendered
                    .into_iter()
                    .next()
                    .map(|m| storage.output(&m.content));
                if let Some(output) = &output {
                    out.events.push(WorkflowRunEvent::run_output(output));
                }
                active.output = Set(output);
                FINISHED
            }
            Err(error) => {
                let error = format!("the run's output template: {error}");
                active.error = Set(Some(storage.text(&error)));
                FAILED
            }
        }
    } else if waiting && !busy {
        WAITING
    } else if loaded.run.status == WAITING {
        RUNNING
    } else {
        loaded.run.status.as_str()
    };
    let status = status.to_owned();
    if status::run_is_terminal(&status) {
        let now = Utc::now();
        active.finished_at = Set(Some(now));
        let began = loaded.run.started_at.unwrap_or(loaded.run.created_at);
        active.latency_ms = Set(Some((now - began).num_milliseconds()));
        active.critical_path = Set(Some(serde_json::json!(critical_path(loaded))));
    }
    let ended = status != loaded.run.status && status::run_is_terminal(&status);
    if status != loaded.run.status {
        let error = active.error.clone().take().flatten();
        out.events
            .push(WorkflowRunEvent::run_status(&status, error));
        out.status = Some(status.clone());
        active.status = Set(status);
    }
    loaded.run = active.update(txn).await?;
    if ended {
        hand_back(txn, &loaded.run, out).await?;
    }
    Ok(())
}

/// Ends a run that did not finish (FAILED or CANCELLED): its open nodes are CANCELLED and
/// their jobs too; the running ones are stopped after the commit (`Advanced::stop`).
pub(super) async fn close(
    txn: &DatabaseTransaction,
    loaded: &mut Loaded,
    status: &str,
    error: Option<String>,
    out: &mut Advanced,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let mut jobs_to_cancel = Vec::new();
    for row in loaded.nodes.values_mut() {
        if !matches!(row.status.as_str(), PENDING | EXECUTING | WAITING) {
            continue;
        }
        if row.status != PENDING || row.job_id.is_some() {
            out.events.push(WorkflowRunEvent::node_status(
                &row.node_key,
                CANCELLED,
                row.attempt,
                None,
            ));
        }
        jobs_to_cancel.extend(row.job_id.map(|job| (job, row.id)));
        let mut active: node_run::ActiveModel = row.clone().into();
        active.status = Set(CANCELLED.to_owned());
        active.finished_at = Set(Some(now));
        active.updated_at = Set(now);
        *row = active.update(txn).await?;
    }
    out.cancel_jobs.extend(jobs_to_cancel);
    let nodes = &loaded.nodes;
    let mut active: workflow_run::ActiveModel = loaded.run.clone().into();
    active.status = Set(status.to_owned());
    active.error = Set(error.clone());
    active.finished_at = Set(Some(now));
    let began = loaded.run.started_at.unwrap_or(loaded.run.created_at);
    active.latency_ms = Set(Some((now - began).num_milliseconds()));
    active.tokens_in = Set(nodes.values().map(|n| n.tokens_in).sum());
    active.tokens_out = Set(nodes.values().map(|n| n.tokens_out).sum());
    active.cost_usd = Set(nodes.values().map(|n| n.cost_usd).sum());
    active.updated_at = Set(now);
    loaded.run = active.update(txn).await?;
    out.events.push(WorkflowRunEvent::run_status(status, error));
    out.status = Some(status.to_owned());
    out.stop = true;
    hand_back(txn, &loaded.run, out).await
}

/// When a run ends: its PII vault goes, and a run started for an evaluation item hands it
/// back: the item's job runs again to score it.
async fn hand_back(
    txn: &DatabaseTransaction,
    run: &workflow_run::Model,
    out: &mut Advanced,
) -> Result<(), DbErr> {
    super::pii::ended(txn, run.id).await?;
    if let Some(result) = run.evaluation_result_id
        && let Some(job) =
            jobs::rearm(txn, crate::evaluation::run::KIND, result, SCORING_ATTEMPTS).await?
    {
        out.jobs.push((job, crate::evaluation::run::KIND));
    }
    Ok(())
}

/// Attempts the scoring job of an evaluation item gets when its workflow run ends.
const SCORING_ATTEMPTS: i32 = 3;

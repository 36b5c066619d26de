//! Workflow runs: start one (inputs checked, prompt labels resolved and pinned, nothing queued
//! on a refusal), read and list them, cancel, answer an approval, retry from failure. Each
//! command is one unit of work ending in the workers' `advance`; after the commit its events
//! are published and its jobs queued.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use tracing::instrument;
use uuid::Uuid;
use workers::workflow::Definition;
use workers::workflow::run::{self as engine, Advanced, ResolvedPrompt, Start};

use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::authz::{Authz, Permission, permissions};
use crate::error::{AppError, AppResult};
use crate::service::authorship::{api_key_of, user_of};
use crate::service::pages;
use crate::service::prompt::versions::{self as prompt_versions, Selector};
use crate::service::workflow::{versions, workflows};
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::{node_run, prompt, workflow_run, workflow_version};

/// What `runWorkflow` asks for.
pub struct RunInput {
    pub workflow_id: Uuid,
    pub version: Option<i32>,
    pub label: Option<String>,
    pub inputs: Value,
}

fn who(actor: &Actor) -> engine::Actor {
    engine::Actor {
        user: user_of(actor),
        api_key: api_key_of(actor),
    }
}

/// A run `actor` holds `permission` on; another organization's is NOT_FOUND.
pub async fn authorized(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    permission: Permission,
) -> AppResult<workflow_run::Model> {
    let run = workflow_run::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("workflow run"))?;
    authz
        .require(actor, run.org_id, permission)
        .await
        .map_err(|error| error.not_found_as("workflow run"))?;
    Ok(run)
}

/// The prompt version every prompt node (and map over a prompt) runs now, by its label or
/// version; each must be a live prompt of the organization.
pub(crate) async fn resolve_prompts(
    conn: &impl ConnectionTrait,
    org: Uuid,
    definition: &Definition,
) -> AppResult<BTreeMap<String, ResolvedPrompt>> {
    let mut resolved = BTreeMap::new();
    let mut problems = Vec::new();
    for node in &definition.nodes {
        let Some(step) = engine::prompt_of(&node.step) else {
            continue;
        };
        let live = prompt::Entity::find_by_id(step.prompt_id)
            .filter(prompt::Column::OrgId.eq(org))
            .filter(prompt::Column::DeletedAt.is_null())
            .one(conn)
            .await?;
        if live.is_none() {
            problems.push(format!("node `{}`: its prompt no longer exists", node.key));
            continue;
        }
        let selector = match Selector::from_args(step.version, step.label.clone()) {
            Ok(selector) => selector,
            Err(error) => {
                problems.push(format!("node `{}`: {}", node.key, error.message()));
                continue;
            }
        };
        match prompt_versions::resolve(conn, step.prompt_id, &selector).await {
            Ok(version) => {
                resolved.insert(
                    node.key.clone(),
                    ResolvedPrompt {
                        prompt_id: step.prompt_id,
                        prompt_version_id: version.id,
                        version: version.version,
                    },
                );
            }
            Err(AppError::NotFound(what)) => {
                problems.push(format!("node `{}`: {what} not found", node.key));
            }
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() {
        Ok(resolved)
    } else {
        Err(AppError::validation(problems.join("; ")))
    }
}

/// Starts a run: PENDING, its first nodes queued after the commit. Missing or mistyped inputs
/// and prompts that cannot be resolved are BAD_USER_INPUT (every problem at once), and then
/// nothing is written.
#[instrument(skip_all, fields(workflow = %input.workflow_id))]
pub async fn run_workflow(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    input: RunInput,
) -> AppResult<workflow_run::Model> {
    let found = workflows::authorized(
        &app.db,
        &app.authz,
        actor,
        input.workflow_id,
        permissions::WORKFLOW_EXECUTE,
    )
    .await?;
    let version =
        versions::select(&app.db, found.id, input.version, input.label.as_deref()).await?;
    let definition = versions::definition_of(&version)?;
    let inputs = engine::check_inputs(&definition, &input.inputs)
        .map_err(|problems| AppError::validation(problems.join("; ")))?;
    let prompts = resolve_prompts(&app.db, found.org_id, &definition).await?;
    let limits = app.limits.get(&app.db, &app.config, found.org_id).await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    crate::service::limits::quotas::check_tokens(&mut work, actor, found.org_id, &limits).await?;
    let start = Start {
        version: &version,
        definition: &definition,
        label: input.label.filter(|label| label != "latest"),
        inputs,
        prompts,
        by: who(actor),
        evaluation_result: None,
    };
    let (run, advanced) = engine::start(&work.txn, &app.runtime.ctx, start).await?;
    let entry = AuditEntry::new(
        Some(run.org_id),
        "workflow_run.create",
        "workflow_run",
        run.id,
    )
    .summary(json!({ "workflowId": run.workflow_id, "version": run.version }));
    work.audit(Some(actor), entry).await?;
    publish_then_apply(app, &mut work, advanced).await;
    work.commit().await?;
    Ok(run)
}

/// Publishes the change's events now, while the transaction holds the run's lock (so the
/// run's events are numbered in the order its changes commit), and does the rest after the
/// commit.
async fn publish_then_apply(app: &App, work: &mut UnitOfWork<'_>, mut advanced: Advanced) {
    advanced.publish(&app.runtime.ctx).await;
    work.after_commit(move |app| Box::pin(async move { advanced.apply(&app.runtime.ctx).await }));
}

/// What a change to a run was refused for is the caller's mistake.
fn refused(refusal: String) -> AppError {
    AppError::validation(refusal)
}

/// Cancels a run that has not ended: its running node jobs are stopped, the rest never run.
/// A run that already ended is returned unchanged.
#[instrument(skip_all, fields(run = %id))]
pub async fn cancel_run(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<workflow_run::Model> {
    let run = authorized(
        &app.db,
        &app.authz,
        actor,
        id,
        permissions::WORKFLOW_EXECUTE,
    )
    .await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    if let Ok(advanced) = engine::cancel(&work.txn, run.id).await? {
        let entry = AuditEntry::new(
            Some(run.org_id),
            "workflow_run.cancel",
            "workflow_run",
            run.id,
        );
        work.audit(Some(actor), entry).await?;
        publish_then_apply(app, &mut work, advanced).await;
    }
    work.commit().await?;
    reload(&app.db, id).await
}

/// Answers an approval node that is WAITING.
#[instrument(skip_all, fields(run = %id, node = %node_key))]
pub async fn resume_run(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
    node_key: &str,
    approved: bool,
    input: Option<Value>,
) -> AppResult<workflow_run::Model> {
    let run = authorized(
        &app.db,
        &app.authz,
        actor,
        id,
        permissions::WORKFLOW_EXECUTE,
    )
    .await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let advanced = engine::approve(
        &work.txn,
        &app.runtime.ctx,
        run.id,
        node_key,
        approved,
        input,
        who(actor),
    )
    .await?
    .map_err(refused)?;
    let entry = AuditEntry::new(
        Some(run.org_id),
        "workflow_run.resume",
        "workflow_run",
        run.id,
    )
    .summary(json!({ "node": node_key, "approved": approved }));
    work.audit(Some(actor), entry).await?;
    publish_then_apply(app, &mut work, advanced).await;
    work.commit().await?;
    reload(&app.db, id).await
}

/// Resumes a FAILED or CANCELLED run from where it stopped: completed nodes keep their
/// outputs; the others run again, their prompt labels resolved afresh.
#[instrument(skip_all, fields(run = %id))]
pub async fn retry_run(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<workflow_run::Model> {
    let run = authorized(
        &app.db,
        &app.authz,
        actor,
        id,
        permissions::WORKFLOW_EXECUTE,
    )
    .await?;
    let version = workflow_version::Entity::find_by_id(run.workflow_version_id)
        .one(&app.db)
        .await?
        .ok_or(AppError::NotFound("workflow version"))?;
    let mut definition = versions::definition_of(&version)?;
    // Only the nodes that will run again need their prompts (one only a completed node used
    // may be gone by now).
    let completed: Vec<String> = nodes(&app.db, run.id)
        .await?
        .into_iter()
        .filter(|n| n.status == engine::status::COMPLETED)
        .map(|n| n.node_key)
        .collect();
    definition.nodes.retain(|n| !completed.contains(&n.key));
    let prompts = resolve_prompts(&app.db, run.org_id, &definition).await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let advanced = engine::retry(&work.txn, &app.runtime.ctx, run.id, prompts, who(actor))
        .await?
        .map_err(refused)?;
    let entry = AuditEntry::new(
        Some(run.org_id),
        "workflow_run.retry",
        "workflow_run",
        run.id,
    );
    work.audit(Some(actor), entry).await?;
    publish_then_apply(app, &mut work, advanced).await;
    work.commit().await?;
    reload(&app.db, id).await
}

async fn reload(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<workflow_run::Model> {
    workflow_run::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("workflow run"))
}

/// A run's nodes, in the definition's order of keys.
pub async fn nodes(conn: &impl ConnectionTrait, run: Uuid) -> AppResult<Vec<node_run::Model>> {
    Ok(node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(run))
        .order_by_asc(node_run::Column::Id)
        .all(conn)
        .await?)
}

/// One page of an organization's runs, newest first.
pub struct Page {
    pub runs: Vec<workflow_run::Model>,
    pub has_next: bool,
    pub total: u64,
}

pub struct ListFilter {
    pub workflow_id: Option<Uuid>,
    pub status: Option<String>,
}

pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    first: u64,
    after: Option<&str>,
    filter: ListFilter,
) -> AppResult<Page> {
    authz
        .require(actor, org, permissions::WORKFLOW_READ)
        .await?;
    let mut query = workflow_run::Entity::find().filter(workflow_run::Column::OrgId.eq(org));
    if let Some(workflow) = filter.workflow_id {
        query = query.filter(workflow_run::Column::WorkflowId.eq(workflow));
    }
    if let Some(status) = filter.status {
        query = query.filter(workflow_run::Column::Status.eq(status));
    }
    let total = query.clone().count(conn).await?;
    let key = (workflow_run::Column::CreatedAt, workflow_run::Column::Id);
    let (runs, has_next) = pages::newest_first(conn, query, key, first, after).await?;
    Ok(Page {
        runs,
        has_next,
        total,
    })
}

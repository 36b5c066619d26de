//! Evaluation runs: start one (dataset version, targets, mapping and evaluators checked and
//! resolved first — every problem at once, nothing written on a refusal), read and list them,
//! cancel. Each command is one unit of work; after its commit its jobs are queued.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tracing::instrument;
use uuid::Uuid;
use workers::evaluation::run::{
    self as engine, NewRun, RunConfig,
    config::{DEFAULT_CONCURRENCY, MAX_CONCURRENCY},
    events,
};

use super::targets;
pub use super::targets::{EvaluatorInput, TargetInput};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::authz::{Authz, Permission, permissions};
use crate::error::{AppError, AppResult};
use crate::service::authorship::{api_key_of, user_of};
use crate::service::dataset::{datasets, items};
use crate::service::pages;
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::evaluation_run;

/// The most item × target results one run may have.
pub const MAX_RESULTS: usize = 200_000;

/// What `runEvaluation` asks for.
#[derive(Debug, Clone, Default)]
pub struct RunInput {
    pub dataset_id: Uuid,
    /// Default: the dataset's latest version.
    pub dataset_version: Option<i32>,
    pub name: Option<String>,
    pub targets: Vec<TargetInput>,
    /// Target variable → `inputs.<key>`, `metadata.<key>` or `expected`.
    pub mapping: Vec<(String, String)>,
    pub evaluators: Vec<EvaluatorInput>,
    pub threshold: Option<f64>,
    pub concurrency: Option<i32>,
    pub use_cache: Option<bool>,
}

/// A run `actor` holds `permission` on; another organization's is NOT_FOUND.
pub async fn authorized(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    permission: Permission,
) -> AppResult<evaluation_run::Model> {
    let run = evaluation_run::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("evaluation run"))?;
    authz
        .require(actor, run.org_id, permission)
        .await
        .map_err(|error| error.not_found_as("evaluation run"))?;
    Ok(run)
}

/// The run's configuration as stored.
pub fn config_of(run: &evaluation_run::Model) -> AppResult<RunConfig> {
    serde_json::from_value(run.config.clone()).map_err(AppError::internal)
}

/// Starts a run: PENDING, every item × target a result, the first `concurrency` queued after
/// the commit.
#[instrument(skip_all, fields(dataset = %input.dataset_id))]
pub async fn run_evaluation(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    input: RunInput,
) -> AppResult<evaluation_run::Model> {
    let dataset = datasets::authorized(
        &app.db,
        &app.authz,
        actor,
        input.dataset_id,
        permissions::DATASET_READ,
    )
    .await
    .map_err(|error| error.not_found_as("dataset"))?;
    app.authz
        .require(actor, dataset.org_id, permissions::EVALUATION_EXECUTE)
        .await?;
    let org = dataset.org_id;
    require_for_targets(app, actor, org, &input).await?;
    let mut problems = Vec::new();
    let version = input.dataset_version.unwrap_or(dataset.latest_version);
    if version < 1 || version > dataset.latest_version {
        problems.push(format!(
            "datasetVersion {version} does not exist (the dataset is at version {})",
            dataset.latest_version
        ));
    }
    let targets = targets::resolve_targets(&app.db, org, &input.targets, &mut problems).await?;
    let mapping = targets::parse_mapping(&input.mapping, &mut problems);
    let evaluators =
        targets::resolve_evaluators(&app.db, org, &input.evaluators, &mut problems).await?;
    if let Some(threshold) = input.threshold
        && !(0.0..=1.0).contains(&threshold)
    {
        problems.push("threshold must be between 0 and 1".to_owned());
    }
    let concurrency = input.concurrency.unwrap_or(DEFAULT_CONCURRENCY as i32);
    if concurrency < 1 || concurrency > MAX_CONCURRENCY as i32 {
        problems.push(format!(
            "concurrency must be between 1 and {MAX_CONCURRENCY}"
        ));
    }
    let name = input.name.unwrap_or_default().trim().to_owned();
    if name.chars().count() > 200 {
        problems.push("name must be at most 200 characters".to_owned());
    }
    if !problems.is_empty() {
        return Err(AppError::validation(problems.join("; ")));
    }
    let items = items::at_version(&app.db, dataset.id, version).await?;
    if items.len().saturating_mul(targets.len()) > MAX_RESULTS {
        return Err(AppError::validation(format!(
            "{} items × {} targets is more than {MAX_RESULTS} results",
            items.len(),
            targets.len()
        )));
    }
    let config = RunConfig {
        targets,
        mapping,
        evaluators,
        threshold: input.threshold,
        concurrency: u32::try_from(concurrency).unwrap_or(DEFAULT_CONCURRENCY),
        use_cache: input.use_cache.unwrap_or(true),
    };
    let name = if name.is_empty() {
        format!("{} v{version}", dataset.name)
    } else {
        name
    };
    let new = NewRun {
        org,
        dataset_id: dataset.id,
        dataset_version: version,
        name,
        config,
        items,
        by: engine::Actor {
            user: user_of(actor),
            api_key: api_key_of(actor),
        },
    };
    let limits = app.limits.get(&app.db, &app.config, org).await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    crate::service::limits::quotas::check_tokens(&mut work, actor, org, &limits).await?;
    let max_attempts = app.runtime.ctx.settings.max_attempts;
    let (run, event, jobs) = engine::start(&work.txn, max_attempts, new).await?;
    let entry = AuditEntry::new(Some(org), "evaluation_run.create", "evaluation_run", run.id)
        .summary(json!({
            "datasetId": run.dataset_id,
            "datasetVersion": run.dataset_version,
            "results": run.total,
        }));
    work.audit(Some(actor), entry).await?;
    // Published before the commit, as every event of the run: the first number is its start.
    events::publish(&app.bus, run.id, &[event]).await;
    let (id, status) = (run.id, run.status.clone());
    work.after_commit(move |app| {
        Box::pin(async move {
            events::announce(&app.bus, org, id, &status).await;
            for job in jobs {
                app.runtime
                    .enqueue_written(org, job, workers::evaluation::run::KIND)
                    .await;
            }
        })
    });
    work.commit().await?;
    Ok(run)
}

/// What running the targets and the model-backed evaluators needs besides
/// `evaluation:execute`: a prompt target reads and executes a prompt (`prompt:read`,
/// `execution:execute`), a workflow target runs a workflow (`workflow:execute`), and a spec
/// evaluator may call a model (`execution:execute`), as their own operations would.
async fn require_for_targets(
    app: &App,
    actor: &Actor,
    org: Uuid,
    input: &RunInput,
) -> AppResult<()> {
    let mut needed = Vec::new();
    for target in &input.targets {
        match target {
            TargetInput::Prompt { .. } => {
                needed.extend([permissions::PROMPT_READ, permissions::EXECUTION_EXECUTE])
            }
            TargetInput::Workflow { .. } => needed.push(permissions::WORKFLOW_EXECUTE),
        }
    }
    if !input.evaluators.is_empty() {
        needed.push(permissions::EXECUTION_EXECUTE);
    }
    needed.dedup();
    for permission in needed {
        app.authz.require(actor, org, permission).await?;
    }
    Ok(())
}

/// Cancels a run that has not ended: its running items stop, the rest never run. A run that
/// already ended is returned unchanged.
#[instrument(skip_all, fields(run = %id))]
pub async fn cancel_run(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<evaluation_run::Model> {
    let run = authorized(
        &app.db,
        &app.authz,
        actor,
        id,
        permissions::EVALUATION_EXECUTE,
    )
    .await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    if let Some(cancelled) = engine::cancel(&work.txn, run.id).await? {
        let entry = AuditEntry::new(
            Some(run.org_id),
            "evaluation_run.cancel",
            "evaluation_run",
            run.id,
        );
        work.audit(Some(actor), entry).await?;
        events::publish(&app.bus, run.id, &[cancelled.event]).await;
        let (org, workflow_runs) = (run.org_id, cancelled.workflow_runs);
        work.after_commit(move |app| {
            Box::pin(async move { after_cancel(app, org, id, workflow_runs).await })
        });
    }
    work.commit().await?;
    reload(&app.db, id).await
}

/// After a cancel committed: running items stop, open jobs close, workflow runs end.
async fn after_cancel(app: &App, org: Uuid, id: Uuid, workflow_runs: Vec<Uuid>) {
    let ctx = &app.runtime.ctx;
    // Jobs closed first: a job claimed just before the broadcast then sees it is no longer held.
    if let Err(error) = engine::close_cancelled_jobs(&app.db, id).await {
        tracing::warn!(%error, run = %id, "could not close a cancelled evaluation's jobs");
    }
    if let Err(error) = ctx
        .bus
        .publish(workers::runtime::CANCEL_TOPIC, &id.to_string())
        .await
    {
        tracing::warn!(%error, run = %id, "could not broadcast a cancel; lease checks will stop its jobs");
    }
    for workflow_run in workflow_runs {
        let cancelled = async {
            let txn = workers::jobs::begin_write(&app.db).await?;
            let done = workers::workflow::run::cancel(&txn, workflow_run).await?;
            let mut advanced = match done {
                Ok(advanced) => advanced,
                Err(_) => return Ok::<_, sea_orm::DbErr>(None),
            };
            advanced.publish(ctx).await;
            txn.commit().await?;
            Ok(Some(advanced))
        };
        match cancelled.await {
            Ok(Some(advanced)) => advanced.apply(ctx).await,
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(%error, %workflow_run, "could not cancel an evaluation's workflow run")
            }
        }
    }
    events::announce(&app.bus, org, id, engine::status::CANCELLED).await;
}

async fn reload(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<evaluation_run::Model> {
    evaluation_run::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("evaluation run"))
}

/// One page of an organization's runs, newest first.
pub struct Page {
    pub runs: Vec<evaluation_run::Model>,
    pub has_next: bool,
    pub total: u64,
}

pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    dataset: Option<Uuid>,
    first: u64,
    after: Option<&str>,
) -> AppResult<Page> {
    authz
        .require(actor, org, permissions::EVALUATION_READ)
        .await?;
    let mut query = evaluation_run::Entity::find().filter(evaluation_run::Column::OrgId.eq(org));
    if let Some(dataset) = dataset {
        query = query.filter(evaluation_run::Column::DatasetId.eq(dataset));
    }
    let total = query.clone().count(conn).await?;
    let key = (
        evaluation_run::Column::CreatedAt,
        evaluation_run::Column::Id,
    );
    let (runs, has_next) = pages::newest_first(conn, query, key, first, after).await?;
    Ok(Page {
        runs,
        has_next,
        total,
    })
}

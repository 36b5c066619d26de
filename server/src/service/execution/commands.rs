//! The execution commands. `execute` renders (before any transaction: a render may wait for
//! a sandbox slot), writes the execution and its job with the audit entry, commits, then
//! enqueues the job and announces the execution; `cancel_execution` stops a running one.

use serde_json::json;
use tracing::instrument;
use uuid::Uuid;
use workers::execution::events::{self, EventKind, ExecutionEvent};
use workers::pii::vault;

use super::credentials::{self, CredentialInput};
use super::executions::{self, ExecuteInput};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::{execution, provider_credential};

/// Renders the prompt and queues its execution; returns it PENDING. After the commit the job
/// is handed to the queue (a worker must find the row); if the queue is down, the job waits
/// unpublished and the reconciler hands it over when the queue is back.
#[instrument(skip_all, fields(prompt = %input.prompt_id))]
pub async fn execute(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    input: ExecuteInput,
) -> AppResult<execution::Model> {
    let mut prepared =
        executions::prepare(&app.db, &app.authz, actor, &app.renderer, input).await?;
    // The organization's PII policy: what is stored is masked, the originals wait sealed in
    // the execution's vault for its worker (which deletes them when the execution ends).
    let completion = &app.runtime.ctx.completion;
    let pii = completion
        .pii
        .of(&app.db, prepared.org_id())
        .await
        .map_err(AppError::internal)?;
    let mapping = if pii.masks_storage() {
        prepared.mask(&pii.masker)
    } else {
        Vec::new()
    };
    let limits = app
        .limits
        .get(&app.db, &app.config, prepared.org_id())
        .await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let max_attempts = app.config.job_max_attempts.max(1);
    let overridden = prepared.overridden();
    let (execution, job) = executions::insert(&work.txn, actor, prepared, max_attempts).await?;
    vault::insert(
        &work.txn,
        &completion.sealer,
        execution.org_id,
        execution.id,
        &mapping,
    )
    .await?;
    let entry = AuditEntry::new(
        Some(execution.org_id),
        "execution.create",
        "execution",
        execution.id,
    )
    .summary(json!({
        "promptId": execution.prompt_id,
        "versionId": execution.prompt_version_id,
        // Per-run model settings are part of what was run: the audit says so, and the model.
        "model": execution.model_config.get("model"),
        "modelOverridden": overridden,
    }));
    work.audit(Some(actor), entry).await?;
    // Last, so the month's usage row is locked only until the commit just below.
    crate::service::limits::quotas::count_execution(&mut work, actor, execution.org_id, &limits)
        .await?;
    let (job, org, id, status) = (
        job.id,
        execution.org_id,
        execution.id,
        execution.status.clone(),
    );
    work.after_commit(move |app| {
        Box::pin(async move {
            app.runtime
                .enqueue_written(org, job, workers::execution::KIND)
                .await;
            events::announce(&app.bus, org, id, &status).await;
        })
    });
    work.commit().await?;
    Ok(execution)
}

/// Cancels a PENDING or RUNNING execution: after the commit, its worker is told to stop and
/// its followers get the cancellation. A finished execution is returned unchanged.
#[instrument(skip_all, fields(execution = %id))]
pub async fn cancel_execution(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<execution::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let (execution, cancelled) = executions::cancel(&work.txn, &app.authz, actor, id).await?;
    if cancelled {
        let entry = AuditEntry::new(
            Some(execution.org_id),
            "execution.cancel",
            "execution",
            execution.id,
        );
        work.audit(Some(actor), entry).await?;
        let (org, status) = (execution.org_id, execution.status.clone());
        work.after_commit(move |app| {
            Box::pin(async move {
                app.runtime.broadcast_cancel(id).await;
                let event = ExecutionEvent::new(EventKind::Cancelled);
                if let Err(error) = events::append(&app.bus, id, &event, 0).await {
                    tracing::warn!(%error, "could not publish a cancellation event");
                }
                events::announce(&app.bus, org, id, &status).await;
            })
        });
    }
    work.commit().await?;
    Ok(execution)
}

/// Stores the organization's key for a provider (sealed; replaces an earlier one).
#[instrument(skip_all, fields(org = %input.org, provider = %input.provider))]
pub async fn set_credential(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    input: CredentialInput,
) -> AppResult<provider_credential::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let stored = credentials::set(
        &work.txn,
        &app.authz,
        actor,
        &app.runtime.ctx.completion.sealer,
        &app.runtime.ctx.completion.llm.http.egress,
        input,
    )
    .await?;
    let entry = AuditEntry::new(
        Some(stored.org_id),
        "credential.set",
        "provider_credential",
        stored.id,
    )
    .summary(json!({ "provider": stored.provider, "baseUrl": stored.base_url }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(stored)
}

/// Removes the organization's key for `provider`; false when there was none.
#[instrument(skip_all, fields(org = %org, provider = %provider))]
pub async fn delete_credential(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    provider: &str,
) -> AppResult<bool> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let deleted = credentials::delete(&work.txn, &app.authz, actor, org, provider).await?;
    if deleted {
        let entry = AuditEntry::new(Some(org), "credential.delete", "provider_credential", org)
            .summary(json!({ "provider": provider }));
        work.audit(Some(actor), entry).await?;
    }
    work.commit().await?;
    Ok(deleted)
}

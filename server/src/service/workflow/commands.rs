//! The workflow commands: each authorizes and validates (definitions outside any
//! transaction), writes in one unit of work with its audit entry, and commits.

use serde_json::json;
use tracing::instrument;
use uuid::Uuid;
use workers::workflow::Definition;

use super::labels;
use super::versions::{self, ValidDefinition};
use super::workflows::{self, WorkflowChanges};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::authz::permissions;
use crate::error::AppResult;
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::{workflow, workflow_label, workflow_version};

/// A workflow as given, with its version 1 when a definition is.
pub struct NewWorkflow {
    pub name: String,
    pub slug: Option<String>,
    pub description: String,
    pub definition: Option<Definition>,
    pub commit_message: Option<String>,
}

/// Creates a workflow, and its version 1 when a definition is given.
#[instrument(skip_all, fields(org = %org))]
pub async fn create_workflow(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    input: NewWorkflow,
) -> AppResult<(workflow::Model, Option<workflow_version::Model>)> {
    let valid = match input.definition {
        Some(definition) => Some(
            versions::validate(
                &app.db,
                &app.authz,
                actor,
                org,
                definition,
                input.commit_message,
            )
            .await?,
        ),
        None => None,
    };
    let new = workflows::NewWorkflow {
        name: input.name,
        slug: input.slug,
        description: input.description,
    };
    let mut work = UnitOfWork::begin(app, request).await?;
    let workflow = workflows::create(&work.txn, &app.authz, actor, org, new).await?;
    let first = match valid {
        Some(valid) => Some(versions::insert(&work.txn, &workflow, 1, valid, actor).await?),
        None => None,
    };
    let entry = AuditEntry::new(Some(org), "workflow.create", "workflow", workflow.id).summary(
        json!({ "name": workflow.name, "slug": workflow.slug, "version": first.as_ref().map(|v| v.version) }),
    );
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok((workflow, first))
}

/// Changes name or description (versions never change).
#[instrument(skip_all, fields(workflow = %id))]
pub async fn update_workflow(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
    changes: WorkflowChanges,
) -> AppResult<workflow::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let workflow = workflows::update(&work.txn, &app.authz, actor, id, changes).await?;
    let entry = AuditEntry::new(
        Some(workflow.org_id),
        "workflow.update",
        "workflow",
        workflow.id,
    )
    .summary(json!({ "name": workflow.name, "description": workflow.description }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(workflow)
}

/// Soft-deletes a workflow.
#[instrument(skip_all, fields(workflow = %id))]
pub async fn delete_workflow(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<workflow::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let workflow = workflows::delete(&work.txn, &app.authz, actor, id).await?;
    let entry = AuditEntry::new(
        Some(workflow.org_id),
        "workflow.delete",
        "workflow",
        workflow.id,
    )
    .summary(json!({ "slug": workflow.slug }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(workflow)
}

/// Where a new version's definition comes from.
pub enum VersionSource {
    /// The typed GraphQL input.
    Definition(Definition),
    /// Exported JSON (`WorkflowVersion.definitionJson`).
    Json(String),
}

/// Adds the next version of a workflow, from a definition or imported JSON: refused with
/// every problem of the definition, and nothing saved, unless it is valid.
#[instrument(skip_all, fields(workflow = %workflow_id))]
pub async fn create_version(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    workflow_id: Uuid,
    source: VersionSource,
    commit_message: Option<String>,
) -> AppResult<workflow_version::Model> {
    // Authorized first: a stranger learns nothing from how their JSON is judged.
    let workflow = workflows::authorized(
        &app.db,
        &app.authz,
        actor,
        workflow_id,
        permissions::WORKFLOW_WRITE,
    )
    .await?;
    let (definition, action) = match source {
        VersionSource::Definition(definition) => (definition, "workflow.version.create"),
        VersionSource::Json(json) => (versions::import(&json)?, "workflow.version.import"),
    };
    let valid: ValidDefinition = versions::validate(
        &app.db,
        &app.authz,
        actor,
        workflow.org_id,
        definition,
        commit_message,
    )
    .await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let (workflow, version) =
        versions::create(&work.txn, &app.authz, actor, workflow_id, valid).await?;
    let entry = AuditEntry::new(
        Some(workflow.org_id),
        action,
        "workflow_version",
        version.id,
    )
    .summary(json!({ "workflowId": workflow.id, "version": version.version }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(version)
}

/// Points `label` at a version: by number, or where `from_label` points (promotion).
#[instrument(skip_all, fields(workflow = %workflow_id))]
pub async fn set_label(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    workflow_id: Uuid,
    label: &str,
    version: Option<i32>,
    from_label: Option<&str>,
) -> AppResult<workflow_label::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let (workflow, set) = labels::set_label(
        &work.txn,
        &app.authz,
        actor,
        workflow_id,
        label,
        version,
        from_label,
    )
    .await?;
    let entry = AuditEntry::new(
        Some(workflow.org_id),
        "workflow.label.set",
        "workflow",
        workflow.id,
    )
    .summary(json!({ "label": set.name, "version": set.version }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(set)
}

/// Removes a label (`latest` cannot be removed).
#[instrument(skip_all, fields(workflow = %workflow_id))]
pub async fn remove_label(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    workflow_id: Uuid,
    label: &str,
) -> AppResult<workflow_label::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let (workflow, removed) =
        labels::remove_label(&work.txn, &app.authz, actor, workflow_id, label).await?;
    let entry = AuditEntry::new(
        Some(workflow.org_id),
        "workflow.label.remove",
        "workflow",
        workflow.id,
    )
    .summary(json!({ "label": removed.name, "version": removed.version }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(removed)
}

//! The prompt commands: each validates (off the runtime, before any transaction), writes in
//! one unit of work with its audit entry, and commits.

use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use super::labels;
use super::prompts::{self, PromptChanges};
use super::versions::{self, Selector, VersionInput};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::{prompt, prompt_label, prompt_version};

/// A prompt and its version 1, as given.
pub struct NewPrompt {
    pub name: String,
    pub slug: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    pub version: VersionInput,
}

/// Creates a prompt and its version 1.
#[instrument(skip_all, fields(org = %org))]
pub async fn create_prompt(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    input: NewPrompt,
) -> AppResult<prompt::Model> {
    let version = versions::validate_off_thread(input.version).await?;
    let new = prompts::NewPrompt {
        name: input.name,
        slug: input.slug,
        description: input.description,
        tags: input.tags,
        version,
    };
    let mut work = UnitOfWork::begin(app, request).await?;
    let (prompt, _) = prompts::create(&work.txn, &app.authz, actor, org, new).await?;
    let entry = AuditEntry::new(Some(org), "prompt.create", "prompt", prompt.id)
        .summary(json!({ "name": prompt.name, "slug": prompt.slug }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(prompt)
}

/// Changes name, description or tags (versions never change).
#[instrument(skip_all, fields(prompt = %id))]
pub async fn update_prompt(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
    changes: PromptChanges,
) -> AppResult<prompt::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let prompt = prompts::update(&work.txn, &app.authz, actor, id, changes).await?;
    let entry = AuditEntry::new(Some(prompt.org_id), "prompt.update", "prompt", prompt.id)
        .summary(json!({ "name": prompt.name, "tags": prompt.tags }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(prompt)
}

/// Soft-deletes a prompt.
#[instrument(skip_all, fields(prompt = %id))]
pub async fn delete_prompt(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<prompt::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let prompt = prompts::delete(&work.txn, &app.authz, actor, id).await?;
    let entry = AuditEntry::new(Some(prompt.org_id), "prompt.delete", "prompt", prompt.id)
        .summary(json!({ "slug": prompt.slug }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(prompt)
}

/// Adds the next version of a prompt.
#[instrument(skip_all, fields(prompt = %prompt_id))]
pub async fn create_version(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    prompt_id: Uuid,
    input: VersionInput,
) -> AppResult<prompt_version::Model> {
    let valid = versions::validate_off_thread(input).await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let version = versions::create(&work.txn, &app.authz, actor, prompt_id, valid).await?;
    let entry = AuditEntry::new(
        Some(version.org_id),
        "prompt.version.create",
        "prompt_version",
        version.id,
    )
    .summary(json!({ "promptId": version.prompt_id, "version": version.version }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(version)
}

/// Points `label` at a version: by number, or where `from_label` points (promotion).
#[instrument(skip_all, fields(prompt = %prompt_id))]
pub async fn set_label(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    prompt_id: Uuid,
    label: &str,
    version: Option<i32>,
    from_label: Option<String>,
) -> AppResult<prompt_label::Model> {
    if version.is_none() && from_label.is_none() {
        return Err(AppError::validation(
            "give the version, or fromLabel to copy another label",
        ));
    }
    let target = Selector::from_args(version, from_label)?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let (prompt, set) =
        labels::set_label(&work.txn, &app.authz, actor, prompt_id, label, &target).await?;
    let entry = AuditEntry::new(Some(prompt.org_id), "prompt.label.set", "prompt", prompt_id)
        .summary(json!({ "label": set.name, "version": set.version }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(set)
}

/// Removes a label (`latest` cannot be removed).
#[instrument(skip_all, fields(prompt = %prompt_id))]
pub async fn remove_label(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    prompt_id: Uuid,
    label: &str,
) -> AppResult<prompt_label::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let (prompt, removed) =
        labels::remove_label(&work.txn, &app.authz, actor, prompt_id, label).await?;
    let entry = AuditEntry::new(
        Some(prompt.org_id),
        "prompt.label.remove",
        "prompt",
        prompt_id,
    )
    .summary(json!({ "label": removed.name, "version": removed.version }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(removed)
}

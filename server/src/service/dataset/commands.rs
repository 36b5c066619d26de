//! The dataset commands: each authorizes and validates (a file is parsed outside any
//! transaction, on the blocking pool), writes in one unit of work with its audit entry —
//! whose summary counts items and never holds their contents — and commits.

use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use super::datasets::{self, DatasetChanges};
use super::import::{self, ImportSpec};
use super::items::ItemData;
use super::versions::{self, Applied, Change, ItemEdit};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::authz::permissions;
use crate::error::{AppError, AppResult};
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::{dataset, dataset_version};

/// A dataset as given, with the items of its version 1 (none: it starts empty, version 0).
pub struct NewDataset {
    pub name: String,
    pub slug: Option<String>,
    pub description: String,
    pub items: Vec<ItemData>,
    pub message: Option<String>,
}

fn entry(applied: &Applied, action: &'static str) -> AuditEntry {
    let v = &applied.version;
    AuditEntry::new(Some(v.org_id), action, "dataset", v.dataset_id).summary(json!({
        "version": v.version, "change": v.change, "added": v.added,
        "updated": v.updated, "removed": v.removed, "itemCount": v.item_count,
    }))
}

/// Creates a dataset, and its version 1 when items are given.
#[instrument(skip_all, fields(org = %org))]
pub async fn create_dataset(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    input: NewDataset,
) -> AppResult<(dataset::Model, Option<dataset_version::Model>)> {
    let message = versions::message(input.message)?;
    let new = datasets::NewDataset {
        name: input.name,
        slug: input.slug,
        description: input.description,
    };
    let mut work = UnitOfWork::begin(app, request).await?;
    let mut created = datasets::create(&work.txn, &app.authz, actor, org, new).await?;
    let mut first = None;
    if !input.items.is_empty() {
        let applied = versions::add(
            &work.txn,
            &app.authz,
            actor,
            created.id,
            input.items,
            Change::Add,
            message,
        )
        .await?;
        created = applied.dataset;
        first = Some(applied.version);
    }
    let entry = AuditEntry::new(Some(org), "dataset.create", "dataset", created.id).summary(
        json!({ "name": created.name, "slug": created.slug, "itemCount": created.item_count }),
    );
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok((created, first))
}

/// Changes name or description (no new version).
#[instrument(skip_all, fields(dataset = %id))]
pub async fn update_dataset(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
    changes: DatasetChanges,
) -> AppResult<dataset::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let dataset = datasets::update(&work.txn, &app.authz, actor, id, changes).await?;
    let entry = AuditEntry::new(
        Some(dataset.org_id),
        "dataset.update",
        "dataset",
        dataset.id,
    )
    .summary(json!({ "name": dataset.name, "description": dataset.description }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(dataset)
}

/// Soft-deletes a dataset.
#[instrument(skip_all, fields(dataset = %id))]
pub async fn delete_dataset(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<dataset::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let dataset = datasets::delete(&work.txn, &app.authz, actor, id).await?;
    let entry = AuditEntry::new(
        Some(dataset.org_id),
        "dataset.delete",
        "dataset",
        dataset.id,
    )
    .summary(json!({ "slug": dataset.slug }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(dataset)
}

/// Adds items as the next version.
#[instrument(skip_all, fields(dataset = %dataset_id))]
pub async fn add_items(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    dataset_id: Uuid,
    items: Vec<ItemData>,
    message: Option<String>,
) -> AppResult<Applied> {
    let message = versions::message(message)?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let applied = versions::add(
        &work.txn,
        &app.authz,
        actor,
        dataset_id,
        items,
        Change::Add,
        message,
    )
    .await?;
    work.audit(Some(actor), entry(&applied, "dataset.items.add"))
        .await?;
    work.commit().await?;
    Ok(applied)
}

/// Edits one item as the next version.
#[instrument(skip_all, fields(dataset = %dataset_id))]
pub async fn update_item(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    dataset_id: Uuid,
    edit: ItemEdit,
    message: Option<String>,
) -> AppResult<Applied> {
    let message = versions::message(message)?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let applied = versions::edit(&work.txn, &app.authz, actor, dataset_id, edit, message).await?;
    work.audit(Some(actor), entry(&applied, "dataset.items.update"))
        .await?;
    work.commit().await?;
    Ok(applied)
}

/// Deletes items as the next version.
#[instrument(skip_all, fields(dataset = %dataset_id))]
pub async fn delete_items(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    dataset_id: Uuid,
    keys: Vec<Uuid>,
    message: Option<String>,
) -> AppResult<Applied> {
    let message = versions::message(message)?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let applied = versions::remove(&work.txn, &app.authz, actor, dataset_id, keys, message).await?;
    work.audit(Some(actor), entry(&applied, "dataset.items.delete"))
        .await?;
    work.commit().await?;
    Ok(applied)
}

/// Imports a CSV or JSONL file as the next version: all of it, or — any line bad — nothing.
#[instrument(skip_all, fields(dataset = %dataset_id, bytes = content.len()))]
pub async fn import_items(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    dataset_id: Uuid,
    content: Vec<u8>,
    spec: ImportSpec,
    message: Option<String>,
) -> AppResult<Applied> {
    let message = versions::message(message)?;
    // Authorized first: a stranger learns nothing from how their file is judged.
    let dataset = datasets::authorized(
        &app.db,
        &app.authz,
        actor,
        dataset_id,
        permissions::DATASET_WRITE,
    )
    .await?;
    // The organization may ask for imported items to be masked (its PII policy's
    // `maskDatasetItems`, with the policy's detectors, whatever its mode).
    let pii = app
        .runtime
        .ctx
        .completion
        .pii
        .of(&app.db, dataset.org_id)
        .await
        .map_err(AppError::internal)?;
    let items = tokio::task::spawn_blocking(move || {
        let mut items = import::parse(&content, &spec)?;
        if pii.mask_dataset_items {
            items.iter_mut().for_each(|item| item.mask(&pii.masker));
        }
        Ok::<_, AppError>(items)
    })
    .await
    .map_err(|e| AppError::internal(anyhow::anyhow!("dataset import: {e}")))??;
    let mut work = UnitOfWork::begin(app, request).await?;
    let applied = versions::add(
        &work.txn,
        &app.authz,
        actor,
        dataset_id,
        items,
        Change::Import,
        message,
    )
    .await?;
    work.audit(Some(actor), entry(&applied, "dataset.items.import"))
        .await?;
    work.commit().await?;
    Ok(applied)
}

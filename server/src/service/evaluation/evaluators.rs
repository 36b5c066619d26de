//! Evaluators saved by an organization under a name (unique in it), for runs to use by name.
//! Writing them needs `evaluation:execute`; reading, `evaluation:read`. A run copies a saved
//! evaluator's spec when it starts, so editing one never changes a run.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};
use tracing::instrument;
use uuid::Uuid;

use super::targets::parse_spec;
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::authorship::{api_key_of, now, user_of};
use crate::service::{RequestContext, UnitOfWork, is_unique_violation};
use crate::state::App;
use entities::evaluator;

/// A saved evaluator's fields.
pub struct EvaluatorInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub spec: Option<Value>,
}

/// The spec checked as a run would check it, with its name set to the saved name.
fn checked_spec(name: &str, spec: &Value) -> AppResult<Value> {
    let mut spec = spec.clone();
    if let Some(object) = spec.as_object_mut() {
        object.insert("name".into(), Value::String(name.to_owned()));
    }
    let parsed = parse_spec(&spec).map_err(AppError::validation)?;
    let problems = workers::evaluation::validate(std::slice::from_ref(&parsed));
    if !problems.is_empty() {
        return Err(AppError::validation(problems.join("; ")));
    }
    serde_json::to_value(parsed).map_err(AppError::internal)
}

fn checked_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation("name must be 1 to 100 characters"));
    }
    Ok(name.to_owned())
}

/// A saved evaluator `actor` may read (NOT_FOUND for another organization's).
pub async fn authorized(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    permission: crate::authz::Permission,
) -> AppResult<evaluator::Model> {
    let found = evaluator::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("evaluator"))?;
    authz
        .require(actor, found.org_id, permission)
        .await
        .map_err(|error| error.not_found_as("evaluator"))?;
    Ok(found)
}

/// The organization's saved evaluators, by name.
pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
) -> AppResult<Vec<evaluator::Model>> {
    authz
        .require(actor, org, permissions::EVALUATION_READ)
        .await?;
    Ok(evaluator::Entity::find()
        .filter(evaluator::Column::OrgId.eq(org))
        .order_by_asc(evaluator::Column::Name)
        .all(conn)
        .await?)
}

fn conflict(error: sea_orm::DbErr) -> AppError {
    if is_unique_violation(&error) {
        AppError::Conflict("an evaluator of that name exists in the organization".into())
    } else {
        error.into()
    }
}

#[instrument(skip_all, fields(org = %org))]
pub async fn create(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    input: EvaluatorInput,
) -> AppResult<evaluator::Model> {
    app.authz
        .require(actor, org, permissions::EVALUATION_EXECUTE)
        .await?;
    let name = checked_name(input.name.as_deref().unwrap_or_default())?;
    let spec = checked_spec(
        &name,
        input
            .spec
            .as_ref()
            .ok_or_else(|| AppError::validation("spec is required"))?,
    )?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let at = now();
    let row = evaluator::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        name: Set(name),
        description: Set(input.description.unwrap_or_default()),
        spec: Set(spec),
        created_by: Set(user_of(actor)),
        created_by_api_key: Set(api_key_of(actor)),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&work.txn)
    .await
    .map_err(conflict)?;
    let entry = AuditEntry::new(Some(org), "evaluator.create", "evaluator", row.id)
        .summary(json!({ "name": row.name }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(row)
}

#[instrument(skip_all, fields(evaluator = %id))]
pub async fn update(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
    input: EvaluatorInput,
) -> AppResult<evaluator::Model> {
    let found = authorized(
        &app.db,
        &app.authz,
        actor,
        id,
        permissions::EVALUATION_EXECUTE,
    )
    .await?;
    let name = match &input.name {
        Some(name) => checked_name(name)?,
        None => found.name.clone(),
    };
    let spec = checked_spec(&name, input.spec.as_ref().unwrap_or(&found.spec))?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let mut active: evaluator::ActiveModel = found.clone().into();
    active.name = Set(name);
    if let Some(description) = input.description {
        active.description = Set(description);
    }
    active.spec = Set(spec);
    active.updated_at = Set(now());
    let row = active.update(&work.txn).await.map_err(conflict)?;
    let entry = AuditEntry::new(Some(row.org_id), "evaluator.update", "evaluator", row.id)
        .summary(json!({ "name": row.name }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(row)
}

#[instrument(skip_all, fields(evaluator = %id))]
pub async fn delete(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<evaluator::Model> {
    let found = authorized(
        &app.db,
        &app.authz,
        actor,
        id,
        permissions::EVALUATION_EXECUTE,
    )
    .await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    evaluator::Entity::delete_by_id(found.id)
        .exec(&work.txn)
        .await?;
    let entry = AuditEntry::new(
        Some(found.org_id),
        "evaluator.delete",
        "evaluator",
        found.id,
    )
    .summary(json!({ "name": found.name }));
    work.audit(Some(actor), entry).await?;
    work.commit().await?;
    Ok(found)
}

//! The access commands: create and revoke API keys, create roles.

use chrono::{DateTime, Utc};
use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use super::roles::RoleView;
use super::{api_keys, roles};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::api_key;

pub struct NewApiKey {
    pub name: String,
    pub role: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates an API key acting with a role of `org`; returns it with its secret (shown once).
#[instrument(skip_all, fields(org = %org))]
pub async fn create_api_key(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    input: NewApiKey,
) -> AppResult<(api_key::Model, String)> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let (key, secret) = api_keys::create(
        &work.txn,
        &app.authz,
        actor,
        org,
        &input.name,
        &input.role,
        input.expires_at,
    )
    .await?;
    work.audit(
        Some(actor),
        AuditEntry::new(Some(org), "api_key.create", "api_key", key.id)
            .summary(json!({ "name": key.name, "role": key.role, "prefix": key.prefix })),
    )
    .await?;
    work.changes_policy();
    work.commit().await?;
    Ok((key, secret))
}

/// Revokes an API key; it stops working at once.
#[instrument(skip_all, fields(api_key = %id))]
pub async fn revoke_api_key(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<api_key::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let key = api_keys::revoke(&work.txn, &app.authz, actor, id).await?;
    work.audit(
        Some(actor),
        AuditEntry::new(Some(key.org_id), "api_key.revoke", "api_key", key.id)
            .summary(json!({ "prefix": key.prefix })),
    )
    .await?;
    work.changes_policy();
    let id = key.id;
    work.after_commit(move |app| {
        Box::pin(crate::auth::api_keys::announce(&app.api_keys, &app.bus, id))
    });
    work.commit().await?;
    Ok(key)
}

/// Creates a custom role of `org` from `resource:action` permissions.
#[instrument(skip_all, fields(org = %org))]
pub async fn create_role(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    name: &str,
    permissions: &[String],
) -> AppResult<RoleView> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let role = roles::create(&work.txn, &app.authz, actor, org, name, permissions).await?;
    work.audit(
        Some(actor),
        AuditEntry::new(Some(org), "role.create", "role", &role.name)
            .summary(json!({ "permissions": role.permissions })),
    )
    .await?;
    work.changes_policy();
    work.commit().await?;
    Ok(role)
}

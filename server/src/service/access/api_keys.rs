//! API keys: organization-scoped credentials with a role. The secret is shown once; only its
//! digest is stored.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::roles;
use crate::auth::{Actor, secret};
use crate::authz::{self, Authz, permissions};
use crate::domain;
use crate::error::{AppError, AppResult};
use entities::api_key;

pub async fn create(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    name: &str,
    role: &str,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<(api_key::Model, String)> {
    authz
        .require(actor, org, permissions::API_KEY_MANAGE)
        .await?;
    let name = domain::name("name", name, 100)?;
    roles::check_assignable(conn, authz, actor, org, role).await?;
    if expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(AppError::validation("expiresAt must be in the future"));
    }
    let key = secret::new_api_key();
    let model = api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        name: Set(name),
        role: Set(role.to_owned()),
        prefix: Set(key.chars().take(secret::API_KEY_SHOWN_CHARS).collect()),
        key_hash: Set(secret::digest(&key)),
        created_by: Set(match actor {
            Actor::User { id } => Some(*id),
            Actor::ApiKey { .. } => None,
        }),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    let subject = Actor::ApiKey {
        id: model.id,
        org_id: org,
    }
    .subject();
    authz::assign_role(conn, &subject, role, org).await?;
    Ok((model, key))
}

#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
) -> AppResult<Vec<api_key::Model>> {
    authz.require(actor, org, permissions::API_KEY_READ).await?;
    Ok(api_key::Entity::find()
        .filter(api_key::Column::OrgId.eq(org))
        .order_by_desc(api_key::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// Revokes a key (idempotent): it stops authenticating at once, here and everywhere. Only
/// someone whose permissions cover the key's role may revoke it.
pub async fn revoke(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<api_key::Model> {
    let key = api_key::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("API key"))?;
    authz
        .require(actor, key.org_id, permissions::API_KEY_MANAGE)
        .await
        .map_err(|e| e.not_found_as("API key"))?;
    // The same rule as for members: nobody manages a key whose role outranks their own (an
    // admin cannot revoke the key an owner relies on).
    roles::check_outranks(conn, authz, actor, key.org_id, &key.role).await?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    let subject = Actor::ApiKey {
        id: key.id,
        org_id: key.org_id,
    }
    .subject();
    authz::unassign_roles(conn, &subject, key.org_id).await?;
    let mut active: api_key::ActiveModel = key.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(active.update(conn).await?)
}

//! Roles: the built-in ones and an organization's custom roles made of permissions.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{self, Authz, Permission, permissions};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::service::is_unique_violation;
use entities::role;

/// A role as the API shows it.
pub struct RoleView {
    pub name: String,
    pub builtin: bool,
    pub permissions: Vec<String>,
}

#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
) -> AppResult<Vec<RoleView>> {
    authz.require(actor, org, permissions::ROLE_READ).await?;
    let mut roles: Vec<RoleView> = permissions::BUILTIN_ROLES
        .iter()
        .map(|r| RoleView {
            name: r.name.to_owned(),
            builtin: true,
            permissions: (r.permissions)().iter().map(ToString::to_string).collect(),
        })
        .collect();
    let custom = role::Entity::find()
        .filter(role::Column::OrgId.eq(org))
        .order_by_asc(role::Column::Name)
        .all(conn)
        .await?;
    roles.extend(custom.into_iter().map(view));
    Ok(roles)
}

fn view(model: role::Model) -> RoleView {
    RoleView {
        name: model.name,
        builtin: false,
        permissions: serde_json::from_value(model.permissions).unwrap_or_default(),
    }
}

pub async fn create(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    name: &str,
    requested: &[String],
) -> AppResult<RoleView> {
    authz.require(actor, org, permissions::ROLE_MANAGE).await?;
    let name = domain::identifier("role name", name, 1, 32)?;
    if permissions::is_builtin(&name) {
        return Err(AppError::Conflict(format!("`{name}` is a built-in role")));
    }
    let mut granted: Vec<Permission> = Vec::new();
    let mut unknown = Vec::new();
    for text in requested {
        match permissions::parse(text.trim()) {
            Some(p) if !granted.contains(&p) => granted.push(p),
            Some(_) => {}
            None => unknown.push(format!("`{text}`")),
        }
    }
    if !unknown.is_empty() {
        return Err(AppError::validation(format!(
            "unknown permissions: {}; a permission is `resource:action`, e.g. `prompt:read`",
            unknown.join(", ")
        )));
    }
    if granted.is_empty() {
        return Err(AppError::validation("a role needs at least one permission"));
    }
    require_held(authz, actor, org, &granted).await?;
    let texts: Vec<String> = granted.iter().map(ToString::to_string).collect();
    let model = role::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        name: Set(name.clone()),
        permissions: Set(serde_json::json!(texts)),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict(format!("a role named `{name}` already exists"))
        } else {
            e.into()
        }
    })?;
    authz::grant_permissions(conn, &name, org, &granted).await?;
    Ok(view(model))
}

/// Checks that `actor` may give `role_name` to someone in `org`: the role exists (built-in or
/// custom), only an owner hands out the owner role, and nobody hands out a role holding a
/// permission they lack themselves.
pub async fn check_assignable(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    role_name: &str,
) -> AppResult<()> {
    if role_name == permissions::OWNER {
        return require_owner(authz, actor, org).await;
    }
    let granted = permissions_of(conn, org, role_name).await?.ok_or_else(|| {
        AppError::validation(format!("no role named `{role_name}` in this organization"))
    })?;
    require_held(authz, actor, org, &granted).await
}

/// Checks that `actor` holds at least what a member's current `role_name` holds, so a
/// narrower role cannot demote or remove a broader one.
pub async fn check_outranks(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    role_name: &str,
) -> AppResult<()> {
    if role_name == permissions::OWNER {
        return require_owner(authz, actor, org).await;
    }
    let held = permissions_of(conn, org, role_name)
        .await?
        .unwrap_or_default();
    require_held(authz, actor, org, &held).await
}

/// The permissions of a built-in or custom role; `None` when no such role exists in `org`.
pub async fn permissions_of(
    conn: &impl ConnectionTrait,
    org: Uuid,
    role_name: &str,
) -> AppResult<Option<Vec<Permission>>> {
    if let Some(builtin) = permissions::builtin_permissions(role_name) {
        return Ok(Some(builtin));
    }
    let custom = role::Entity::find()
        .filter(role::Column::OrgId.eq(org))
        .filter(role::Column::Name.eq(role_name))
        .one(conn)
        .await?;
    Ok(custom.map(|r| {
        view(r)
            .permissions
            .iter()
            .filter_map(|p| permissions::parse(p))
            .collect()
    }))
}

async fn require_held(
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    wanted: &[Permission],
) -> AppResult<()> {
    if authz.holds_all(actor, org, wanted).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "you cannot hand out permissions you do not hold yourself".into(),
        ))
    }
}

/// Owner-only actions: granting, changing or removing the owner role.
pub async fn require_owner(authz: &Authz, actor: &Actor, org: Uuid) -> AppResult<()> {
    if authz
        .roles_in(actor, org)
        .await
        .iter()
        .any(|r| r == permissions::OWNER)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only an owner can grant or change the owner role".into(),
        ))
    }
}

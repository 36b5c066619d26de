//! Members: who belongs to an organization with which role. The membership row and its casbin
//! grouping line change together; an organization always keeps an owner.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{self, Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::access::roles;
use crate::service::is_unique_violation;
use entities::{membership, organization, user};

#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
) -> AppResult<Vec<(membership::Model, user::Model)>> {
    authz.require(actor, org, permissions::MEMBER_READ).await?;
    let rows = membership::Entity::find()
        .filter(membership::Column::OrgId.eq(org))
        .order_by_asc(membership::Column::CreatedAt)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let u = users.iter().find(|u| u.id == m.user_id)?.clone();
            Some((m, u))
        })
        .collect())
}

/// Makes `user_id` a member of `org` with `role` (membership row and policy line); the
/// caller checked that this is wanted (an accepted invitation, a new organization's owner).
pub async fn insert(
    conn: &impl ConnectionTrait,
    org: Uuid,
    user_id: Uuid,
    role: &str,
) -> AppResult<membership::Model> {
    let conflict = || AppError::Conflict("already a member of this organization".into());
    if find(conn, org, user_id).await?.is_some() {
        return Err(conflict());
    }
    let member = membership::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        user_id: Set(user_id),
        role: Set(role.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            conflict()
        } else {
            e.into()
        }
    })?;
    authz::assign_role(conn, &Actor::User { id: user_id }.subject(), role, org).await?;
    Ok(member)
}

pub async fn update_role(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    user_id: Uuid,
    role: &str,
) -> AppResult<(membership::Model, user::Model)> {
    authz
        .require(actor, org, permissions::MEMBER_MANAGE)
        .await?;
    roles::check_assignable(conn, authz, actor, org, role).await?;
    lock_organization(conn, org).await?;
    let member = find(conn, org, user_id)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    roles::check_outranks(conn, authz, actor, org, &member.role).await?;
    let mut active: membership::ActiveModel = member.into();
    active.role = Set(role.to_owned());
    let member = active.update(conn).await?;
    ensure_an_owner_remains(conn, org).await?;
    authz::assign_role(conn, &Actor::User { id: user_id }.subject(), role, org).await?;
    let user = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    Ok((member, user))
}

pub async fn remove(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    user_id: Uuid,
) -> AppResult<membership::Model> {
    authz
        .require(actor, org, permissions::MEMBER_MANAGE)
        .await?;
    lock_organization(conn, org).await?;
    let member = find(conn, org, user_id)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    roles::check_outranks(conn, authz, actor, org, &member.role).await?;
    membership::Entity::delete_by_id(member.id)
        .exec(conn)
        .await?;
    ensure_an_owner_remains(conn, org).await?;
    authz::unassign_roles(conn, &Actor::User { id: user_id }.subject(), org).await?;
    Ok(member)
}

pub async fn find(
    conn: &impl ConnectionTrait,
    org: Uuid,
    user_id: Uuid,
) -> AppResult<Option<membership::Model>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::OrgId.eq(org))
        .filter(membership::Column::UserId.eq(user_id))
        .one(conn)
        .await?)
}

/// Serialises owner-affecting changes of one organization on PostgreSQL (SQLite has a single
/// writer already), so two owners demoting each other cannot both succeed.
async fn lock_organization(conn: &impl ConnectionTrait, org: Uuid) -> AppResult<()> {
    if conn.get_database_backend() == DbBackend::Postgres {
        organization::Entity::find_by_id(org)
            .lock_exclusive()
            .one(conn)
            .await?;
    }
    Ok(())
}

async fn ensure_an_owner_remains(conn: &impl ConnectionTrait, org: Uuid) -> AppResult<()> {
    let owners = membership::Entity::find()
        .filter(membership::Column::OrgId.eq(org))
        .filter(membership::Column::Role.eq(permissions::OWNER))
        .count(conn)
        .await?;
    if owners == 0 {
        return Err(AppError::Conflict(
            "the last owner cannot be removed or demoted; make someone else owner first".into(),
        ));
    }
    Ok(())
}

//! Invitations: `addMember` offers a role to an email address; the person who holds an account
//! with that address accepts (becoming a member) or declines. The inviter is told the same
//! whether or not the address is registered, and nobody joins an organization without consent.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::members;
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::domain::Email;
use crate::error::{AppError, AppResult};
use crate::service::access::roles;
use entities::{invitation, organization, user};

pub const PENDING: &str = "PENDING";
pub const ACCEPTED: &str = "ACCEPTED";
pub const DECLINED: &str = "DECLINED";
pub const REVOKED: &str = "REVOKED";
/// Never stored: a pending invitation past its expiry.
pub const EXPIRED: &str = "EXPIRED";

/// The status as the API shows it (a pending invitation past its expiry is expired).
pub fn status(model: &invitation::Model, now: DateTime<Utc>) -> &str {
    if model.status == PENDING && model.expires_at <= now {
        EXPIRED
    } else {
        &model.status
    }
}

fn is_open(model: &invitation::Model, now: DateTime<Utc>) -> bool {
    status(model, now) == PENDING
}

/// Invites `email` to `org` with `role`, or renews the pending invitation it already has.
/// CONFLICT only when the address belongs to a member already (whom the caller can list).
pub async fn invite(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    email: &str,
    role: &str,
    ttl_secs: u64,
) -> AppResult<invitation::Model> {
    authz
        .require(actor, org, permissions::MEMBER_MANAGE)
        .await?;
    roles::check_assignable(conn, authz, actor, org, role).await?;
    let email = Email::parse(email)?;
    let registered = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?;
    let member = match registered {
        Some(u) => members::find(conn, org, u.id).await?,
        None => None,
    };
    if member.is_some() {
        return Err(AppError::Conflict(
            "already a member of this organization".into(),
        ));
    }
    let now = Utc::now();
    let expires_at = now + Duration::seconds(i64::try_from(ttl_secs).unwrap_or(i64::MAX / 4));
    let invited_by = match actor {
        Actor::User { id } => Some(*id),
        Actor::ApiKey { .. } => None,
    };
    let pending = invitation::Entity::find()
        .filter(invitation::Column::OrgId.eq(org))
        .filter(invitation::Column::Email.eq(email.as_str()))
        .filter(invitation::Column::Status.eq(PENDING))
        .one(conn)
        .await?;
    if let Some(pending) = pending {
        let mut active: invitation::ActiveModel = pending.into();
        active.role = Set(role.to_owned());
        active.invited_by = Set(invited_by);
        active.created_at = Set(now);
        active.expires_at = Set(expires_at);
        return Ok(active.update(conn).await?);
    }
    Ok(invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        email: Set(email.as_str().to_owned()),
        role: Set(role.to_owned()),
        status: Set(PENDING.to_owned()),
        invited_by: Set(invited_by),
        created_at: Set(now),
        expires_at: Set(expires_at),
        responded_at: Set(None),
    }
    .insert(conn)
    .await?)
}

/// The organization's open invitations, newest first (for those who manage members).
#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn list_for_org(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
) -> AppResult<Vec<invitation::Model>> {
    authz
        .require(actor, org, permissions::MEMBER_MANAGE)
        .await?;
    Ok(invitation::Entity::find()
        .filter(invitation::Column::OrgId.eq(org))
        .filter(invitation::Column::Status.eq(PENDING))
        .filter(invitation::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// The open invitations addressed to a user's email, newest first.
pub async fn list_for_user(
    conn: &impl ConnectionTrait,
    user: &user::Model,
) -> AppResult<Vec<invitation::Model>> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::Email.eq(user.email.to_lowercase()))
        .filter(invitation::Column::Status.eq(PENDING))
        .filter(invitation::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// An invitation addressed to the signed-in user; anyone else's is NOT_FOUND.
async fn addressed_to(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<(invitation::Model, Uuid)> {
    let user_id = actor.user_id()?;
    let user = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("this account no longer exists".into()))?;
    let found = invitation::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|i| i.email == user.email.to_lowercase())
        .ok_or(AppError::NotFound("invitation"))?;
    if !is_open(&found, Utc::now()) {
        return Err(AppError::Conflict(format!(
            "this invitation is {}",
            status(&found, Utc::now()).to_lowercase()
        )));
    }
    Ok((found, user_id))
}

/// Accepts an invitation addressed to the caller: they become a member with its role.
pub async fn accept(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<invitation::Model> {
    let (found, user_id) = addressed_to(conn, actor, id).await?;
    if roles::permissions_of(conn, found.org_id, &found.role)
        .await?
        .is_none()
    {
        return Err(AppError::Conflict(format!(
            "the role `{}` no longer exists; ask for a new invitation",
            found.role
        )));
    }
    members::insert(conn, found.org_id, user_id, &found.role).await?;
    respond(conn, found, ACCEPTED).await
}

/// Declines an invitation addressed to the caller.
pub async fn decline(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<invitation::Model> {
    let (found, _) = addressed_to(conn, actor, id).await?;
    respond(conn, found, DECLINED).await
}

/// Withdraws an open invitation (needs `member:manage`, and a rank covering its role).
pub async fn revoke(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<invitation::Model> {
    let found = invitation::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    authz
        .require(actor, found.org_id, permissions::MEMBER_MANAGE)
        .await
        .map_err(|e| e.not_found_as("invitation"))?;
    roles::check_outranks(conn, authz, actor, found.org_id, &found.role).await?;
    if !is_open(&found, Utc::now()) {
        return Err(AppError::Conflict(format!(
            "this invitation is {}",
            status(&found, Utc::now()).to_lowercase()
        )));
    }
    respond(conn, found, REVOKED).await
}

/// Closes a pending invitation; conditional on it still being pending, so two answers
/// racing cannot both win.
async fn respond(
    conn: &impl ConnectionTrait,
    found: invitation::Model,
    to: &str,
) -> AppResult<invitation::Model> {
    let now = Utc::now();
    let changed = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Status,
            sea_orm::sea_query::Expr::value(to),
        )
        .col_expr(
            invitation::Column::RespondedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::Status.eq(PENDING))
        .exec(conn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(AppError::Conflict(
            "this invitation was answered already".into(),
        ));
    }
    Ok(invitation::Model {
        status: to.to_owned(),
        responded_at: Some(now),
        ..found
    })
}

/// The invitation with its organization (what every answer shows).
pub async fn with_organization(
    conn: &impl ConnectionTrait,
    model: invitation::Model,
) -> AppResult<(invitation::Model, organization::Model)> {
    let org = organization::Entity::find_by_id(model.org_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    Ok((model, org))
}

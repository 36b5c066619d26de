//! Organizations: creation (the creator becomes owner) and reads.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{self, Authz, permissions, permissions::OWNER};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::service::is_unique_violation;
use entities::{membership, organization};

pub const SLUG_MAX: usize = 48;

pub async fn create(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    name: &str,
    slug: Option<&str>,
) -> AppResult<organization::Model> {
    let user_id = actor.user_id()?;
    let name = domain::name("name", name, 100)?;
    let slug = match slug {
        Some(slug) => {
            let slug = domain::identifier("slug", slug, 2, SLUG_MAX)?;
            if slug_taken(conn, &slug).await? {
                return Err(conflict_slug(&slug));
            }
            slug
        }
        None => free_slug(conn, &name).await?,
    };
    insert_with_owner(conn, user_id, name, slug).await
}

pub async fn insert_with_owner(
    conn: &impl ConnectionTrait,
    owner: Uuid,
    name: String,
    slug: String,
) -> AppResult<organization::Model> {
    let org = organization::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        slug: Set(slug.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            conflict_slug(&slug)
        } else {
            e.into()
        }
    })?;
    make_owner(conn, owner, org.id).await?;
    Ok(org)
}

fn conflict_slug(slug: &str) -> AppError {
    AppError::Conflict(format!("the organization slug `{slug}` is taken"))
}

async fn slug_taken(conn: &impl ConnectionTrait, slug: &str) -> AppResult<bool> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(conn)
        .await?
        .is_some())
}

/// A slug derived from `name` that no organization uses yet.
pub async fn free_slug(conn: &impl ConnectionTrait, name: &str) -> AppResult<String> {
    let mut base = domain::slugify(name, SLUG_MAX - 7);
    if base.len() < 2 {
        base = format!("org-{base}").trim_end_matches('-').to_owned();
    }
    if !slug_taken(conn, &base).await? {
        return Ok(base);
    }
    for _ in 0..8 {
        let candidate = format!("{base}-{}", &Uuid::new_v4().simple().to_string()[..6]);
        if !slug_taken(conn, &candidate).await? {
            return Ok(candidate);
        }
    }
    Err(AppError::Conflict(
        "could not find a free organization slug; give one".into(),
    ))
}

pub async fn get(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<organization::Model> {
    authz
        .require(actor, id, permissions::ORGANIZATION_READ)
        .await?;
    organization::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("organization"))
}

/// Gives `user` the owner role of `org` (membership row and policy line).
async fn make_owner(conn: &impl ConnectionTrait, user_id: Uuid, org_id: Uuid) -> AppResult<()> {
    membership::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org_id),
        user_id: Set(user_id),
        role: Set(OWNER.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    authz::assign_role(conn, &Actor::User { id: user_id }.subject(), OWNER, org_id).await
}

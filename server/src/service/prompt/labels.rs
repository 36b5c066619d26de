//! Prompt labels: named pointers at versions. `latest` is implicit; `production` is a
//! deployment and needs `prompt:deploy`.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::rows::{self, authorized, now, user_of};
use super::versions::{Selector, resolve};
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use entities::{prompt, prompt_label};

pub const PRODUCTION: &str = "production";

fn label_permission(label: &str) -> crate::authz::Permission {
    if label == PRODUCTION {
        permissions::PROMPT_DEPLOY
    } else {
        permissions::PROMPT_WRITE
    }
}

/// The prompt whose `label` `actor` may move (`production` needs `prompt:deploy`), locked:
/// of two concurrent label changes, the second sees the first.
async fn lock_for_label(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    prompt_id: Uuid,
    label: &str,
) -> AppResult<prompt::Model> {
    let prompt = authorized(conn, authz, actor, prompt_id, permissions::PROMPT_READ).await?;
    authz
        .require(actor, prompt.org_id, label_permission(label))
        .await?;
    crate::domain::label(label)?;
    rows::touch(conn, &prompt).await?;
    Ok(prompt)
}

/// Points `label` at a version (by number, or where another label points: promotion).
/// Moving `production` needs `prompt:deploy`.
pub async fn set_label(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    prompt_id: Uuid,
    label: &str,
    target: &Selector,
) -> AppResult<(prompt::Model, prompt_label::Model)> {
    let prompt = lock_for_label(conn, authz, actor, prompt_id, label).await?;
    let version = resolve(conn, prompt.id, target).await?.version;
    prompt_label::Entity::delete_by_id((prompt.id, label.to_owned()))
        .exec(conn)
        .await?;
    let set = prompt_label::ActiveModel {
        prompt_id: Set(prompt.id),
        name: Set(label.to_owned()),
        version: Set(version),
        updated_by: Set(user_of(actor)),
        updated_at: Set(now()),
    }
    .insert(conn)
    .await?;
    Ok((prompt, set))
}

pub async fn remove_label(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    prompt_id: Uuid,
    label: &str,
) -> AppResult<(prompt::Model, prompt_label::Model)> {
    let prompt = lock_for_label(conn, authz, actor, prompt_id, label).await?;
    let existing = prompt_label::Entity::find_by_id((prompt.id, label.to_owned()))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("prompt label"))?;
    prompt_label::Entity::delete_by_id((prompt.id, label.to_owned()))
        .exec(conn)
        .await?;
    Ok((prompt, existing))
}

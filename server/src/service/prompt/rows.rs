//! The prompt row as every part of this domain reads it: the authorized lookup, the
//! "changed now" touch, and (from the shared `authorship`) the timestamp and who wrote it.
//! The lowest module of the domain: it uses none of its siblings.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationDef,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{Authz, Permission};
use crate::error::{AppError, AppResult};
use entities::{prompt, prompt_version};

pub use crate::service::authorship::{api_key_of, now, user_of};

/// A live prompt that `actor` holds `permission` on; another organization's is NOT_FOUND.
pub async fn authorized(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    permission: Permission,
) -> AppResult<prompt::Model> {
    let prompt = prompt::Entity::find_by_id(id)
        .filter(prompt::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("prompt"))?;
    authz.require(actor, prompt.org_id, permission).await?;
    Ok(prompt)
}

/// [`authorized`], with the prompt's newest version read in the same statement (a join
/// ordered by version, one row).
pub async fn authorized_with_latest(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    permission: Permission,
) -> AppResult<(prompt::Model, Option<prompt_version::Model>)> {
    let of_prompt: RelationDef = prompt_version::Entity::belongs_to(prompt::Entity)
        .from(prompt_version::Column::PromptId)
        .to(prompt::Column::Id)
        .into();
    let (prompt, latest) = prompt::Entity::find_by_id(id)
        .filter(prompt::Column::DeletedAt.is_null())
        .join_rev(JoinType::LeftJoin, of_prompt)
        .select_also(prompt_version::Entity)
        .order_by_desc(prompt_version::Column::Version)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("prompt"))?;
    authz.require(actor, prompt.org_id, permission).await?;
    Ok((prompt, latest))
}

/// Marks the prompt as changed now (new version, label moved).
pub async fn touch(conn: &impl ConnectionTrait, prompt: &prompt::Model) -> AppResult<()> {
    prompt::Entity::update_many()
        .col_expr(prompt::Column::UpdatedAt, Expr::value(now()))
        .filter(prompt::Column::Id.eq(prompt.id))
        .exec(conn)
        .await?;
    Ok(())
}

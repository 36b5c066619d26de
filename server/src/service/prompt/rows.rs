//! The prompt row as every part of this domain reads it: the authorized lookup, the
//! "changed now" touch, and (from the shared `authorship`) the timestamp and who wrote it.
//! The lowest module of the domain: it uses none of its siblings.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{Authz, Permission};
use crate::error::{AppError, AppResult};
use entities::prompt;

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

/// Marks the prompt as changed now (new version, label moved).
pub async fn touch(conn: &impl ConnectionTrait, prompt: &prompt::Model) -> AppResult<()> {
    prompt::Entity::update_many()
        .col_expr(prompt::Column::UpdatedAt, Expr::value(now()))
        .filter(prompt::Column::Id.eq(prompt.id))
        .exec(conn)
        .await?;
    Ok(())
}

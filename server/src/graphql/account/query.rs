//! `me`.

use async_graphql::{Context, Object};
use entities::user;
use sea_orm::EntityTrait;

use super::User;
use crate::error::AppError;
use crate::graphql::ContextExt;

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in user, with `memberships` (organization and role).
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let app = ctx.app()?;
        let user_id = ctx.actor()?.user_id()?;
        let user = user::Entity::find_by_id(user_id)
            .one(&app.db)
            .await?
            .ok_or_else(|| AppError::Unauthenticated("this account no longer exists".into()))?;
        Ok(user.into())
    }
}

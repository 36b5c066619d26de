//! `me`.

use async_graphql::{Context, Object};

use super::User;
use crate::graphql::ContextExt;
use crate::service::account::accounts;

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in user, with `memberships` (organization and role).
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let app = ctx.app()?;
        let user_id = ctx.actor()?.user_id()?;
        Ok(accounts::user(&app.db, user_id).await?.into())
    }
}

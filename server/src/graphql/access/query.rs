//! `apiKeys`, `roles`.

use async_graphql::{Context, ID, Object};

use super::{ApiKey, Role};
use crate::graphql::{ContextExt, parse_id};
use crate::service::access::{api_keys, roles};

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The organization's API keys, newest first (secrets are never shown again).
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn api_keys(&self, ctx: &Context<'_>, org_id: ID) -> async_graphql::Result<Vec<ApiKey>> {
        let app = ctx.app()?;
        let keys = api_keys::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
        )
        .await?;
        Ok(keys.into_iter().map(ApiKey::from).collect())
    }

    /// Built-in roles, then the organization's custom roles.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn roles(&self, ctx: &Context<'_>, org_id: ID) -> async_graphql::Result<Vec<Role>> {
        let app = ctx.app()?;
        let list = roles::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
        )
        .await?;
        Ok(list.into_iter().map(Role::from).collect())
    }
}

//! `createApiKey`, `revokeApiKey`, `createRole`.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};

use super::{ApiKey, CreatedApiKey, Role};
use crate::graphql::{ContextExt, parse_id};
use crate::service::access::{self, NewApiKey};

#[derive(Default)]
pub struct AccessMutation;

#[derive(InputObject)]
pub struct CreateApiKeyInput {
    pub name: String,
    /// The role the key acts with (a built-in or custom role of the organization).
    pub role: String,
    /// When the key stops working; never when absent.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(InputObject)]
pub struct CreateRoleInput {
    pub name: String,
    /// `resource:action` permissions (see `roles` for the names).
    pub permissions: Vec<String>,
}

#[Object]
impl AccessMutation {
    /// Creates an API key acting with `role` in the organization. The secret is returned once.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: CreateApiKeyInput,
    ) -> async_graphql::Result<CreatedApiKey> {
        let CreateApiKeyInput {
            name,
            role,
            expires_at,
        } = input;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let new = NewApiKey {
            name,
            role,
            expires_at,
        };
        let request = ctx.request_context()?;
        let (key, secret) = access::create_api_key(ctx.app()?, &request, actor, org, new).await?;
        ctx.forget_loaded();
        Ok(CreatedApiKey {
            secret,
            api_key: key.into(),
        })
    }

    /// Revokes an API key; it stops working at once.
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ApiKey> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let key = access::revoke_api_key(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(key.into())
    }

    /// Creates a custom role from `resource:action` permissions (see `roles` for the names).
    async fn create_role(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: CreateRoleInput,
    ) -> async_graphql::Result<Role> {
        let CreateRoleInput { name, permissions } = input;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let request = ctx.request_context()?;
        let app = ctx.app()?;
        let role = access::create_role(app, &request, actor, org, &name, &permissions).await?;
        ctx.forget_loaded();
        Ok(role.into())
    }
}

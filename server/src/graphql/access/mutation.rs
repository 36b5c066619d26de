//! `createApiKey`, `revokeApiKey`, `createRole`.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{ApiKey, CreatedApiKey, Role};
use crate::audit::AuditEntry;
use crate::graphql::{ContextExt, UnitOfWork, parse_id};
use crate::service::{api_keys, roles};

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
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let (key, secret) =
            api_keys::create(&work.txn, &app.authz, actor, org, &name, &role, expires_at).await?;
        work.audit(
            Some(actor),
            AuditEntry::new(Some(org), "api_key.create", "api_key", key.id)
                .summary(json!({ "name": key.name, "role": key.role, "prefix": key.prefix })),
        )
        .await?;
        work.commit_with_policy().await?;
        Ok(CreatedApiKey {
            secret,
            api_key: key.into(),
        })
    }

    /// Revokes an API key; it stops working at once.
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ApiKey> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let key = api_keys::revoke(&work.txn, &app.authz, actor, parse_id("id", &id)?).await?;
        work.audit(
            Some(actor),
            AuditEntry::new(Some(key.org_id), "api_key.revoke", "api_key", key.id)
                .summary(json!({ "prefix": key.prefix })),
        )
        .await?;
        work.commit_with_policy().await?;
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
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let role = roles::create(&work.txn, &app.authz, actor, org, &name, &permissions).await?;
        work.audit(
            Some(actor),
            AuditEntry::new(Some(org), "role.create", "role", &role.name)
                .summary(json!({ "permissions": role.permissions })),
        )
        .await?;
        work.commit_with_policy().await?;
        Ok(role.into())
    }
}

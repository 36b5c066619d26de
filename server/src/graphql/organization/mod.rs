//! Organizations and their members.

pub mod invitation;
pub mod mutation;
pub mod query;

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ContextExt;
use super::account::User;
use super::pii::types::PiiPolicy;
use crate::graphql::limits::{OrganizationLimits, OrganizationUsage};
use crate::service::access::roles;
use crate::service::limits;
use crate::service::organization::members;
use crate::service::pii;
use entities::{membership, organization, user};

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Organization {
    pub id: ID,
    pub name: String,
    pub slug: String,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub uuid: Uuid,
}

impl From<organization::Model> for Organization {
    fn from(m: organization::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            name: m.name,
            slug: m.slug,
            created_at: m.created_at,
            uuid: m.id,
        }
    }
}

#[ComplexObject]
impl Organization {
    /// Members and their roles (needs `member:read`).
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Member>> {
        let app = ctx.app()?;
        let rows = members::list(&app.db, &app.authz, ctx.actor()?, self.uuid).await?;
        Ok(rows.into_iter().map(Member::from).collect())
    }

    /// The request rates and monthly quotas in force here (needs `organization:read`).
    async fn limits(&self, ctx: &Context<'_>) -> async_graphql::Result<OrganizationLimits> {
        let app = ctx.app()?;
        let in_force = limits::settings::read_authorized(
            &app.db,
            &app.authz,
            &app.config,
            ctx.actor()?,
            self.uuid,
        )
        .await?;
        Ok(OrganizationLimits::new(in_force, &app.config))
    }

    /// This month's executions and tokens against the quotas (needs `organization:read`).
    async fn usage(&self, ctx: &Context<'_>) -> async_graphql::Result<OrganizationUsage> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let used = limits::quotas::current(&app.db, &app.authz, actor, self.uuid).await?;
        let in_force = limits::settings::read(&app.db, &app.config, self.uuid).await?;
        Ok(OrganizationUsage::new(used, &in_force))
    }

    /// The PII masking policy (off until set).
    async fn pii_policy(&self, ctx: &Context<'_>) -> async_graphql::Result<PiiPolicy> {
        let app = ctx.app()?;
        let stored = pii::get(&app.db, &app.authz, ctx.actor()?, self.uuid).await?;
        Ok(stored.into())
    }

    /// The caller's role here.
    async fn viewer_role(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let app = ctx.app()?;
        Ok(app
            .authz
            .roles_in(ctx.actor()?, self.uuid)
            .await
            .into_iter()
            .next())
    }

    /// The caller's permissions here (`resource:action`, as in `Role.permissions`), so a
    /// client can hide or disable what the caller's role cannot do. Empty for non-members.
    async fn viewer_permissions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        let app = ctx.app()?;
        let Some(role) = app
            .authz
            .roles_in(ctx.actor()?, self.uuid)
            .await
            .into_iter()
            .next()
        else {
            return Ok(Vec::new());
        };
        let held = roles::permissions_of(&app.db, self.uuid, &role)
            .await?
            .unwrap_or_default();
        Ok(held.iter().map(ToString::to_string).collect())
    }
}

#[derive(SimpleObject)]
pub struct Member {
    pub user: User,
    /// A built-in role (`owner`, `admin`, `editor`, `viewer`) or a custom role's name.
    pub role: String,
    pub joined_at: DateTime<Utc>,
}

impl From<(membership::Model, user::Model)> for Member {
    fn from((m, u): (membership::Model, user::Model)) -> Self {
        Self {
            user: u.into(),
            role: m.role,
            joined_at: m.created_at,
        }
    }
}

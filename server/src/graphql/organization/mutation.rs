//! `createOrganization`, `addMember`, `updateMemberRole`, `removeMember`.

use async_graphql::{Context, ID, InputObject, Object};
use serde_json::json;

use super::{Member, Organization};
use crate::audit::AuditEntry;
use crate::graphql::{ContextExt, UnitOfWork, parse_id};
use crate::service::{members, organizations};

#[derive(InputObject)]
pub struct CreateOrganizationInput {
    pub name: String,
    /// `[a-z0-9-]{2,48}`; derived from the name when absent.
    pub slug: Option<String>,
}

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Creates an organization; the caller becomes its owner.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganizationInput,
    ) -> async_graphql::Result<Organization> {
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let org =
            organizations::create(&work.txn, actor, &input.name, input.slug.as_deref()).await?;
        work.audit(
            Some(actor),
            AuditEntry::new(Some(org.id), "organization.create", "organization", org.id)
                .summary(json!({ "name": org.name, "slug": org.slug })),
        )
        .await?;
        work.commit_with_policy().await?;
        Ok(org.into())
    }

    /// Adds an existing user (by email) with a role.
    async fn add_member(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        email: String,
        role: String,
    ) -> async_graphql::Result<Member> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let (member, user) = members::add(&work.txn, &app.authz, actor, org, &email, &role).await?;
        work.audit(
            Some(actor),
            AuditEntry::new(Some(org), "member.add", "user", user.id)
                .summary(json!({ "email": user.email, "role": member.role })),
        )
        .await?;
        work.commit_with_policy().await?;
        Ok((member, user).into())
    }

    /// Changes a member's role. Only owners grant or change the owner role; the last owner
    /// cannot be demoted.
    async fn update_member_role(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        user_id: ID,
        role: String,
    ) -> async_graphql::Result<Member> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let user_id = parse_id("userId", &user_id)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let (member, user) =
            members::update_role(&work.txn, &app.authz, actor, org, user_id, &role).await?;
        work.audit(
            Some(actor),
            AuditEntry::new(Some(org), "member.update_role", "user", user.id)
                .summary(json!({ "role": member.role })),
        )
        .await?;
        work.commit_with_policy().await?;
        Ok((member, user).into())
    }

    /// Removes a member. The last owner cannot be removed.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        user_id: ID,
    ) -> async_graphql::Result<bool> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let user_id = parse_id("userId", &user_id)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let removed = members::remove(&work.txn, &app.authz, actor, org, user_id).await?;
        work.audit(
            Some(actor),
            AuditEntry::new(Some(org), "member.remove", "user", removed.user_id)
                .summary(json!({ "role": removed.role })),
        )
        .await?;
        work.commit_with_policy().await?;
        Ok(true)
    }
}

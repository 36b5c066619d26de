//! `createOrganization`, `addMember` (an invitation), `revokeInvitation`, `updateMemberRole`,
//! `removeMember`.

use async_graphql::{Context, ID, InputObject, Object};

use super::invitation::Invitation;
use super::{Member, Organization};
use crate::graphql::{ContextExt, parse_id};
use crate::service::organization;

#[derive(InputObject)]
pub struct CreateOrganizationInput {
    pub name: String,
    /// `[a-z0-9-]{2,48}`; derived from the name when absent.
    pub slug: Option<String>,
}

#[derive(InputObject)]
pub struct AddMemberInput {
    pub email: String,
    /// A built-in or custom role of the organization.
    pub role: String,
}

#[derive(InputObject)]
pub struct UpdateMemberRoleInput {
    pub user_id: ID,
    pub role: String,
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
        let request = ctx.request_context()?;
        let (name, slug) = (&input.name, input.slug.as_deref());
        let org =
            organization::create_organization(ctx.app()?, &request, actor, name, slug).await?;
        ctx.forget_loaded();
        Ok(org.into())
    }

    /// Invites `email` to the organization with `role` (renewing a pending invitation to the
    /// same address). The answer is the same whether or not the address has an account; the
    /// person joins only when they accept (`acceptInvitation`), within the invitation's
    /// lifetime. CONFLICT when the address belongs to a member already.
    async fn add_member(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: AddMemberInput,
    ) -> async_graphql::Result<Invitation> {
        let AddMemberInput { email, role } = input;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let request = ctx.request_context()?;
        let (invited, org) =
            organization::invite(ctx.app()?, &request, actor, org, &email, &role).await?;
        ctx.forget_loaded();
        Ok(Invitation::new(invited, org))
    }

    /// Withdraws a pending invitation (needs `member:manage` and a role covering the
    /// invitation's).
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Invitation> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let (revoked, org) =
            organization::revoke_invitation(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(Invitation::new(revoked, org))
    }

    /// Changes a member's role. Only owners grant or change the owner role; the last owner
    /// cannot be demoted.
    async fn update_member_role(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: UpdateMemberRoleInput,
    ) -> async_graphql::Result<Member> {
        let UpdateMemberRoleInput { user_id, role } = input;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let user_id = parse_id("userId", &user_id)?;
        let request = ctx.request_context()?;
        let app = ctx.app()?;
        let changed =
            organization::update_member_role(app, &request, actor, org, user_id, &role).await?;
        ctx.forget_loaded();
        Ok(changed.into())
    }

    /// Removes a member. The last owner cannot be removed.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        user_id: ID,
    ) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let user_id = parse_id("userId", &user_id)?;
        let request = ctx.request_context()?;
        organization::remove_member(ctx.app()?, &request, actor, org, user_id).await?;
        ctx.forget_loaded();
        Ok(true)
    }
}

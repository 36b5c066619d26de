//! `createOrganization`, `addMember` (an invitation), `revokeInvitation`, `updateMemberRole`,
//! `removeMember`.

use async_graphql::{Context, ID, InputObject, Object};
use serde_json::json;

use super::invitation::Invitation;
use super::{Member, Organization};
use crate::audit::AuditEntry;
use crate::graphql::{ContextExt, UnitOfWork, parse_id};
use crate::service::{invitations, members, organizations};

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
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let invited = invitations::invite(
            &work.txn,
            &app.authz,
            actor,
            org,
            &email,
            &role,
            app.config.invitation_ttl,
        )
        .await?;
        work.audit(
            Some(actor),
            AuditEntry::new(Some(org), "invitation.create", "invitation", invited.id)
                .summary(json!({ "email": invited.email, "role": invited.role })),
        )
        .await?;
        let invitation = Invitation::load(&work.txn, invited).await?;
        work.commit().await?;
        Ok(invitation)
    }

    /// Withdraws a pending invitation (needs `member:manage` and a role covering the
    /// invitation's).
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Invitation> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let revoked =
            invitations::revoke(&work.txn, &app.authz, actor, parse_id("id", &id)?).await?;
        work.audit(
            Some(actor),
            AuditEntry::new(
                Some(revoked.org_id),
                "invitation.revoke",
                "invitation",
                revoked.id,
            )
            .summary(json!({ "email": revoked.email, "role": revoked.role })),
        )
        .await?;
        let invitation = Invitation::load(&work.txn, revoked).await?;
        work.commit().await?;
        Ok(invitation)
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

//! The organization commands: create an organization, invite (and withdraw, accept or
//! decline an invitation), change or remove a member. Those that change who holds which role
//! reload the policies everywhere after their commit.

use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use super::{invitations, members, organizations};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::{invitation, membership, organization, user};

/// An invitation with the organization it is to.
pub type InvitationWithOrg = (invitation::Model, organization::Model);

/// Creates an organization; the caller becomes its owner.
#[instrument(skip_all)]
pub async fn create_organization(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    name: &str,
    slug: Option<&str>,
) -> AppResult<organization::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let org = organizations::create(&work.txn, actor, name, slug).await?;
    work.audit(
        Some(actor),
        AuditEntry::new(Some(org.id), "organization.create", "organization", org.id)
            .summary(json!({ "name": org.name, "slug": org.slug })),
    )
    .await?;
    work.changes_policy();
    work.commit().await?;
    Ok(org)
}

/// Invites `email` to `org` with `role` (renewing a pending invitation to the same address).
#[instrument(skip_all, fields(org = %org))]
pub async fn invite(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    email: &str,
    role: &str,
) -> AppResult<InvitationWithOrg> {
    let work = UnitOfWork::begin(app, request).await?;
    let ttl = app.config.invitation_ttl;
    let invited = invitations::invite(&work.txn, &app.authz, actor, org, email, role, ttl).await?;
    audited(work, actor, "invitation.create", invited, false).await
}

/// Withdraws a pending invitation.
#[instrument(skip_all, fields(invitation = %id))]
pub async fn revoke_invitation(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<InvitationWithOrg> {
    let work = UnitOfWork::begin(app, request).await?;
    let revoked = invitations::revoke(&work.txn, &app.authz, actor, id).await?;
    audited(work, actor, "invitation.revoke", revoked, false).await
}

/// The invitee accepts: they become a member with the invitation's role.
#[instrument(skip_all, fields(invitation = %id))]
pub async fn accept_invitation(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<InvitationWithOrg> {
    let work = UnitOfWork::begin(app, request).await?;
    let accepted = invitations::accept(&work.txn, actor, id).await?;
    // The invitee becomes a member: a new policy line.
    audited(work, actor, "invitation.accept", accepted, true).await
}

/// The invitee declines.
#[instrument(skip_all, fields(invitation = %id))]
pub async fn decline_invitation(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    id: Uuid,
) -> AppResult<InvitationWithOrg> {
    let work = UnitOfWork::begin(app, request).await?;
    let declined = invitations::decline(&work.txn, actor, id).await?;
    audited(work, actor, "invitation.decline", declined, false).await
}

/// Ends every invitation command the same way: its audit entry (`action`, with the address
/// and the role), the invitation with its organization, the commit.
async fn audited(
    mut work: UnitOfWork<'_>,
    actor: &Actor,
    action: &'static str,
    model: invitation::Model,
    changes_policy: bool,
) -> AppResult<InvitationWithOrg> {
    let entry = AuditEntry::new(Some(model.org_id), action, "invitation", model.id)
        .summary(json!({ "email": model.email, "role": model.role }));
    work.audit(Some(actor), entry).await?;
    let invitation = invitations::with_organization(&work.txn, model).await?;
    if changes_policy {
        work.changes_policy();
    }
    work.commit().await?;
    Ok(invitation)
}

/// Changes a member's role.
#[instrument(skip_all, fields(org = %org, user = %user_id))]
pub async fn update_member_role(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    user_id: Uuid,
    role: &str,
) -> AppResult<(membership::Model, user::Model)> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let (member, user) =
        members::update_role(&work.txn, &app.authz, actor, org, user_id, role).await?;
    work.audit(
        Some(actor),
        AuditEntry::new(Some(org), "member.update_role", "user", user.id)
            .summary(json!({ "role": member.role })),
    )
    .await?;
    work.changes_policy();
    work.commit().await?;
    Ok((member, user))
}

/// Removes a member (never the last owner).
#[instrument(skip_all, fields(org = %org, user = %user_id))]
pub async fn remove_member(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    user_id: Uuid,
) -> AppResult<membership::Model> {
    let mut work = UnitOfWork::begin(app, request).await?;
    let removed = members::remove(&work.txn, &app.authz, actor, org, user_id).await?;
    work.audit(
        Some(actor),
        AuditEntry::new(Some(org), "member.remove", "user", removed.user_id)
            .summary(json!({ "role": removed.role })),
    )
    .await?;
    work.changes_policy();
    work.commit().await?;
    Ok(removed)
}

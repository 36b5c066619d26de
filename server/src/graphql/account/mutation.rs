//! `signUp`, `login`, `refreshToken`, `logout`, and the invitee's `acceptInvitation` /
//! `declineInvitation`.

use async_graphql::{Context, ID, InputObject, Object};
use serde_json::json;

use super::AuthPayload;
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::error::AppError;
use crate::graphql::organization::invitation::Invitation;
use crate::graphql::{ContextExt, UnitOfWork, parse_id};
use crate::service::accounts::{self, Login, Rotation, SignUp};
use crate::service::invitations;

#[derive(InputObject)]
pub struct SignUpInput {
    pub email: String,
    /// At least 8 characters.
    pub password: String,
    pub name: String,
    /// The organization created for you, where you are owner.
    pub organization_name: String,
}

#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an account and an organization owned by it, and signs in.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        input: SignUpInput,
    ) -> async_graphql::Result<AuthPayload> {
        let app = ctx.app()?;
        let ip = crate::ratelimit::client_key(ctx.request()?.client_ip);
        let prepared = accounts::prepare_sign_up(
            app,
            &ip,
            SignUp {
                email: input.email,
                password: input.password,
                name: input.name,
                organization_name: input.organization_name,
            },
        )
        .await?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let (user, org) = accounts::sign_up(&work.txn, prepared).await?;
        let tokens = accounts::issue_tokens(&work.txn, app, user.id, None).await?;
        let actor = Actor::User { id: user.id };
        work.audit(
            Some(&actor),
            AuditEntry::new(Some(org.id), "user.sign_up", "user", user.id)
                .summary(json!({ "email": user.email, "organization": org.slug })),
        )
        .await?;
        work.commit_with_policy().await?;
        Ok(AuthPayload::new(tokens, user, Some(org)))
    }

    /// Signs in with email and password. Rate limited per (email, client address) and per
    /// client address, so guessing from one address never locks the owner out.
    async fn login(
        &self,
        ctx: &Context<'_>,
        input: LoginInput,
    ) -> async_graphql::Result<AuthPayload> {
        let app = ctx.app()?;
        let ip = crate::ratelimit::client_key(ctx.request()?.client_ip);
        let user = match accounts::login(app, &input.email, input.password, &ip).await? {
            Login::Succeeded(user) => user,
            Login::WrongPassword { user_id } => {
                if let Some(user_id) = user_id {
                    let mut work = UnitOfWork::begin(ctx).await?;
                    let org = accounts::home_organization(&work.txn, user_id).await?;
                    let entry =
                        AuditEntry::new(org.map(|o| o.id), "user.login_failed", "user", user_id)
                            .summary(json!({ "client": ip }));
                    work.audit(None, entry).await?;
                    work.commit().await?;
                }
                return Err(accounts::wrong_credentials().into());
            }
        };
        let mut work = UnitOfWork::begin(ctx).await?;
        let org = accounts::home_organization(&work.txn, user.id).await?;
        let tokens = accounts::issue_tokens(&work.txn, app, user.id, None).await?;
        let actor = Actor::User { id: user.id };
        work.audit(
            Some(&actor),
            AuditEntry::new(org.as_ref().map(|o| o.id), "user.login", "user", user.id),
        )
        .await?;
        work.commit().await?;
        Ok(AuthPayload::new(tokens, user, org))
    }

    /// Exchanges a refresh token for a new pair. Each refresh token works once; presenting a
    /// used one again signs that login out (its access tokens too).
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        let app = ctx.app()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        match accounts::rotate(&work.txn, app, &refresh_token).await? {
            Rotation::Rotated { user, tokens } => {
                let org = accounts::home_organization(&work.txn, user.id).await?;
                let actor = Actor::User { id: user.id };
                let entry = AuditEntry::new(
                    org.as_ref().map(|o| o.id),
                    "user.refresh_token",
                    "user",
                    user.id,
                );
                work.audit(Some(&actor), entry).await?;
                work.commit().await?;
                Ok(AuthPayload::new(tokens, user, org))
            }
            Rotation::Reused { user_id, family_id } => {
                accounts::revoke_family(&work.txn, family_id).await?;
                let org = accounts::home_organization(&work.txn, user_id).await?;
                let entry = AuditEntry::new(
                    org.map(|o| o.id),
                    "user.refresh_token_reuse",
                    "user",
                    user_id,
                )
                .summary(
                    json!({ "family": family_id, "effect": "every session of this login revoked" }),
                );
                work.audit(None, entry).await?;
                work.commit().await?;
                tracing::warn!(user.id = %user_id, "refresh token reuse: family revoked");
                Err(AppError::Unauthenticated(
                    "refresh token already used; every session of this login was signed out".into(),
                )
                .into())
            }
        }
    }

    /// Signs out the login the refresh token belongs to: its refresh tokens and its access
    /// tokens stop working at once. Always true, so it reveals nothing.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<bool> {
        let mut work = UnitOfWork::begin(ctx).await?;
        if let Some(id) = accounts::logout(&work.txn, &refresh_token).await? {
            let actor = Actor::User { id };
            let org = accounts::home_organization(&work.txn, id).await?;
            let entry = AuditEntry::new(org.map(|o| o.id), "user.logout", "user", id);
            work.audit(Some(&actor), entry).await?;
        }
        work.commit().await?;
        Ok(true)
    }

    /// Accepts an invitation addressed to your email: you become a member of its
    /// organization with its role.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Invitation> {
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let accepted = invitations::accept(&work.txn, actor, parse_id("id", &id)?).await?;
        work.audit(Some(actor), answered("invitation.accept", &accepted))
            .await?;
        let invitation = Invitation::load(&work.txn, accepted).await?;
        work.commit_with_policy().await?;
        Ok(invitation)
    }

    /// Declines an invitation addressed to your email.
    async fn decline_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Invitation> {
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let declined = invitations::decline(&work.txn, actor, parse_id("id", &id)?).await?;
        work.audit(Some(actor), answered("invitation.decline", &declined))
            .await?;
        let invitation = Invitation::load(&work.txn, declined).await?;
        work.commit().await?;
        Ok(invitation)
    }
}

/// The audit entry of an invitee's answer (`action`) to an invitation.
fn answered(action: &'static str, invitation: &entities::invitation::Model) -> AuditEntry {
    AuditEntry::new(Some(invitation.org_id), action, "invitation", invitation.id)
        .summary(json!({ "email": invitation.email, "role": invitation.role }))
}

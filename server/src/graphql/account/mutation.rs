//! `signUp`, `login`, `refreshToken`, `logout`, and the invitee's `acceptInvitation` /
//! `declineInvitation`.

use async_graphql::{Context, ID, InputObject, Object};

use super::AuthPayload;
use crate::graphql::organization::invitation::Invitation;
use crate::graphql::{ContextExt, parse_id};
use crate::service::account::{self, SignedIn, accounts::SignUp};
use crate::service::organization;

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

impl From<SignedIn> for AuthPayload {
    fn from(signed_in: SignedIn) -> Self {
        AuthPayload::new(signed_in.tokens, signed_in.user, signed_in.organization)
    }
}

#[Object]
impl AccountMutation {
    /// Creates an account and an organization owned by it, and signs in.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        input: SignUpInput,
    ) -> async_graphql::Result<AuthPayload> {
        let input = SignUp {
            email: input.email,
            password: input.password,
            name: input.name,
            organization_name: input.organization_name,
        };
        let request = ctx.request_context()?;
        let signed_in = account::sign_up(ctx.app()?, &request, input).await?;
        ctx.forget_loaded();
        Ok(signed_in.into())
    }

    /// Signs in with email and password. Rate limited per (email, client address) and per
    /// client address, so guessing from one address never locks the owner out.
    async fn login(
        &self,
        ctx: &Context<'_>,
        input: LoginInput,
    ) -> async_graphql::Result<AuthPayload> {
        let request = ctx.request_context()?;
        let signed_in = account::login(ctx.app()?, &request, &input.email, input.password).await;
        ctx.forget_loaded();
        Ok(signed_in?.into())
    }

    /// Exchanges a refresh token for a new pair. Each refresh token works once; presenting a
    /// used one again signs that login out (its access tokens too).
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        let request = ctx.request_context()?;
        let signed_in = account::refresh_token(ctx.app()?, &request, &refresh_token).await;
        ctx.forget_loaded();
        Ok(signed_in?.into())
    }

    /// Signs out the login the refresh token belongs to: its refresh tokens and its access
    /// tokens stop working at once. Always true, so it reveals nothing.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<bool> {
        let request = ctx.request_context()?;
        account::logout(ctx.app()?, &request, &refresh_token).await?;
        ctx.forget_loaded();
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
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let (accepted, org) =
            organization::accept_invitation(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(Invitation::new(accepted, org))
    }

    /// Declines an invitation addressed to your email.
    async fn decline_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Invitation> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let (declined, org) =
            organization::decline_invitation(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(Invitation::new(declined, org))
    }
}

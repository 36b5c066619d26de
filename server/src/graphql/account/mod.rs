//! Accounts: users, sessions and the caller's memberships.

pub mod mutation;
pub mod query;

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use chrono::{DateTime, Utc};

use super::ContextExt;
use super::organization::Organization;
use super::organization::invitation::Invitation;
use crate::service::account::accounts;
use crate::service::organization::invitations;
use entities::user;

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct User {
    pub id: ID,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            email: m.email,
            name: m.name,
            created_at: m.created_at,
        }
    }
}

#[ComplexObject]
impl User {
    /// The user's memberships, limited to organizations the caller also belongs to (all of
    /// them, for `me`).
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
        let app = ctx.app()?;
        let user_id = super::parse_id("id", &self.id)?;
        let rows =
            accounts::visible_memberships(&app.db, &app.authz, ctx.actor()?, user_id).await?;
        Ok(rows
            .into_iter()
            .map(|(m, org)| Membership {
                organization: org.into(),
                role: m.role,
                joined_at: m.created_at,
            })
            .collect())
    }

    /// Open invitations addressed to this user's email, newest first: accept or decline
    /// them with `acceptInvitation` / `declineInvitation`. Only on `me` (empty for anyone
    /// else).
    async fn invitations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Invitation>> {
        let app = ctx.app()?;
        let user_id = super::parse_id("id", &self.id)?;
        if ctx.actor()?.user_id().ok() != Some(user_id) {
            return Ok(Vec::new());
        }
        let user = accounts::user(&app.db, user_id).await?;
        let rows = invitations::list_for_user(&app.db, &user).await?;
        Ok(Invitation::load_all(&app.db, rows).await?)
    }
}

#[derive(SimpleObject)]
pub struct Membership {
    pub organization: Organization,
    pub role: String,
    pub joined_at: DateTime<Utc>,
}

impl AuthPayload {
    pub fn new(
        tokens: accounts::Tokens,
        user: user::Model,
        organization: Option<entities::organization::Model>,
    ) -> Self {
        Self {
            access_token: tokens.access_token,
            access_token_expires_at: tokens.access_token_expires_at,
            refresh_token: tokens.refresh_token,
            user: user.into(),
            organization: organization.map(Into::into),
        }
    }
}

/// What signing up, logging in and refreshing return.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Short-lived JWT: send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    /// Single-use: exchange with `refreshToken` for a new pair.
    pub refresh_token: String,
    pub user: User,
    /// The organization the session starts in (the new one, on sign-up).
    pub organization: Option<Organization>,
}

//! Accounts: users, sessions and the caller's memberships.

pub mod mutation;
pub mod query;

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::ContextExt;
use super::organization::Organization;
use entities::{membership, organization, user};

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
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let user_id = super::parse_id("id", &self.id)?;
        let rows = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id))
            .order_by_asc(membership::Column::CreatedAt)
            .all(&app.db)
            .await?;
        let mut visible = Vec::with_capacity(rows.len());
        for row in rows {
            if !app.authz.roles_in(actor, row.org_id).await.is_empty() {
                visible.push(row);
            }
        }
        let orgs = organization::Entity::find()
            .filter(organization::Column::Id.is_in(visible.iter().map(|m| m.org_id)))
            .all(&app.db)
            .await?;
        Ok(visible
            .into_iter()
            .filter_map(|m| {
                let org = orgs.iter().find(|o| o.id == m.org_id)?.clone();
                Some(Membership {
                    organization: org.into(),
                    role: m.role,
                    joined_at: m.created_at,
                })
            })
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct Membership {
    pub organization: Organization,
    pub role: String,
    pub joined_at: DateTime<Utc>,
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

//! The `Invitation` type: an offer of a role in an organization, made by `addMember`.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::Organization;
use crate::error::AppResult;
use crate::service::organization::invitations;
use entities::{invitation, organization};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum InvitationStatus {
    /// Waiting for the invitee.
    Pending,
    Accepted,
    Declined,
    /// Withdrawn by someone who manages members.
    Revoked,
    /// Not answered in time.
    Expired,
}

#[derive(SimpleObject)]
pub struct Invitation {
    pub id: ID,
    pub organization: Organization,
    /// The address invited; whoever signs in with an account of that email may accept.
    pub email: String,
    /// The role the invitee gets on accepting.
    pub role: String,
    pub status: InvitationStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
}

impl Invitation {
    pub fn new(model: invitation::Model, org: organization::Model) -> Self {
        let status = match invitations::status(&model, Utc::now()) {
            invitations::ACCEPTED => InvitationStatus::Accepted,
            invitations::DECLINED => InvitationStatus::Declined,
            invitations::REVOKED => InvitationStatus::Revoked,
            invitations::EXPIRED => InvitationStatus::Expired,
            _ => InvitationStatus::Pending,
        };
        Self {
            id: ID(model.id.to_string()),
            organization: org.into(),
            email: model.email,
            role: model.role,
            status,
            created_at: model.created_at,
            expires_at: model.expires_at,
            responded_at: model.responded_at,
        }
    }

    /// With their organizations loaded, in one query.
    pub async fn load_all(
        conn: &impl ConnectionTrait,
        models: Vec<invitation::Model>,
    ) -> AppResult<Vec<Self>> {
        let orgs = organization::Entity::find()
            .filter(organization::Column::Id.is_in(models.iter().map(|m| m.org_id)))
            .all(conn)
            .await?;
        Ok(models
            .into_iter()
            .filter_map(|m| {
                let org = orgs.iter().find(|o| o.id == m.org_id)?.clone();
                Some(Self::new(m, org))
            })
            .collect())
    }
}

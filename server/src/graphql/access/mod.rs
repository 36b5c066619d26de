//! Access: API keys and roles.

pub mod mutation;
pub mod query;

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use crate::service::access::roles::RoleView;
use entities::api_key;

#[derive(SimpleObject)]
pub struct ApiKey {
    pub id: ID,
    pub org_id: ID,
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_key::Model> for ApiKey {
    fn from(m: api_key::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            org_id: ID(m.org_id.to_string()),
            name: m.name,
            prefix: m.prefix,
            role: m.role,
            created_at: m.created_at,
            expires_at: m.expires_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        }
    }
}

/// A new key. `secret` is shown this once and never again.
#[derive(SimpleObject)]
pub struct CreatedApiKey {
    pub secret: String,
    pub api_key: ApiKey,
}

#[derive(SimpleObject)]
pub struct Role {
    pub name: String,
    pub builtin: bool,
    /// `resource:action` strings.
    pub permissions: Vec<String>,
}

impl From<RoleView> for Role {
    fn from(r: RoleView) -> Self {
        Self {
            name: r.name,
            builtin: r.builtin,
            permissions: r.permissions,
        }
    }
}

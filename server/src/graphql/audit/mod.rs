//! The audit log: paged reads and a live feed.

pub mod query;
pub mod subscription;

use async_graphql::{ID, Json, SimpleObject};
use chrono::{DateTime, Utc};

use entities::audit_event;

#[derive(SimpleObject)]
pub struct AuditEvent {
    pub id: ID,
    pub org_id: Option<ID>,
    /// `user`, `api_key` or `anonymous`.
    pub actor_type: String,
    pub actor_id: Option<ID>,
    /// e.g. `member.add`, `api_key.revoke`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub request_id: String,
    /// The OpenTelemetry trace id (32 hex digits) of the request that made the change, when
    /// the server exports traces: the same id as in its spans and JSON log lines.
    pub trace_id: Option<String>,
    pub summary: Json<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

impl From<audit_event::Model> for AuditEvent {
    fn from(m: audit_event::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            org_id: m.org_id.map(|id| ID(id.to_string())),
            actor_type: m.actor_type,
            actor_id: m.actor_id.map(|id| ID(id.to_string())),
            action: m.action,
            resource_type: m.resource_type,
            resource_id: m.resource_id,
            request_id: m.request_id,
            trace_id: m.trace_id,
            summary: Json(m.summary),
            created_at: m.created_at,
        }
    }
}

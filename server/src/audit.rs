//! The audit log: every mutation records an event in its own transaction; once committed, the
//! event is published on the bus for `auditEventAdded` subscribers. Below the services and the
//! application: it is given the bus, not the `App`.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde_json::Value;
use uuid::Uuid;
use workers::events::EventBus;

use crate::auth::Actor;
use crate::error::AppResult;
use entities::audit_event;

pub fn topic(org: Uuid) -> String {
    format!("audit.{org}")
}

/// What happened, to what.
pub struct AuditEntry {
    pub org_id: Option<Uuid>,
    pub action: &'static str,
    pub resource_type: &'static str,
    pub resource_id: Option<String>,
    /// Input worth keeping, secrets left out.
    pub summary: Value,
}

impl AuditEntry {
    pub fn new(
        org_id: Option<Uuid>,
        action: &'static str,
        resource_type: &'static str,
        resource_id: impl ToString,
    ) -> Self {
        Self {
            org_id,
            action,
            resource_type,
            resource_id: Some(resource_id.to_string()),
            summary: Value::Object(Default::default()),
        }
    }

    pub fn summary(mut self, summary: Value) -> Self {
        self.summary = summary;
        self
    }
}

pub async fn record(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    request_id: &str,
    entry: AuditEntry,
) -> AppResult<audit_event::Model> {
    let (actor_type, actor_id) = match actor {
        Some(Actor::User { id }) => ("user", Some(*id)),
        Some(Actor::ApiKey { id, .. }) => ("api_key", Some(*id)),
        None => ("anonymous", None),
    };
    let event = audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(entry.org_id),
        actor_type: Set(actor_type.to_owned()),
        actor_id: Set(actor_id),
        action: Set(entry.action.to_owned()),
        resource_type: Set(entry.resource_type.to_owned()),
        resource_id: Set(entry.resource_id),
        request_id: Set(request_id.to_owned()),
        trace_id: Set(workers::trace::current_trace_id()),
        summary: Set(entry.summary),
        created_at: Set(Utc::now()),
    };
    Ok(event.insert(conn).await?)
}

/// Tells live subscribers about committed events. Best effort: the log itself is already
/// durable, and a subscriber that misses one can page `auditEvents`.
pub async fn publish(bus: &EventBus, events: &[audit_event::Model]) {
    for event in events {
        let Some(org) = event.org_id else { continue };
        let payload = serde_json::json!({ "id": event.id });
        if let Err(error) = bus.publish(&topic(org), &payload.to_string()).await {
            tracing::warn!(error = %error, "could not publish an audit event");
        }
    }
}

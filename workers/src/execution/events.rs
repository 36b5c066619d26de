//! The events of one execution, as carried on its sequenced topic, and the organization-wide
//! notices of status changes.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::events::{EventBus, EventError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventKind {
    /// An attempt began; a client shows a fresh output from here (a retried attempt starts over).
    Started,
    Token,
    Completed,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionEvent {
    #[serde(rename = "type")]
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The token's position within its attempt, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ExecutionEvent {
    pub fn new(kind: EventKind) -> Self {
        Self {
            kind,
            token: None,
            index: None,
            attempt: None,
            error: None,
        }
    }
}

/// The sequenced topic of one execution's events.
pub fn topic(execution: Uuid) -> String {
    format!("execution.{execution}")
}

/// Plain topic: `{"id", "status"}` whenever an execution of the organization changes status.
pub fn org_topic(org: Uuid) -> String {
    format!("executions.{org}")
}

/// Plain topic: the id of an execution whose run must stop (it was cancelled).
pub const CANCEL_TOPIC: &str = "execution.cancel";

/// Appends an event; returns its sequence number.
pub async fn append(
    bus: &EventBus,
    execution: Uuid,
    event: &ExecutionEvent,
    floor: u64,
) -> Result<u64, EventError> {
    let payload = serde_json::to_string(event).unwrap_or_default();
    bus.append(&topic(execution), &payload, floor).await
}

/// Announces a status change to the organization's dashboards. Best effort: the row is the
/// truth, and a missed notice only delays a dashboard until its next refresh.
pub async fn announce(bus: &EventBus, org: Uuid, execution: Uuid, status: &str) {
    let payload = serde_json::json!({ "id": execution, "status": status }).to_string();
    if let Err(error) = bus.publish(&org_topic(org), &payload).await {
        tracing::warn!(%error, %execution, "could not announce an execution status");
    }
}

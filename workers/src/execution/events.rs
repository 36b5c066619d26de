//! The events of one execution, as carried on its run topic ([`RUNS`]), the terminal event
//! made from its row when the log has none, and the organization-wide notices of status
//! changes.

use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::events::run::{RunEvent, RunFamily, RunTopic};
use crate::events::{EventBus, EventError, Replay};
use entities::execution;

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

impl EventKind {
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

impl RunEvent for ExecutionEvent {
    /// An execution is a single step.
    type Step = ();

    fn attempt(&self) -> Option<((), i32)> {
        self.attempt.map(|attempt| ((), attempt))
    }

    fn is_terminal(&self) -> bool {
        self.kind.is_terminal()
    }
}

/// The executions' run topics, `execution.<id>`: each keeps the configured number of events
/// (`PROMPTOPS_EVENT_LOG_CAPACITY`) for replay.
pub const RUNS: RunFamily<ExecutionEvent> = RunFamily::new("execution", Replay::Configured);

/// The run topic of one execution's events.
pub fn run(execution: Uuid) -> RunTopic<ExecutionEvent> {
    RUNS.topic(execution)
}

/// The name of the sequenced topic of one execution's events.
pub fn topic(execution: Uuid) -> String {
    run(execution).name().to_owned()
}

/// The terminal event of a finished execution, made from its row (for a follower whose log
/// lacks it); `None` while it runs, or when it cannot be read.
pub async fn terminal_from_row(conn: &impl ConnectionTrait, id: Uuid) -> Option<ExecutionEvent> {
    let found = match execution::Entity::find_by_id(id).one(conn).await {
        Ok(found) => found?,
        Err(error) => {
            tracing::warn!(%error, execution = %id, "could not read an execution's row");
            return None;
        }
    };
    let kind = match found.status.as_str() {
        super::SUCCEEDED => EventKind::Completed,
        super::FAILED => EventKind::Failed,
        super::CANCELLED => EventKind::Cancelled,
        _ => return None,
    };
    let mut event = ExecutionEvent::new(kind);
    event.error = found.error.filter(|_| kind == EventKind::Failed);
    Some(event)
}

/// Plain topic: `{"id", "status"}` whenever an execution of the organization changes status.
pub fn org_topic(org: Uuid) -> String {
    format!("executions.{org}")
}

/// Appends an event; returns its sequence number.
pub async fn append(
    bus: &EventBus,
    execution: Uuid,
    event: &ExecutionEvent,
    floor: u64,
) -> Result<u64, EventError> {
    run(execution).append(bus, event, floor).await
}

/// Announces a status change to the organization's dashboards. Best effort: the row is the
/// truth, and a missed notice only delays a dashboard until its next refresh.
pub async fn announce(bus: &EventBus, org: Uuid, execution: Uuid, status: &str) {
    let payload = serde_json::json!({ "id": execution, "status": status }).to_string();
    if let Err(error) = bus.publish(&org_topic(org), &payload).await {
        tracing::warn!(%error, %execution, "could not announce an execution status");
    }
}

//! The events of one workflow run, on its run topic (`workflow_run.<id>`): run status changes,
//! node status changes (with their attempt), node tokens, node outputs and the run's output —
//! one sequence for the whole run, replayed gaplessly with `after`. And the organization's
//! plain notices of run status changes (`workflow_runs.<org>`), for dashboards.

use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::status;
use crate::events::run::{RunEvent, RunFamily, RunTopic};
use crate::events::{EventBus, Replay};
use entities::workflow_run;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkflowEventKind {
    /// The run's status changed; a terminal status is the run's last event.
    RunStatus,
    /// A node's status changed (`attempt` says which execution of it).
    NodeStatus,
    /// A token of a node's model call (`item` for a map's items).
    NodeToken,
    /// A node's output, when it completed.
    NodeOutput,
    /// The run's output, just before its FINISHED status.
    RunOutput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowRunEvent {
    #[serde(rename = "type")]
    pub kind: WorkflowEventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// RUN_STATUS: how many times the run had been resumed (`retryWorkflowRun`) then; a
    /// follower ends at the terminal status of the latest resumption, not at an earlier one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumption: Option<u32>,
}

impl WorkflowRunEvent {
    fn new(kind: WorkflowEventKind) -> Self {
        Self {
            kind,
            node: None,
            status: None,
            attempt: None,
            index: None,
            item: None,
            text: None,
            error: None,
            resumption: None,
        }
    }

    pub fn run_status(status: &str, error: Option<String>) -> Self {
        Self {
            status: Some(status.to_owned()),
            error,
            ..Self::new(WorkflowEventKind::RunStatus)
        }
    }

    pub fn node_status(node: &str, status: &str, attempt: i32, error: Option<String>) -> Self {
        Self {
            node: Some(node.to_owned()),
            status: Some(status.to_owned()),
            attempt: Some(attempt),
            error,
            ..Self::new(WorkflowEventKind::NodeStatus)
        }
    }

    pub fn node_token(node: &str, attempt: i32, item: Option<u32>, index: u32, text: &str) -> Self {
        Self {
            node: Some(node.to_owned()),
            attempt: Some(attempt),
            item,
            index: Some(index),
            text: Some(text.to_owned()),
            ..Self::new(WorkflowEventKind::NodeToken)
        }
    }

    pub fn node_output(node: &str, attempt: i32, output: &str) -> Self {
        Self {
            node: Some(node.to_owned()),
            attempt: Some(attempt),
            text: Some(output.to_owned()),
            ..Self::new(WorkflowEventKind::NodeOutput)
        }
    }

    pub fn run_output(output: &str) -> Self {
        Self {
            text: Some(output.to_owned()),
            ..Self::new(WorkflowEventKind::RunOutput)
        }
    }
}

impl WorkflowRunEvent {
    /// A RUN_STATUS FINISHED, FAILED or CANCELLED.
    pub fn is_terminal_status(&self) -> bool {
        self.kind == WorkflowEventKind::RunStatus
            && self.status.as_deref().is_some_and(status::run_is_terminal)
    }
}

impl RunEvent for WorkflowRunEvent {
    /// Attempts are per node.
    type Step = String;

    fn attempt(&self) -> Option<(String, i32)> {
        Some((self.node.clone()?, self.attempt?))
    }

    fn is_terminal(&self) -> bool {
        self.is_terminal_status()
    }
}

/// The workflow runs' topics: a run interleaves many nodes' tokens, so each keeps ten times
/// the configured number of events.
pub const RUNS: RunFamily<WorkflowRunEvent> = RunFamily::new("workflow_run", Replay::Scaled(10));

pub fn topic(run: Uuid) -> RunTopic<WorkflowRunEvent> {
    RUNS.topic(run)
}

/// Appends `events` to the run's topic in order; returns the last number. Best effort: the
/// rows are the truth, and a follower whose log lacks the end makes it from the row. A change
/// that holds the run's lock publishes its events before it commits, so the run's events are
/// numbered in the order its changes were made (and its terminal status is the last).
pub async fn publish(bus: &EventBus, run: Uuid, events: &[WorkflowRunEvent], floor: u64) -> u64 {
    let topic = topic(run);
    let mut last = floor;
    for event in events {
        match topic.append(bus, event, last).await {
            Ok(seq) => last = seq,
            Err(error) => {
                tracing::warn!(%error, %run, "could not publish a workflow run event");
                return last;
            }
        }
    }
    last
}

/// Plain topic: `{"id", "status"}` whenever a workflow run of the organization changes status.
pub fn org_topic(org: Uuid) -> String {
    format!("workflow_runs.{org}")
}

/// Announces a run's status to the organization's dashboards (best effort).
pub async fn announce(bus: &EventBus, org: Uuid, run: Uuid, status: &str) {
    let payload = serde_json::json!({ "id": run, "status": status }).to_string();
    if let Err(error) = bus.publish(&org_topic(org), &payload).await {
        tracing::warn!(%error, %run, "could not announce a workflow run status");
    }
}

/// The terminal event of a finished run, made from its row (for a follower whose log lacks
/// it); `None` while it runs or when it cannot be read.
pub async fn terminal_from_row(conn: &impl ConnectionTrait, id: Uuid) -> Option<WorkflowRunEvent> {
    let found = match workflow_run::Entity::find_by_id(id).one(conn).await {
        Ok(found) => found?,
        Err(error) => {
            tracing::warn!(%error, run = %id, "could not read a workflow run's row");
            return None;
        }
    };
    let resumption = super::resumptions(&found);
    status::run_is_terminal(&found.status).then(|| WorkflowRunEvent {
        resumption: Some(resumption),
        ..WorkflowRunEvent::run_status(&found.status, found.error.clone())
    })
}

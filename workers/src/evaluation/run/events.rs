//! The events of one evaluation run, on its run topic (`evaluation_run.<id>`): status changes,
//! each item's result as it is written, and progress counts after each — one sequence,
//! replayed gaplessly with `after`. And the organization's plain notices of run status changes
//! (`evaluation_runs.<org>`).

use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::status;
use crate::events::run::{RunEvent, RunFamily, RunTopic};
use crate::events::{EventBus, Replay};
use entities::{evaluation_result, evaluation_run};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EvaluationEventKind {
    /// The run's status changed; a terminal status is its last event.
    RunStatus,
    /// An item × target result was written (scored, errored or cancelled).
    ItemResult,
    /// The counts after a result.
    Progress,
}

/// The counts of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub total: i32,
    pub completed: i32,
    pub passed: i32,
    pub failed: i32,
    pub errored: i32,
}

impl Progress {
    pub fn of(run: &evaluation_run::Model) -> Self {
        Self {
            total: run.total,
            completed: run.completed,
            passed: run.passed,
            failed: run.failed,
            errored: run.errored,
        }
    }
}

/// An item's result, as the events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemResult {
    pub result_id: Uuid,
    pub item_id: Uuid,
    pub target_index: i32,
    pub status: String,
    pub passed: Option<bool>,
    pub score: Option<f64>,
    pub error: Option<String>,
}

impl ItemResult {
    pub fn of(row: &evaluation_result::Model) -> Self {
        Self {
            result_id: row.id,
            item_id: row.item_key,
            target_index: row.target_index,
            status: row.status.clone(),
            passed: row.passed,
            score: row.score,
            error: row.error.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationRunEvent {
    #[serde(rename = "type")]
    pub kind: EvaluationEventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ItemResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
}

impl EvaluationRunEvent {
    pub fn run_status(status: &str, error: Option<String>) -> Self {
        Self {
            kind: EvaluationEventKind::RunStatus,
            status: Some(status.to_owned()),
            error,
            result: None,
            progress: None,
        }
    }

    pub fn item(row: &evaluation_result::Model) -> Self {
        Self {
            kind: EvaluationEventKind::ItemResult,
            status: None,
            error: None,
            result: Some(ItemResult::of(row)),
            progress: None,
        }
    }

    pub fn progress(run: &evaluation_run::Model) -> Self {
        Self {
            kind: EvaluationEventKind::Progress,
            status: None,
            error: None,
            result: None,
            progress: Some(Progress::of(run)),
        }
    }

    /// A RUN_STATUS FINISHED, FAILED or CANCELLED.
    pub fn is_terminal_status(&self) -> bool {
        self.kind == EvaluationEventKind::RunStatus
            && self.status.as_deref().is_some_and(status::run_is_terminal)
    }
}

impl RunEvent for EvaluationRunEvent {
    /// A result is written once: no event belongs to a superseded attempt.
    type Step = ();

    fn attempt(&self) -> Option<((), i32)> {
        None
    }

    fn is_terminal(&self) -> bool {
        self.is_terminal_status()
    }
}

/// The evaluation runs' topics: two events per item, so each keeps ten times the configured
/// number of events.
pub const RUNS: RunFamily<EvaluationRunEvent> =
    RunFamily::new("evaluation_run", Replay::Scaled(10));

pub fn topic(run: Uuid) -> RunTopic<EvaluationRunEvent> {
    RUNS.topic(run)
}

/// Appends `events` in order (best effort: the rows are the truth). Writers publish while they
/// hold the run's lock, before they commit, so the numbering follows the commits.
pub async fn publish(bus: &EventBus, run: Uuid, events: &[EvaluationRunEvent]) {
    let topic = topic(run);
    let mut last = 0;
    for event in events {
        match topic.append(bus, event, last).await {
            Ok(seq) => last = seq,
            Err(error) => {
                tracing::warn!(%error, %run, "could not publish an evaluation run event");
                return;
            }
        }
    }
}

/// Plain topic: `{"id", "status"}` whenever an evaluation run of the organization changes
/// status.
pub fn org_topic(org: Uuid) -> String {
    format!("evaluation_runs.{org}")
}

/// Announces a run's status to the organization's dashboards (best effort).
pub async fn announce(bus: &EventBus, org: Uuid, run: Uuid, status: &str) {
    let payload = serde_json::json!({ "id": run, "status": status }).to_string();
    if let Err(error) = bus.publish(&org_topic(org), &payload).await {
        tracing::warn!(%error, %run, "could not announce an evaluation run status");
    }
}

/// The terminal event of a finished run, made from its row (for a follower whose log lacks
/// it); `None` while it runs or when it cannot be read.
pub async fn terminal_from_row(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Option<EvaluationRunEvent> {
    let found = match evaluation_run::Entity::find_by_id(id).one(conn).await {
        Ok(found) => found?,
        Err(error) => {
            tracing::warn!(%error, run = %id, "could not read an evaluation run's row");
            return None;
        }
    };
    status::run_is_terminal(&found.status)
        .then(|| EvaluationRunEvent::run_status(&found.status, found.error.clone()))
}

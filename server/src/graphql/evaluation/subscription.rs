//! `evaluationRunEvents`: one run's events (status, each item's result, progress), replayable —
//! a thin adapter over the run topic (`graphql::feed::run_events`).

use std::time::Duration;

use async_graphql::{Context, Enum, ID, SimpleObject, Subscription};
use futures_util::Stream;
use uuid::Uuid;
use workers::evaluation::run::{EvaluationEventKind, EvaluationRunEvent as Event, events, status};

use super::EvaluationProgress;
use crate::authz::permissions;
use crate::graphql::feed::{ending_when_committed, run_events, status_committed};
use crate::graphql::live::Access;
use crate::graphql::{ContextExt, parse_id};
use crate::service::evaluation::runs;
use entities::evaluation_run;
use sea_orm::EntityTrait;

/// With no event for this long, the log and then the row are checked: a run that ended while
/// its events could not be published still ends the stream.
const IDLE_CHECK: Duration = Duration::from_secs(3);
const ENDED_IDLE_CHECK: Duration = Duration::from_millis(500);

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EvaluationRunEventType {
    /// The run's status changed; FINISHED, FAILED or CANCELLED is the last event.
    RunStatus,
    /// An item × target result was written.
    ItemResult,
    /// The run's counts after a result.
    Progress,
}

/// An item's result as announced (read `evaluationRun` for its verdicts and output).
#[derive(SimpleObject)]
pub struct EvaluationItemEvent {
    pub result_id: ID,
    pub item_id: ID,
    pub target_index: i32,
    pub status: super::EvaluationResultStatus,
    pub passed: Option<bool>,
    pub score: Option<f64>,
    pub error: Option<String>,
}

/// One event of a run. `seq` increases strictly over the whole run; resubscribe with
/// `after: <last seq>` to continue without a gap or a duplicate.
#[derive(SimpleObject)]
pub struct EvaluationRunEvent {
    pub run_id: ID,
    pub seq: i64,
    #[graphql(name = "type")]
    pub kind: EvaluationRunEventType,
    /// RUN_STATUS: the new status.
    pub status: Option<String>,
    pub error: Option<String>,
    /// ITEM_RESULT.
    pub result: Option<EvaluationItemEvent>,
    /// PROGRESS.
    pub progress: Option<EvaluationProgress>,
}

impl EvaluationRunEvent {
    fn new(run: Uuid, seq: u64, event: Event) -> Self {
        Self {
            run_id: ID(run.to_string()),
            seq: i64::try_from(seq).unwrap_or(i64::MAX),
            kind: match event.kind {
                EvaluationEventKind::RunStatus => EvaluationRunEventType::RunStatus,
                EvaluationEventKind::ItemResult => EvaluationRunEventType::ItemResult,
                EvaluationEventKind::Progress => EvaluationRunEventType::Progress,
            },
            status: event.status,
            error: event.error,
            result: event.result.map(|r| EvaluationItemEvent {
                result_id: ID(r.result_id.to_string()),
                item_id: ID(r.item_id.to_string()),
                target_index: r.target_index,
                status: super::EvaluationResultStatus::parse(&r.status),
                passed: r.passed,
                score: r.score,
                error: r.error,
            }),
            progress: event.progress.map(|p| EvaluationProgress {
                total: p.total,
                completed: p.completed,
                passed: p.passed,
                failed: p.failed,
                errored: p.errored,
            }),
        }
    }
}

#[derive(Default)]
pub struct EvaluationSubscription;

#[Subscription]
impl EvaluationSubscription {
    /// The events of one run — status changes, each item's result as it is scored, progress
    /// counts — in one sequence; completes after FINISHED, FAILED or CANCELLED. `after`
    /// replays the events numbered above it first.
    async fn evaluation_run_events(
        &self,
        ctx: &Context<'_>,
        run_id: ID,
        after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<EvaluationRunEvent>> + use<>>
    {
        let app = ctx.app()?.clone();
        let caller = ctx.request()?.caller.clone();
        let actor = caller.actor()?.clone();
        let id = parse_id("runId", &run_id)?;
        let after = u64::try_from(after.unwrap_or(0)).unwrap_or(0);
        let found = runs::authorized(
            &app.db,
            &app.authz,
            &actor,
            id,
            permissions::EVALUATION_READ,
        )
        .await?;
        let idle = if status::run_is_terminal(&found.status) {
            ENDED_IDLE_CHECK
        } else {
            IDLE_CHECK
        };
        let (db, from_row) = (app.db.clone(), app.db.clone());
        let followed = events::topic(id).follow_until(
            &app.bus,
            after,
            idle,
            move || {
                let db = from_row.clone();
                async move { events::terminal_from_row(&db, id).await }
            },
            // The end is decided below, once its commit is seen.
            |_: &Event| false,
        );
        let followed = ending_when_committed(
            followed,
            id,
            Event::is_terminal_status,
            move |event: Event| {
                let db = db.clone();
                let read = move || {
                    let db = db.clone();
                    async move {
                        let row = evaluation_run::Entity::find_by_id(id).one(&db).await?;
                        Ok(row.map(|row| row.status))
                    }
                };
                status_committed(read, event.status, status::run_is_terminal)
            },
        );
        let access = Access {
            app,
            caller,
            org: found.org_id,
            permission: permissions::EVALUATION_READ,
        };
        Ok(run_events(access, "evaluation run", followed, move |n| {
            EvaluationRunEvent::new(id, n.seq, n.event)
        }))
    }
}

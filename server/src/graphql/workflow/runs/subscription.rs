//! `workflowRunEvents` (one run's events, replayable) and `orgWorkflowRunUpdates` (status
//! changes of an organization's runs): thin adapters over the run topic and the organization
//! feed (`graphql::feed`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::{Context, ID, Subscription};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;
use workers::events::EventError;
use workers::events::run::Numbered;
use workers::workflow::run::{WorkflowRunEvent as Event, events, status};

use super::{WorkflowRun, WorkflowRunEvent};
use crate::authz::permissions;
use crate::graphql::feed::{org_feed, run_events};
use crate::graphql::live::Access;
use crate::graphql::{ContextExt, parse_id};
use crate::service::workflow::runs;
use entities::workflow_run;

/// How long an end event waits for its status to show in the run's row.
const COMMIT_WAIT: Duration = Duration::from_secs(2);

/// With no event for this long, the log and then the row are checked: a run that ended while
/// its events could not be published still ends the stream.
const IDLE_CHECK: Duration = Duration::from_secs(3);
const ENDED_IDLE_CHECK: Duration = Duration::from_millis(500);

#[derive(Default)]
pub struct WorkflowRunSubscription;

#[Subscription]
impl WorkflowRunSubscription {
    /// The events of one run — run status, node status (with attempt), node tokens, node
    /// outputs, the run's output — in one sequence; the stream completes after FINISHED,
    /// FAILED or CANCELLED. `after` replays the events numbered above it first, so a client
    /// that reconnects (to any API process) with its last `seq` sees no gap and no duplicate.
    async fn workflow_run_events(
        &self,
        ctx: &Context<'_>,
        run_id: ID,
        after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<WorkflowRunEvent>> + use<>>
    {
        let app = ctx.app()?.clone();
        let caller = ctx.request()?.caller.clone();
        let actor = caller.actor()?.clone();
        let id = parse_id("runId", &run_id)?;
        let after = u64::try_from(after.unwrap_or(0)).unwrap_or(0);
        let found =
            runs::authorized(&app.db, &app.authz, &actor, id, permissions::WORKFLOW_READ).await?;
        let idle = if status::run_is_terminal(&found.status) {
            ENDED_IDLE_CHECK
        } else {
            IDLE_CHECK
        };
        let db = app.db.clone();
        // A run retried after it ended has an earlier terminal status in its log: the stream
        // ends at the one of its latest resumption (or a later one).
        let resumption = workers::workflow::run::resumptions(&found);
        let from_row = db.clone();
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
        let followed = ending_when_committed(followed, db, id, move |event: &Event| {
            event.is_terminal_status() && event.resumption.unwrap_or(0) >= resumption
        });
        let access = Access {
            app,
            caller,
            org: found.org_id,
            permission: permissions::WORKFLOW_READ,
        };
        Ok(run_events(access, "workflow run", followed, move |n| {
            WorkflowRunEvent::new(id, n.seq, n.event)
        }))
    }

    /// Status changes of the organization's workflow runs, as they happen, in any process;
    /// each carries the run as it is when delivered.
    async fn org_workflow_run_updates(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<WorkflowRun>> + use<>> {
        let org = parse_id("orgId", &org_id)?;
        let access = Access {
            app: ctx.app()?.clone(),
            caller: ctx.request()?.caller.clone(),
            org,
            permission: permissions::WORKFLOW_READ,
        };
        org_feed(
            access,
            &events::org_topic(org),
            |app, actor, id| async move {
                runs::authorized(&app.db, &app.authz, &actor, id, permissions::WORKFLOW_READ).await
            },
        )
        .await
    }
}

/// Ends `followed` after its first end event (`is_end`) whose status the run's row has. Events
/// are published under the run's lock just before their change commits, so an end event whose
/// commit then failed is in the log although the run never had that status: it is dropped, and
/// the stream goes on to the run's real end (or the row's, after the idle period).
fn ending_when_committed(
    followed: BoxStream<'static, Result<Numbered<Event>, EventError>>,
    db: DatabaseConnection,
    id: Uuid,
    is_end: impl Fn(&Event) -> bool + Send + Sync + 'static,
) -> BoxStream<'static, Result<Numbered<Event>, EventError>> {
    let is_end = Arc::new(is_end);
    futures_util::stream::unfold(Some(followed), move |state| {
        let (db, is_end) = (db.clone(), is_end.clone());
        async move {
            let mut followed = state?;
            loop {
                let item = followed.next().await?;
                let end = match &item {
                    Ok(numbered) if is_end(&numbered.event) => {
                        if !committed(&db, id, &numbered.event).await {
                            tracing::warn!(run = %id, seq = numbered.seq, "dropped an end event whose change did not commit");
                            continue;
                        }
                        true
                    }
                    Ok(_) => false,
                    Err(_) => true,
                };
                return Some((item, (!end).then_some(followed)));
            }
        }
    })
    .boxed()
}

/// Whether the run's row has `event`'s status, waiting up to `COMMIT_WAIT` for the commit that
/// follows its publication. Unreadable rows trust the log.
async fn committed(db: &DatabaseConnection, id: Uuid, event: &Event) -> bool {
    let deadline = Instant::now() + COMMIT_WAIT;
    loop {
        match workflow_run::Entity::find_by_id(id).one(db).await {
            Ok(Some(row)) if Some(row.status.as_str()) == event.status.as_deref() => return true,
            // It ended otherwise: that end's own event follows.
            Ok(Some(row)) if status::run_is_terminal(&row.status) => return false,
            Ok(Some(_)) => {}
            Ok(None) => return false,
            Err(error) => {
                tracing::warn!(%error, run = %id, "could not read a workflow run's row");
                return true;
            }
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

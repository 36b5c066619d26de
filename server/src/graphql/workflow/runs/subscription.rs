//! `workflowRunEvents` (one run's events, replayable) and `orgWorkflowRunUpdates` (status
//! changes of an organization's runs): thin adapters over the run topic and the organization
//! feed (`graphql::feed`).

use std::time::Duration;

use async_graphql::{Context, ID, Subscription};
use futures_util::Stream;
use sea_orm::EntityTrait;
use workers::workflow::run::{WorkflowRunEvent as Event, events, status};

use super::{WorkflowRun, WorkflowRunEvent};
use crate::authz::permissions;
use crate::graphql::feed::{ending_when_committed, org_feed, run_events, status_committed};
use crate::graphql::live::Access;
use crate::graphql::{ContextExt, parse_id};
use crate::service::workflow::runs;
use entities::workflow_run;

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
        let is_end = move |event: &Event| {
            event.is_terminal_status() && event.resumption.unwrap_or(0) >= resumption
        };
        let followed = ending_when_committed(followed, id, is_end, move |event: Event| {
            let db = db.clone();
            let read = move || {
                let db = db.clone();
                async move {
                    let row = workflow_run::Entity::find_by_id(id).one(&db).await?;
                    Ok(row.map(|row| row.status))
                }
            };
            status_committed(read, event.status, status::run_is_terminal)
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

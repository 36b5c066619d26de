//! `executionEvents` (one execution's events, replayable) and `orgExecutionUpdates` (status
//! changes of an organization's executions, for dashboards): thin adapters over the run topic
//! and the organization feed (`graphql::feed`).

use std::time::Duration;

use async_graphql::{Context, ID, Subscription};
use entities::execution;
use futures_util::{Stream, StreamExt};
use workers::execution::events;

use super::{Execution, ExecutionEvent};
use crate::authz::permissions;
use crate::graphql::feed::run_events;
use crate::graphql::live::{Access, guarded};
use crate::graphql::shared_feed::SharedFeed;
use crate::graphql::transient::retried;
use crate::graphql::{ContextExt, parse_id};
use crate::service::execution::executions;

/// With no event for this long, the log and then the row are checked: an execution that
/// finished while its events could not be published still ends the stream. The bus's
/// reconnection to Redis (when a lost event is likely) triggers the same check at once, so
/// this is only a safety net and an idle subscriber costs nothing until then.
const IDLE_CHECK: Duration = Duration::from_secs(60);
/// The same for an execution already finished when subscribed: its log replays at once.
const FINISHED_IDLE_CHECK: Duration = Duration::from_millis(500);

#[derive(Default)]
pub struct ExecutionSubscription;

#[Subscription]
impl ExecutionSubscription {
    /// The events of one execution: STARTED, TOKEN…, then one of COMPLETED, FAILED or
    /// CANCELLED, after which the stream completes. `after` replays the events numbered above
    /// it first, so a client that reconnects with its last `seq` sees no gap and no duplicate.
    /// A finished execution replays and completes. A subscriber who loses access, or whose
    /// session expires, receives one error and the subscription completes.
    async fn execution_events(
        &self,
        ctx: &Context<'_>,
        execution_id: ID,
        after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ExecutionEvent>> + use<>>
    {
        let app = ctx.app()?.clone();
        let caller = ctx.request()?.caller.clone();
        let actor = caller.actor()?.clone();
        let id = parse_id("executionId", &execution_id)?;
        let after = u64::try_from(after.unwrap_or(0)).unwrap_or(0);
        // Authorized first: following allocates per-topic state. Nothing happening between the
        // read and the follow is missed, since `follow` replays the log first.
        let found = executions::get(&app.db, &app.authz, &actor, id).await?;
        let idle = if workers::execution::is_terminal(&found.status) {
            FINISHED_IDLE_CHECK
        } else {
            IDLE_CHECK
        };
        let db = app.db.clone();
        let followed = events::run(id).follow(&app.bus, after, idle, move || {
            let db = db.clone();
            async move { events::terminal_from_row(&db, id).await }
        });
        let access = Access {
            app,
            caller,
            org: found.org_id,
            permission: permissions::EXECUTION_READ,
        };
        Ok(run_events(access, "execution", followed, move |n| {
            ExecutionEvent::new(id, n.seq, n.event)
        }))
    }

    /// Status changes of the organization's executions, as they happen, in any process. Each
    /// update carries the execution as it is when delivered (a quick run may already show its
    /// final status on its first update). Access is checked when subscribing, again whenever
    /// the authorization policy changes and periodically (see `live`); the first refusal ends
    /// the stream. Each update's row is read once for all of this process's subscribers.
    async fn org_execution_updates(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Execution>> + use<>> {
        let org = parse_id("orgId", &org_id)?;
        let app = ctx.app()?.clone();
        let caller = ctx.request()?.caller.clone();
        let permission = permissions::EXECUTION_READ;
        app.authz.require(caller.actor()?, org, permission).await?;
        let db = app.db.clone();
        let rows = ctx
            .data::<SharedFeed<execution::Model>>()?
            .subscribe(&app.bus, &events::org_topic(org), move |id| {
                let db = db.clone();
                // A read that fails for a moment is made again rather than lose the update.
                async move {
                    retried(|| async { Ok(executions::read(&db, id).await?) })
                        .await
                        .map_err(|error| format!("{error:?}"))
                }
            })
            .filter(move |row| std::future::ready(row.org_id == org))
            .map(|row| Ok(Execution::from(execution::Model::clone(&row))));
        let access = Access {
            app,
            caller,
            org,
            permission,
        };
        Ok(guarded(access, rows))
    }
}

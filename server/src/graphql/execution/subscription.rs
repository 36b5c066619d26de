//! `executionEvents` (one execution's events, replayable) and `orgExecutionUpdates` (status
//! changes of an organization's executions, for dashboards).

use std::collections::VecDeque;
use std::time::Duration;

use async_graphql::{Context, ID, Subscription};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use sea_orm::EntityTrait;
use uuid::Uuid;
use workers::events::EventError;
use workers::execution::events::{self, EventKind, ExecutionEvent as Event};

use super::{Execution, ExecutionEvent, ExecutionStatus};
use crate::authz::permissions;
use crate::error::AppError;
use crate::graphql::live::{Access, guarded};
use crate::graphql::{ContextExt, parse_id};
use crate::service::execution::executions;
use crate::state::App;
use entities::execution;

/// With no event for this long, the row is checked: an execution that finished while its
/// events could not be published (Redis down) still ends the stream.
const IDLE_CHECK: Duration = Duration::from_secs(3);
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
        let follow = app.bus.follow(&events::topic(id), after);
        let idle = if workers::execution::is_terminal(&found.status) {
            FINISHED_IDLE_CHECK
        } else {
            IDLE_CHECK
        };
        let access = Access {
            app: app.clone(),
            caller,
            org: found.org_id,
            permission: permissions::EXECUTION_READ,
        };
        let state = Follow {
            app,
            id,
            follow,
            last: after,
            attempt: 0,
            pending: VecDeque::new(),
            idle,
            done: false,
        };
        let events = futures_util::stream::unfold(state, |mut s| async move {
            if s.done {
                return None;
            }
            let item = s.next().await?;
            s.done = match &item {
                Ok(event) => event.is_terminal(),
                Err(_) => true,
            };
            Some((item, s))
        });
        // Access is checked again as events are delivered and while none comes.
        Ok(guarded(access, events))
    }

    /// Status changes of the organization's executions, as they happen, in any process. Each
    /// update carries the execution as it is when delivered (a quick run may already show its
    /// final status on its first update). Every update is authorized again on delivery, and
    /// access is checked periodically while none comes; the first refusal ends the stream.
    async fn org_execution_updates(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Execution>> + use<>> {
        let app = ctx.app()?.clone();
        let caller = ctx.request()?.caller.clone();
        let org = parse_id("orgId", &org_id)?;
        app.authz
            .require(caller.actor()?, org, permissions::EXECUTION_READ)
            .await?;
        let access = Access {
            app: app.clone(),
            caller: caller.clone(),
            org,
            permission: permissions::EXECUTION_READ,
        };
        let updates = app
            .bus
            .subscribe(&events::org_topic(org))
            .filter_map(|payload| async move {
                let value: serde_json::Value = serde_json::from_str(&payload).ok()?;
                Uuid::parse_str(value.get("id")?.as_str()?).ok()
            })
            .then(move |id| {
                let app = app.clone();
                let caller = caller.clone();
                async move {
                    let actor = caller.actor()?;
                    let found = executions::get(&app.db, &app.authz, actor, id).await?;
                    Ok::<_, async_graphql::Error>(Execution::from(found))
                }
            });
        Ok(guarded(access, updates))
    }
}

struct Follow {
    app: std::sync::Arc<App>,
    id: Uuid,
    follow: BoxStream<'static, Result<workers::events::Sequenced, EventError>>,
    last: u64,
    /// The attempt of the latest STARTED: tokens of an older one (a run superseded while it
    /// was still streaming) are dropped.
    attempt: i32,
    /// Events read from the log on an idle check, to yield before anything else.
    pending: VecDeque<workers::events::Sequenced>,
    idle: Duration,
    done: bool,
}

impl Follow {
    async fn next(&mut self) -> Option<async_graphql::Result<ExecutionEvent>> {
        loop {
            let next = match self.pending.pop_front() {
                Some(event) => Ok(Some(Ok(event))),
                None => tokio::time::timeout(self.idle, self.follow.next()).await,
            };
            match next {
                Ok(Some(Ok((seq, payload)))) => {
                    if seq <= self.last {
                        continue;
                    }
                    self.last = seq;
                    let Ok(event) = serde_json::from_str::<Event>(&payload) else {
                        continue;
                    };
                    if event.kind == EventKind::Started {
                        self.attempt = event.attempt.unwrap_or(self.attempt);
                    } else if event.kind == EventKind::Token
                        && event.attempt.is_some_and(|a| a < self.attempt)
                    {
                        continue;
                    }
                    return Some(Ok(ExecutionEvent::new(self.id, seq, event)));
                }
                Ok(Some(Err(error))) => {
                    tracing::warn!(%error, "execution events unavailable");
                    return Some(Err(AppError::Unavailable(
                        "execution events are unavailable right now; subscribe again with `after`"
                            .into(),
                    )
                    .into()));
                }
                Ok(None) => return None,
                Err(_idle) => {
                    // Live delivery may have dropped (a Redis reconnect): read the log first,
                    // and only when it has nothing more, fall back to the row.
                    if let Ok(missed) = self
                        .app
                        .bus
                        .replay(&events::topic(self.id), self.last)
                        .await
                        && !missed.is_empty()
                    {
                        self.pending.extend(missed);
                        continue;
                    }
                    if let Some(event) = finished_without_event(&self.app, self.id, self.last).await
                    {
                        return Some(Ok(event));
                    }
                }
            }
        }
    }
}

/// The terminal event, made from the row, of an execution that finished without one reaching
/// us (published while Redis was down, or its log expired).
async fn finished_without_event(app: &App, id: Uuid, last: u64) -> Option<ExecutionEvent> {
    let found = execution::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .ok()??;
    let kind = match ExecutionStatus::parse(&found.status) {
        ExecutionStatus::Succeeded => EventKind::Completed,
        ExecutionStatus::Failed => EventKind::Failed,
        ExecutionStatus::Cancelled => EventKind::Cancelled,
        ExecutionStatus::Pending | ExecutionStatus::Running => return None,
    };
    let mut event = Event::new(kind);
    event.error = found.error.filter(|_| kind == EventKind::Failed);
    Some(ExecutionEvent::new(id, last + 1, event))
}

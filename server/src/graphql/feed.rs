//! The two shapes every subscription takes, so that each resolver is a few lines:
//!
//! - [`org_feed`]: an organization's plain notice topic (`{"id": …}` per item), each item
//!   loaded again for the subscriber (which authorizes it) and converted; `auditEventAdded`.
//!   (`orgExecutionUpdates` reads each item once for all its subscribers: `shared_feed`.)
//! - [`run_events`]: one run's typed events (`workers::events::run`) for a subscriber;
//!   `executionEvents`, and `workflowRunEvents` / `evaluationRunEvents` to come.
//!
//! Both end with ONE error when the subscriber's access is lost (see `live`). Run events are
//! published just before their change commits; [`ending_when_committed`] ends a run's stream
//! only at an end whose change did commit.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use uuid::Uuid;
use workers::events::EventError;
use workers::events::run::Numbered;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::graphql::live::{Access, guarded};
use crate::graphql::shared_feed::notice_id;
use crate::graphql::transient::retried;
use crate::state::App;

/// The items announced on the organization's `topic`, from now on, as `load` returns them for
/// the subscriber. `access` is required now (the subscription is refused without it), checked
/// again as items are delivered and while none comes; `load` authorizes each item itself. The
/// first refusal is delivered and ends the stream.
pub async fn org_feed<M, T, L, F>(
    access: Access,
    topic: &str,
    load: L,
) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<T>> + use<M, T, L, F>>
where
    L: Fn(Arc<App>, Actor, Uuid) -> F + Send + Sync + 'static,
    F: Future<Output = AppResult<M>> + Send + 'static,
    T: From<M> + Send + 'static,
    M: Send + 'static,
{
    access
        .app
        .authz
        .require(access.caller.actor()?, access.org, access.permission)
        .await?;
    let app = access.app.clone();
    let caller = access.caller.clone();
    let load = Arc::new(load);
    let items = app
        .bus
        .subscribe(topic)
        .filter_map(|payload| async move { notice_id(&payload) })
        .then(move |id| {
            let app = app.clone();
            let caller = caller.clone();
            let load = load.clone();
            async move {
                // Checked per item: the session may have expired since it subscribed.
                let actor = match caller.actor() {
                    Ok(actor) => actor.clone(),
                    Err(refused) => return Some(Err(refused.into())),
                };
                // A database that fails for a moment delays the item; one that keeps failing
                // skips this notice (a dashboard catches up on the next) rather than end
                // the subscription.
                match retried(|| load(app.clone(), actor.clone(), id)).await {
                    Ok(item) => Some(Ok::<_, async_graphql::Error>(T::from(item))),
                    Err(AppError::Unavailable(message)) => {
                        tracing::warn!(%message, item = %id, "skipped a notice: its item could not be read");
                        None
                    }
                    Err(refused) => Some(Err(refused.into())),
                }
            }
        })
        .filter_map(|item| async move { item });
    Ok(guarded(access, items))
}

/// A run's followed events (`RunTopic::follow`) for a subscriber, converted; a log that
/// cannot be read ends the stream with one UNAVAILABLE error (`what` names the events in it),
/// and so does a refusal of `access`.
pub fn run_events<E, T, C>(
    access: Access,
    what: &'static str,
    events: BoxStream<'static, Result<Numbered<E>, EventError>>,
    convert: C,
) -> impl Stream<Item = async_graphql::Result<T>> + use<E, T, C>
where
    E: Send + 'static,
    T: Send + 'static,
    C: Fn(Numbered<E>) -> T + Send + 'static,
{
    let events = events.map(move |item| match item {
        Ok(numbered) => Ok(convert(numbered)),
        Err(error) => {
            tracing::warn!(%error, what, "run events unavailable");
            Err(AppError::Unavailable(format!(
                "{what} events are unavailable right now; subscribe again with `after`"
            ))
            .into())
        }
    });
    // Access is checked again as events are delivered and while none comes.
    guarded(access, events)
}

/// How long an end event waits for its status to show in the run's row.
pub const COMMIT_WAIT: Duration = Duration::from_secs(2);

/// Ends `followed` after its first end event (`is_end`) that `committed` confirms. Events are
/// published under the run's lock just before their change commits, so an end event whose
/// commit then failed is in the log although the run never had that status: it is dropped, and
/// the stream goes on to the run's real end (or the row's, after the idle period).
pub fn ending_when_committed<E, C, F>(
    followed: BoxStream<'static, Result<Numbered<E>, EventError>>,
    run: Uuid,
    is_end: impl Fn(&E) -> bool + Send + Sync + 'static,
    committed: C,
) -> BoxStream<'static, Result<Numbered<E>, EventError>>
where
    E: Clone + Send + Sync + 'static,
    C: Fn(E) -> F + Send + Sync + 'static,
    F: Future<Output = bool> + Send + 'static,
{
    let checks = Arc::new((is_end, committed));
    futures_util::stream::unfold(Some(followed), move |state| {
        let checks = checks.clone();
        async move {
            let mut followed = state?;
            loop {
                let item = followed.next().await?;
                let end = match &item {
                    Ok(numbered) if (checks.0)(&numbered.event) => {
                        if !(checks.1)(numbered.event.clone()).await {
                            tracing::warn!(%run, seq = numbered.seq, "dropped an end event whose change did not commit");
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

/// Whether a run's row shows `status` (an end event's), waiting up to [`COMMIT_WAIT`] for the
/// commit that follows its publication; `read` reads the row's status. Unreadable rows trust
/// the log; a row that ended otherwise does not (that end's own event follows).
pub async fn status_committed<R, F>(
    read: R,
    status: Option<String>,
    is_terminal: fn(&str) -> bool,
) -> bool
where
    R: Fn() -> F,
    F: Future<Output = Result<Option<String>, sea_orm::DbErr>>,
{
    let deadline = Instant::now() + COMMIT_WAIT;
    loop {
        match read().await {
            Ok(Some(row)) if Some(row.as_str()) == status.as_deref() => return true,
            Ok(Some(row)) if is_terminal(&row) => return false,
            Ok(Some(_)) => {}
            Ok(None) => return false,
            Err(error) => {
                tracing::warn!(%error, "could not read a run's row");
                return true;
            }
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

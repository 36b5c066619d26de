//! The two shapes every subscription takes, so that each resolver is a few lines:
//!
//! - [`org_feed`]: an organization's plain notice topic (`{"id": …}` per item), each item
//!   loaded again for the subscriber (which authorizes it) and converted; `orgExecutionUpdates`
//!   and `auditEventAdded`.
//! - [`run_events`]: one run's typed events (`workers::events::run`) for a subscriber;
//!   `executionEvents`, and `workflowRunEvents` / `evaluationRunEvents` to come.
//!
//! Both end with ONE error when the subscriber's access is lost (see `live`).

use std::future::Future;
use std::sync::Arc;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use uuid::Uuid;
use workers::events::EventError;
use workers::events::run::Numbered;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::graphql::live::{Access, guarded};
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
                let actor = caller.actor()?.clone();
                let item = load(app, actor, id).await?;
                Ok::<_, async_graphql::Error>(T::from(item))
            }
        });
    Ok(guarded(access, items))
}

/// The id a notice announces: `{"id": "<uuid>", …}`.
fn notice_id(payload: &str) -> Option<Uuid> {
    let value: serde_json::Value = serde_json::from_str(payload).ok()?;
    Uuid::parse_str(value.get("id")?.as_str()?).ok()
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

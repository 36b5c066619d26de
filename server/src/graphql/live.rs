//! Subscriptions that end when their subscriber's access does: the subscriber's session
//! (expiry) and permission in the organization are checked again before events are delivered
//! (at most once a second; casbin answers from memory) and, while no event comes, every
//! `ws_access_recheck_secs`. The first refusal is delivered as the stream's last item; a check
//! the database could not answer (UNAVAILABLE) is no refusal: it is made again later.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use tokio::time::Instant;
use uuid::Uuid;

use crate::auth::Caller;
use crate::authz::permissions::Permission;
use crate::error::{AppError, AppResult};
use crate::state::App;

/// A check younger than this is trusted for the next event.
const FRESH: Duration = Duration::from_secs(1);

/// What a subscriber must keep holding: `permission` in `org`, with a live session.
pub struct Access {
    pub app: Arc<App>,
    pub caller: Caller,
    pub org: Uuid,
    pub permission: Permission,
}

impl Access {
    pub async fn check(&self) -> AppResult<()> {
        let actor = self.caller.actor()?;
        // A signed-out session or a revoked key ends the stream now, not at the socket's next
        // periodic re-validation.
        crate::auth::revalidate(&self.app.db, &self.caller).await?;
        self.app
            .authz
            .require(actor, self.org, self.permission)
            .await
    }
}

struct Guarded<T> {
    access: Access,
    inner: BoxStream<'static, async_graphql::Result<T>>,
    checked: Instant,
    period: Duration,
    done: bool,
}

/// `stream` while `access` holds (checked now, before events and periodically). It ends after
/// its first error, its own or a refusal.
pub fn guarded<T, S>(access: Access, stream: S) -> impl Stream<Item = async_graphql::Result<T>>
where
    T: Send + 'static,
    S: Stream<Item = async_graphql::Result<T>> + Send + 'static,
{
    let period = Duration::from_secs(access.app.config.ws_access_recheck_secs.max(1));
    let state = Guarded {
        access,
        inner: stream.boxed(),
        checked: Instant::now(),
        period,
        done: false,
    };
    futures_util::stream::unfold(state, |mut s| async move {
        if s.done {
            return None;
        }
        loop {
            // Waiting for the next event is cancel-safe: the stream keeps its own state.
            match tokio::time::timeout(s.period, s.inner.next()).await {
                Ok(Some(Ok(item))) => {
                    if s.checked.elapsed() >= FRESH {
                        match s.access.check().await {
                            Ok(()) => s.checked = Instant::now(),
                            // The database failed for a moment: not a refusal. The event goes
                            // out and the check is made again with the next one.
                            Err(AppError::Unavailable(message)) => {
                                tracing::debug!(%message, "access check postponed");
                            }
                            Err(refused) => {
                                s.done = true;
                                return Some((Err(refused.into()), s));
                            }
                        }
                    }
                    return Some((Ok(item), s));
                }
                Ok(Some(Err(error))) => {
                    s.done = true;
                    return Some((Err(error), s));
                }
                Ok(None) => return None,
                Err(_idle) => match s.access.check().await {
                    Ok(()) => s.checked = Instant::now(),
                    Err(AppError::Unavailable(message)) => {
                        tracing::debug!(%message, "access check postponed");
                    }
                    Err(refused) => {
                        s.done = true;
                        return Some((Err(refused.into()), s));
                    }
                },
            }
        }
    })
}

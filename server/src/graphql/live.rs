//! Subscriptions that end when their subscriber's access does. The subscriber's session
//! expiry is checked before every event; its credential and its permission in the
//! organization are checked again when the authorization policy changes (a member removed, a
//! role changed, an API key revoked: any process's change, announced on the bus), and at the
//! latest every `ws_access_recheck_secs`, events or not. Waiting costs nothing until one of
//! those: an idle subscription does no work. The first refusal is delivered as the stream's
//! last item; a check the database could not answer (UNAVAILABLE) is no refusal: it is made
//! again a second later, and after one period without an answer the stream ends with
//! UNAVAILABLE (the permission, from memory, is checked first and refuses regardless). (A signed-out session's sockets are closed by the connection's own periodic
//! re-validation, `ws_revalidate_secs`, and refused at their next operation.)

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use crate::auth::Caller;
use crate::authz::permissions::Permission;
use crate::error::{AppError, AppResult};
use crate::state::App;

/// After a check the database could not answer, the next one is made this much later.
const UNAVAILABLE_RETRY: Duration = Duration::from_secs(1);

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
        // The permission first: casbin answers from memory, so a removed member is refused
        // even while the database cannot answer the credential's check below.
        self.app
            .authz
            .require(actor, self.org, self.permission)
            .await?;
        // A revoked key ends the stream now, not at the socket's next periodic re-validation.
        crate::auth::revalidate(&self.app.db, &self.app.api_keys, &self.caller).await
    }
}

struct Guarded<T> {
    access: Access,
    inner: BoxStream<'static, async_graphql::Result<T>>,
    policy: watch::Receiver<u64>,
    /// False once the policy's sender is gone (shutdown): the periodic check remains.
    watching: bool,
    checked: Instant,
    period: Duration,
    /// Since when the checks could not be made (the database unavailable); past one `period`
    /// of that, the stream ends with UNAVAILABLE (the client subscribes again).
    postponed_since: Option<Instant>,
    done: bool,
}

impl<T> Guarded<T> {
    /// Checks access again, now; `Err` ends the stream with the refusal.
    async fn recheck(&mut self) -> Result<(), async_graphql::Error> {
        self.policy.borrow_and_update();
        match self.access.check().await {
            Ok(()) => {
                self.checked = Instant::now();
                self.postponed_since = None;
                Ok(())
            }
            Err(AppError::Unavailable(message))
                if self
                    .postponed_since
                    .is_some_and(|since| since.elapsed() >= self.period) =>
            {
                self.done = true;
                Err(AppError::Unavailable(message).into())
            }
            // The database failed for a moment: not a refusal. The event goes out, and the
            // check is made again with the next one (or after a short pause when idle).
            Err(AppError::Unavailable(message)) => {
                self.postponed_since.get_or_insert_with(Instant::now);
                tracing::debug!(%message, "access check postponed");
                let wait = self.period.saturating_sub(UNAVAILABLE_RETRY);
                self.checked = Instant::now()
                    .checked_sub(wait)
                    .unwrap_or_else(Instant::now);
                Ok(())
            }
            Err(refused) => {
                self.done = true;
                Err(refused.into())
            }
        }
    }
}

/// `stream` while `access` holds (checked now, then as described above). It ends after its
/// first error, its own or a refusal. The caller has checked access when subscribing.
pub fn guarded<T, S>(access: Access, stream: S) -> impl Stream<Item = async_graphql::Result<T>>
where
    T: Send + 'static,
    S: Stream<Item = async_graphql::Result<T>> + Send + 'static,
{
    let period = Duration::from_secs(access.app.config.ws_access_recheck_secs.max(1));
    let mut policy = access.app.authz.changes();
    policy.borrow_and_update();
    let state = Guarded {
        access,
        inner: stream.boxed(),
        policy,
        watching: true,
        checked: Instant::now(),
        period,
        postponed_since: None,
        done: false,
    };
    futures_util::stream::unfold(state, |mut s| async move {
        if s.done {
            return None;
        }
        loop {
            let due = s.checked + s.period;
            // Waiting for the next event is cancel-safe: the stream keeps its own state.
            let item = tokio::select! {
                item = s.inner.next() => item,
                changed = s.policy.changed(), if s.watching => {
                    s.watching = changed.is_ok();
                    if let Err(refused) = s.recheck().await {
                        return Some((Err(refused), s));
                    }
                    continue;
                }
                () = tokio::time::sleep_until(due) => {
                    if let Err(refused) = s.recheck().await {
                        return Some((Err(refused), s));
                    }
                    continue;
                }
            };
            return match item {
                Some(Ok(item)) => {
                    let stale =
                        s.checked.elapsed() >= s.period || s.policy.has_changed().unwrap_or(false);
                    let checked = if stale {
                        s.recheck().await
                    } else {
                        // Expiry is exact, and free to check.
                        s.access.caller.actor().map(|_| ()).map_err(|expired| {
                            s.done = true;
                            expired.into()
                        })
                    };
                    match checked {
                        Ok(()) => Some((Ok(item), s)),
                        Err(refused) => Some((Err(refused), s)),
                    }
                }
                Some(Err(error)) => {
                    s.done = true;
                    Some((Err(error), s))
                }
                None => None,
            };
        }
    })
}

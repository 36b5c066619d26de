//! Run topics: the typed, sequenced events of one run — an execution today; a workflow run
//! (many nodes) and an evaluation run (many items) are built the same way.
//!
//! A family ([`RunFamily`]) names the topics of one kind of run and sets their replay capacity;
//! [`RunTopic::append`] numbers an event; [`RunTopic::follow`] yields the events after `after`
//! (replay, then live, no gap and no duplicate — see `follow`), drops those of superseded
//! attempts, and ends after the terminal event. When the log has none (it expired, or the
//! event could not be published while Redis was down), the caller's `from_row` makes it from
//! the database row once nothing came for the idle period.
//!
//! Adding a stream: an event type implementing [`RunEvent`], one `RunFamily` constant next to
//! it, the worker appending through it, and a subscription that follows it (see the server's
//! `graphql::feed::run_events`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::hash::Hash;
use std::marker::PhantomData;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::{EventBus, EventError, Followed, Replay};

/// An event of a run topic.
pub trait RunEvent: Serialize + DeserializeOwned + Send + 'static {
    /// What has attempts of its own within the run: `()` for an execution (one step), a node
    /// for a workflow run, an item for an evaluation run.
    type Step: Eq + Hash + Send + 'static;

    /// The step and attempt that produced the event; `None` for events no attempt owns (the
    /// run's end, a cancellation), which are never filtered. Once an event of attempt N+1 of a
    /// step was delivered, later events of attempts up to N of that step are dropped: they come
    /// from a run that was superseded while still streaming. A follower knows only the attempts
    /// it delivered: one resuming with `after` filters from there on.
    fn attempt(&self) -> Option<(Self::Step, i32)>;

    /// The run's last event: the follower ends after it.
    fn is_terminal(&self) -> bool;
}

/// One delivered event and its number within the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Numbered<E> {
    pub seq: u64,
    pub event: E,
}

/// The topics of one kind of run: `<name>.<run id>`, each keeping `replay` events.
pub struct RunFamily<E> {
    name: &'static str,
    replay: Replay,
    event: PhantomData<fn() -> E>,
}

impl<E: RunEvent> RunFamily<E> {
    pub const fn new(name: &'static str, replay: Replay) -> Self {
        Self {
            name,
            replay,
            event: PhantomData,
        }
    }

    pub fn topic(&self, run: Uuid) -> RunTopic<E> {
        RunTopic {
            name: format!("{}.{run}", self.name),
            replay: self.replay,
            event: PhantomData,
        }
    }
}

/// The sequenced topic of one run.
pub struct RunTopic<E> {
    name: String,
    replay: Replay,
    event: PhantomData<fn() -> E>,
}

impl<E: RunEvent> RunTopic<E> {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Appends an event; returns its number, above every earlier one and above `floor` (the
    /// last number this writer got, so a log lost with Redis does not start over below it).
    pub async fn append(&self, bus: &EventBus, event: &E, floor: u64) -> Result<u64, EventError> {
        let payload = serde_json::to_string(event)?;
        bus.append_to(&self.name, &payload, floor, self.replay)
            .await
    }

    /// A writer of this run's events numbering above `floor`, that keeps a failed event's
    /// number (see [`RunWriter`](super::writer::RunWriter)).
    pub fn writer(self, floor: u64) -> super::writer::RunWriter<E> {
        super::writer::RunWriter::new(self, floor)
    }

    /// A writer for a later attempt of the run: the log may hold earlier attempts' events (see
    /// [`RunWriter::resuming`](super::writer::RunWriter::resuming)).
    pub fn resuming_writer(self) -> super::writer::RunWriter<E> {
        super::writer::RunWriter::resuming(self)
    }

    pub(super) async fn append_payload(
        &self,
        bus: &EventBus,
        payload: &str,
        floor: u64,
    ) -> Result<u64, EventError> {
        bus.append_to(&self.name, payload, floor, self.replay).await
    }

    /// Appends at a reserved number; false when the topic already reached it.
    pub(super) async fn append_payload_at(
        &self,
        bus: &EventBus,
        payload: &str,
        seq: u64,
    ) -> Result<bool, EventError> {
        bus.append_at(&self.name, payload, seq, self.replay).await
    }

    /// The run's events numbered above `after`, each once and in order, without those of
    /// superseded attempts, ending after the terminal event. When nothing came for `idle` and
    /// the log has nothing newer, `from_row` is asked for the terminal event (from the source of
    /// truth); it is numbered one above the last number seen. A log that cannot be read ends
    /// the stream with the error: the caller resubscribes with the last number it saw.
    pub fn follow<R, F>(
        &self,
        bus: &EventBus,
        after: u64,
        idle: Duration,
        from_row: R,
    ) -> BoxStream<'static, Result<Numbered<E>, EventError>>
    where
        R: FnMut() -> F + Send + 'static,
        F: Future<Output = Option<E>> + Send + 'static,
    {
        self.follow_until(bus, after, idle, from_row, |event: &E| event.is_terminal())
    }

    /// `follow`, ending after the first event `is_end` accepts instead of the first terminal
    /// one (a workflow run retried after it failed has more than one terminal event).
    pub fn follow_until<R, F>(
        &self,
        bus: &EventBus,
        after: u64,
        idle: Duration,
        from_row: R,
        is_end: impl Fn(&E) -> bool + Send + Sync + 'static,
    ) -> BoxStream<'static, Result<Numbered<E>, EventError>>
    where
        R: FnMut() -> F + Send + 'static,
        F: Future<Output = Option<E>> + Send + 'static,
    {
        let state = Follower {
            inner: bus.follow_idle(&self.name, after, Some(idle)),
            last: after,
            attempts: Attempts::default(),
            from_row,
            is_end: Box::new(is_end),
            done: false,
        };
        futures_util::stream::unfold(state, |mut s| async move {
            if s.done {
                return None;
            }
            let item = s.next().await?;
            s.done = match &item {
                Ok(numbered) => (s.is_end)(&numbered.event),
                Err(_) => true,
            };
            Some((item, s))
        })
        .boxed()
    }
}

struct Follower<E: RunEvent, R> {
    inner: BoxStream<'static, Result<Followed, EventError>>,
    last: u64,
    attempts: Attempts<E::Step>,
    from_row: R,
    is_end: Box<dyn Fn(&E) -> bool + Send + Sync>,
    done: bool,
}

impl<E, R, F> Follower<E, R>
where
    E: RunEvent,
    R: FnMut() -> F,
    F: Future<Output = Option<E>>,
{
    async fn next(&mut self) -> Option<Result<Numbered<E>, EventError>> {
        loop {
            match self.inner.next().await? {
                Ok(Followed::Event((seq, payload))) => {
                    self.last = seq;
                    let event = match serde_json::from_str::<E>(&payload) {
                        Ok(event) => event,
                        Err(error) => {
                            tracing::warn!(%error, seq, "skipped an unreadable run event");
                            continue;
                        }
                    };
                    if self.attempts.admits(event.attempt()) {
                        return Some(Ok(Numbered { seq, event }));
                    }
                }
                Ok(Followed::Idle) => {
                    if let Some(event) = (self.from_row)().await {
                        let seq = self.last + 1;
                        return Some(Ok(Numbered { seq, event }));
                    }
                }
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

/// The latest attempt delivered per step.
struct Attempts<K> {
    latest: HashMap<K, i32>,
}

impl<K> Default for Attempts<K> {
    fn default() -> Self {
        Self {
            latest: HashMap::new(),
        }
    }
}

impl<K: Eq + Hash> Attempts<K> {
    fn admits(&mut self, attempt: Option<(K, i32)>) -> bool {
        let Some((step, attempt)) = attempt else {
            return true;
        };
        match self.latest.entry(step) {
            Entry::Occupied(mut latest) if attempt >= *latest.get() => {
                latest.insert(attempt);
                true
            }
            Entry::Occupied(_) => false,
            Entry::Vacant(entry) => {
                entry.insert(attempt);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superseded_attempts_are_dropped_per_step() {
        let mut attempts = Attempts::default();
        assert!(attempts.admits(Some(("a", 1))));
        assert!(attempts.admits(Some(("b", 1))));
        assert!(attempts.admits(Some(("a", 2))));
        assert!(
            !attempts.admits(Some(("a", 1))),
            "a's attempt 1 is superseded"
        );
        assert!(attempts.admits(Some(("b", 1))), "b has no newer attempt");
        assert!(attempts.admits(Some(("a", 2))));
        assert!(attempts.admits(None));
    }
}

//! One reader per organization topic for all of this process's subscribers: a notice's row is
//! read once and handed to every subscriber of the topic, instead of once per subscriber. The
//! reader runs while the topic has subscribers; subscribers check their access themselves
//! (`live::guarded`), once when they subscribe and again as the policy changes.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use futures_util::{Stream, StreamExt};
use tokio::sync::broadcast;
use tokio::task::AbortHandle;
use uuid::Uuid;
use workers::events::EventBus;

/// Rows read at once by a topic's reader (they are delivered in notice order).
const READS_IN_FLIGHT: usize = 8;
/// Rows a subscriber may fall behind before it skips the oldest (a lagging dashboard).
const CAPACITY: usize = 1024;

/// The shared readers of one kind of row, by topic.
pub struct SharedFeed<M> {
    topics: Mutex<HashMap<String, Weak<Topic<M>>>>,
}

struct Topic<M> {
    sender: broadcast::Sender<Arc<M>>,
    reader: AbortHandle,
}

impl<M> Drop for Topic<M> {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl<M> Default for SharedFeed<M> {
    fn default() -> Self {
        Self {
            topics: Mutex::new(HashMap::new()),
        }
    }
}

impl<M: Send + Sync + 'static> SharedFeed<M> {
    /// The rows announced on `topic` (`{"id": …}` notices) from now on, as `read` returns
    /// them; `read` runs once per notice whatever the number of subscribers. A notice whose
    /// row cannot be read (gone, or a database error, logged) is skipped.
    pub fn subscribe<R, F, E>(
        &self,
        bus: &EventBus,
        topic: &str,
        read: R,
    ) -> impl Stream<Item = Arc<M>> + Send + 'static + use<M, R, F, E>
    where
        R: Fn(Uuid) -> F + Send + Sync + 'static,
        F: Future<Output = Result<Option<M>, E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        let shared = match topics.get(topic).and_then(Weak::upgrade) {
            Some(shared) => shared,
            None => {
                let shared = Arc::new(start(bus, topic, read));
                topics.retain(|_, t| t.strong_count() > 0);
                topics.insert(topic.to_owned(), Arc::downgrade(&shared));
                shared
            }
        };
        let receiver = shared.sender.subscribe();
        drop(topics);
        // Each subscriber's stream holds the topic, so the reader stops with the last one.
        futures_util::stream::unfold((receiver, shared), |(mut receiver, shared)| async move {
            loop {
                match receiver.recv().await {
                    Ok(row) => return Some((row, (receiver, shared))),
                    Err(broadcast::error::RecvError::Lagged(skipped)) => {
                        tracing::warn!(skipped, "a slow subscriber skipped updates");
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
    }
}

fn start<M, R, F, E>(bus: &EventBus, topic: &str, read: R) -> Topic<M>
where
    M: Send + Sync + 'static,
    R: Fn(Uuid) -> F + Send + Sync + 'static,
    F: Future<Output = Result<Option<M>, E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let (sender, _) = broadcast::channel(CAPACITY);
    let notices = bus.subscribe(topic);
    let out = sender.clone();
    let name = topic.to_owned();
    let reader = tokio::spawn(async move {
        let mut rows = std::pin::pin!(
            notices
                .filter_map(|payload| async move { notice_id(&payload) })
                .map(read)
                .buffered(READS_IN_FLIGHT)
        );
        while let Some(row) = rows.next().await {
            match row {
                Ok(Some(row)) => {
                    // No receiver left: the topic is being dropped with its last subscriber.
                    let _ = out.send(Arc::new(row));
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, topic = %name, "could not read an announced row")
                }
            }
        }
    });
    Topic {
        sender,
        reader: reader.abort_handle(),
    }
}

/// The id a notice announces: `{"id": "<uuid>", …}`.
pub fn notice_id(payload: &str) -> Option<Uuid> {
    let value: serde_json::Value = serde_json::from_str(payload).ok()?;
    Uuid::parse_str(value.get("id")?.as_str()?).ok()
}

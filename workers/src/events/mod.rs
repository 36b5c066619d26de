//! The event bus: named topics carrying string payloads, delivered to every subscriber in every
//! process. Embedded mode fans out in-process; with Redis, one `PSUBSCRIBE` connection per
//! process feeds the same in-process fan-out, so a subscriber never holds a Redis connection.
//!
//! Plain topics (`publish`/`subscribe`) are fire-and-forget notices. Sequenced topics
//! (`append`/`replay` in `sequenced`, `follow` in `follow`) number every event and keep a
//! capped log for replay. Run topics (`run`) type them: the events of one run (an execution,
//! later a workflow or evaluation run), with superseded attempts filtered and a terminal event
//! from the database when the log has none; `writer` numbers a run's events so that one that
//! could not be published is a visible gap, filled in the log once the bus is back.

mod follow;
pub mod run;
mod sequenced;
pub mod writer;

pub use follow::Followed;
pub use sequenced::{LogSettings, Replay, Sequenced};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tracing::Instrument;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use redis::AsyncCommands;
use tokio::sync::broadcast;

/// Topic published locally (never over Redis) after the Redis subscription was re-established:
/// messages may have been missed while it was down, so listeners that cache state reload it.
pub const RECONNECTED_TOPIC: &str = "_bus.reconnected";

const LOCAL_CAPACITY: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("encoding an event: {0}")]
    Encode(#[from] serde_json::Error),
}

#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    topics: Mutex<HashMap<String, broadcast::Sender<Arc<str>>>>,
    logs: sequenced::Logs,
    redis: Option<RedisSide>,
}

struct RedisSide {
    conn: redis::aio::ConnectionManager,
    /// `<prefix>ev:` for plain topics.
    prefix: String,
    /// `<prefix>` itself: sequenced topics live under `<root>sq:`.
    root: String,
}

impl EventBus {
    /// In-process only: for the embedded mode and single-process tests.
    pub fn memory() -> Self {
        Self::memory_with(LogSettings::default())
    }

    pub fn memory_with(settings: LogSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                topics: Mutex::new(HashMap::new()),
                logs: sequenced::Logs::new(settings),
                redis: None,
            }),
        }
    }

    /// Shared through Redis pub/sub under `prefix`. Returns once the subscription is live, so
    /// nothing published afterwards by any process is missed.
    pub async fn redis(
        client: redis::Client,
        root: &str,
        settings: LogSettings,
    ) -> Result<Self, EventError> {
        let conn = crate::redis_conn::manager(&client).await?;
        let prefix = format!("{root}ev:");
        let seq_prefix = format!("{root}sq:");
        let bus = Self {
            inner: Arc::new(Inner {
                topics: Mutex::new(HashMap::new()),
                logs: sequenced::Logs::new(settings),
                redis: Some(RedisSide {
                    conn,
                    prefix: prefix.clone(),
                    root: root.to_owned(),
                }),
            }),
        };
        let patterns = [format!("{prefix}*"), format!("{seq_prefix}*")];
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.psubscribe(&patterns).await?;
        let weak = Arc::downgrade(&bus.inner);
        tokio::spawn(async move {
            let mut pubsub = Some(pubsub);
            let mut backoff = Duration::from_millis(250);
            loop {
                if let Some(ps) = pubsub.take() {
                    let mut messages = ps.into_on_message();
                    while let Some(msg) = messages.next().await {
                        let Some(inner) = weak.upgrade() else { return };
                        let channel = msg.get_channel_name();
                        let Ok(payload) = msg.get_payload::<String>() else {
                            continue;
                        };
                        if let Some(topic) = channel.strip_prefix(&prefix) {
                            inner.deliver(topic, payload.into());
                        } else if let Some(topic) = channel.strip_prefix(&seq_prefix) {
                            inner.logs.deliver_wire(topic, &payload);
                        }
                    }
                    tracing::warn!("event bus: redis subscription lost; reconnecting");
                }
                if weak.strong_count() == 0 {
                    return;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
                let restored = match client.get_async_pubsub().await {
                    Ok(mut ps) => ps.psubscribe(&patterns).await.map(|()| ps),
                    Err(error) => Err(error),
                };
                match restored {
                    Ok(ps) => {
                        tracing::info!("event bus: redis subscription restored");
                        pubsub = Some(ps);
                        backoff = Duration::from_millis(250);
                        if let Some(inner) = weak.upgrade() {
                            inner.deliver(RECONNECTED_TOPIC, Arc::from(""));
                        }
                    }
                    Err(error) => tracing::debug!(%error, "event bus: redis still unreachable"),
                }
            }
        });
        Ok(bus)
    }

    /// Publishes to every subscriber of `topic` in every process.
    pub async fn publish(&self, topic: &str, payload: &str) -> Result<(), EventError> {
        match &self.inner.redis {
            Some(side) => {
                let mut conn = side.conn.clone();
                let _: i64 = conn
                    .publish(format!("{}{topic}", side.prefix), payload)
                    .instrument(crate::trace::redis("PUBLISH"))
                    .await?;
            }
            None => self.inner.deliver(topic, Arc::from(payload)),
        }
        Ok(())
    }

    /// Messages published to `topic` from now on. A subscriber that falls more than
    /// `LOCAL_CAPACITY` messages behind skips the oldest ones rather than slowing publishers.
    pub fn subscribe(&self, topic: &str) -> BoxStream<'static, Arc<str>> {
        let receiver = {
            let mut topics = self
                .inner
                .topics
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            topics
                .entry(topic.to_owned())
                .or_insert_with(|| broadcast::channel(LOCAL_CAPACITY).0)
                .subscribe()
        };
        receiver_stream(receiver).boxed()
    }
}

impl Inner {
    fn deliver(&self, topic: &str, payload: Arc<str>) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = topics.get(topic)
            && sender.send(payload).is_err()
        {
            // Nobody listens any more: forget the topic.
            topics.remove(topic);
        }
    }
}

/// A `broadcast::Receiver` as a `Stream`, skipping over lag.
fn receiver_stream(
    receiver: broadcast::Receiver<Arc<str>>,
) -> impl Stream<Item = Arc<str>> + Send + 'static {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(item) => return Some((item, receiver)),
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "event bus: slow subscriber skipped messages");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_bus_delivers_to_subscribers_of_the_topic_only() {
        let bus = EventBus::memory();
        let mut a = bus.subscribe("a");
        let mut b = bus.subscribe("b");
        bus.publish("a", "one").await.unwrap();
        bus.publish("b", "two").await.unwrap();
        assert_eq!(&*a.next().await.unwrap(), "one");
        assert_eq!(&*b.next().await.unwrap(), "two");
    }
}

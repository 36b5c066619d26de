//! Sequenced topics: every event gets the next number of its topic, a capped log keeps recent
//! events for replay, and `follow(after)` yields the replay and then the live events without a
//! gap or a duplicate.
//!
//! With Redis one Lua script numbers (`INCR`), logs (`XADD` with the number as the entry id,
//! capped and expiring) and publishes each event atomically, so every process sees one order.
//! Live delivery rides on the bus's single pattern subscription. A live event that skips numbers
//! (a subscriber lagged, or pub/sub dropped while Redis reconnected) is filled from the log.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use redis::streams::StreamRangeReply;
use tokio::sync::broadcast;

use super::{EventBus, EventError};

/// One numbered event of a topic.
pub type Sequenced = (u64, Arc<str>);

/// Per topic and process. A follower that lags further is not dropped: `follow` notices the
/// skipped numbers and reads them from the log.
const LIVE_CAPACITY: usize = 256;
/// Past this many topics, `subscribe` first drops those nobody follows and that keep no log.
const PRUNE_ABOVE: usize = 256;

#[derive(Debug, Clone)]
pub struct LogSettings {
    /// Events kept per topic for replay (older ones are trimmed).
    pub capacity: usize,
    /// How long a topic's log lives after its last event.
    pub ttl: Duration,
    /// In-process only: topics kept at most (the oldest idle ones go first).
    pub max_topics: usize,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            capacity: 10_000,
            ttl: Duration::from_secs(24 * 3600),
            max_topics: 1_000,
        }
    }
}

/// Per-process state of sequenced topics: live senders, and in embedded mode the logs too.
pub(super) struct Logs {
    settings: LogSettings,
    topics: Mutex<Topics>,
}

#[derive(Default)]
struct Topics {
    by_name: HashMap<String, Topic>,
    /// Topic names in order of their last append, for eviction.
    order: VecDeque<String>,
}

struct Topic {
    live: broadcast::Sender<Sequenced>,
    /// Embedded mode: the last number given out and the log.
    last: u64,
    log: VecDeque<Sequenced>,
}

impl Topic {
    fn new() -> Self {
        Self {
            live: broadcast::channel(LIVE_CAPACITY).0,
            last: 0,
            log: VecDeque::new(),
        }
    }
}

const APPEND: &str = r"
local seq = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[5])
if seq <= floor then
  seq = floor + 1
  redis.call('SET', KEYS[1], seq)
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'd', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[4], seq .. '\n' .. ARGV[1])
return seq
";

impl Logs {
    pub(super) fn new(settings: LogSettings) -> Self {
        Self {
            settings,
            topics: Mutex::new(Topics::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Topics> {
        self.topics.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn subscribe(&self, topic: &str) -> broadcast::Receiver<Sequenced> {
        let mut topics = self.lock();
        if topics.by_name.len() > PRUNE_ABOVE {
            // With Redis the logs live there: entries here are only live senders, and those
            // of finished executions would otherwise stay forever.
            topics
                .by_name
                .retain(|_, t| t.live.receiver_count() > 0 || !t.log.is_empty());
            let Topics { by_name, order } = &mut *topics;
            order.retain(|name| by_name.contains_key(name));
        }
        if !topics.by_name.contains_key(topic) {
            topics.order.push_back(topic.to_owned());
        }
        topics
            .by_name
            .entry(topic.to_owned())
            .or_insert_with(Topic::new)
            .live
            .subscribe()
    }

    /// Embedded mode: number, log and deliver under one lock, so a follower that subscribed
    /// before reading the log cannot miss an event between the two.
    fn append_local(&self, topic: &str, payload: &str, floor: u64) -> u64 {
        let mut guard = self.lock();
        let topics = &mut *guard;
        if !topics.by_name.contains_key(topic) {
            topics.order.push_back(topic.to_owned());
        }
        let entry = topics
            .by_name
            .entry(topic.to_owned())
            .or_insert_with(Topic::new);
        entry.last = entry.last.max(floor) + 1;
        let event: Sequenced = (entry.last, Arc::from(payload));
        entry.log.push_back(event.clone());
        while entry.log.len() > self.settings.capacity {
            entry.log.pop_front();
        }
        let _ = entry.live.send(event);
        let seq = entry.last;
        if let Some(at) = topics.order.iter().position(|name| name == topic) {
            topics.order.remove(at);
        }
        topics.order.push_back(topic.to_owned());
        evict(topics, self.settings.max_topics);
        seq
    }

    fn replay_local(&self, topic: &str, after: u64) -> Vec<Sequenced> {
        self.lock()
            .by_name
            .get(topic)
            .map(|t| t.log.iter().filter(|e| e.0 > after).cloned().collect())
            .unwrap_or_default()
    }

    /// Redis mode: a message from the pattern subscription, `<seq>\n<payload>`.
    pub(super) fn deliver_wire(&self, topic: &str, wire: &str) {
        let Some((seq, payload)) = wire.split_once('\n') else {
            return;
        };
        let Ok(seq) = seq.parse::<u64>() else { return };
        let mut topics = self.lock();
        if let Some(entry) = topics.by_name.get(topic)
            && entry.live.send((seq, Arc::from(payload))).is_err()
        {
            topics.by_name.remove(topic);
            topics.order.retain(|name| name != topic);
        }
    }
}

/// Drops the least recently appended topics nobody follows, beyond `max`.
fn evict(topics: &mut Topics, max: usize) {
    let mut scanned = 0;
    while topics.by_name.len() > max && scanned < topics.order.len() {
        let Some(name) = topics.order.pop_front() else {
            return;
        };
        let followed = topics
            .by_name
            .get(&name)
            .is_some_and(|t| t.live.receiver_count() > 0);
        if followed {
            topics.order.push_back(name);
            scanned += 1;
        } else {
            topics.by_name.remove(&name);
        }
    }
}

impl EventBus {
    /// Appends to a sequenced topic and returns the event's number, which is greater than every
    /// earlier number of the topic and than `floor` (the last number the caller saw, so a log
    /// lost with a Redis restart does not start over below what subscribers already have).
    pub async fn append(&self, topic: &str, payload: &str, floor: u64) -> Result<u64, EventError> {
        match &self.inner.redis {
            None => Ok(self.inner.logs.append_local(topic, payload, floor)),
            Some(side) => {
                let mut conn = side.conn.clone();
                let settings = &self.inner.logs.settings;
                let seq: u64 = redis::Script::new(APPEND)
                    .key(format!("{}sqn:{topic}", side.root))
                    .key(format!("{}sql:{topic}", side.root))
                    .arg(payload)
                    .arg(settings.capacity)
                    .arg(settings.ttl.as_secs().max(1))
                    .arg(format!("{}sq:{topic}", side.root))
                    .arg(floor)
                    .invoke_async(&mut conn)
                    .await?;
                Ok(seq)
            }
        }
    }

    /// The logged events of `topic` numbered above `after`, oldest first.
    pub async fn replay(&self, topic: &str, after: u64) -> Result<Vec<Sequenced>, EventError> {
        match &self.inner.redis {
            None => Ok(self.inner.logs.replay_local(topic, after)),
            Some(side) => {
                let mut conn = side.conn.clone();
                let reply: StreamRangeReply = redis::cmd("XRANGE")
                    .arg(format!("{}sql:{topic}", side.root))
                    .arg(format!("{}-0", after.saturating_add(1)))
                    .arg("+")
                    .query_async(&mut conn)
                    .await?;
                Ok(reply
                    .ids
                    .into_iter()
                    .filter_map(|entry| {
                        let seq = entry.id.split_once('-')?.0.parse::<u64>().ok()?;
                        let payload: String = entry.get("d")?;
                        Some((seq, Arc::from(payload)))
                    })
                    .collect())
            }
        }
    }

    /// The events of `topic` numbered above `after`: first those logged, then live ones, each
    /// exactly once and in order. Ends only when the bus is gone; the caller stops at its
    /// terminal event. A failed log read is yielded as an error and the stream goes on live.
    pub fn follow(
        &self,
        topic: &str,
        after: u64,
    ) -> BoxStream<'static, Result<Sequenced, EventError>> {
        let live = live_stream(self.inner.logs.subscribe(topic)).boxed();
        let state = Follow {
            bus: self.clone(),
            topic: topic.to_owned(),
            live,
            pending: VecDeque::new(),
            last: after,
            replayed: false,
        };
        futures_util::stream::unfold(state, |mut s| async move {
            loop {
                if let Some(event) = s.pending.pop_front() {
                    if event.0 > s.last {
                        s.last = event.0;
                        return Some((Ok(event), s));
                    }
                    continue;
                }
                if !s.replayed {
                    s.replayed = true;
                    match s.bus.replay(&s.topic, s.last).await {
                        Ok(events) => s.pending.extend(events),
                        Err(error) => return Some((Err(error), s)),
                    }
                    continue;
                }
                let event = s.live.next().await?;
                if event.0 <= s.last {
                    continue;
                }
                if event.0 > s.last + 1 {
                    // Numbers were skipped: fill from the log before going on, or say so (the
                    // caller resubscribes with `after`) rather than skip them silently.
                    match s.bus.replay(&s.topic, s.last).await {
                        Ok(missed) => s
                            .pending
                            .extend(missed.into_iter().filter(|m| m.0 < event.0)),
                        Err(error) => return Some((Err(error), s)),
                    }
                }
                s.pending.push_back(event);
            }
        })
        .boxed()
    }

    /// Inner access for tests of eviction.
    #[cfg(test)]
    fn log_topics(&self) -> usize {
        self.inner.logs.lock().by_name.len()
    }
}

struct Follow {
    bus: EventBus,
    topic: String,
    live: BoxStream<'static, Sequenced>,
    pending: VecDeque<Sequenced>,
    last: u64,
    replayed: bool,
}

/// Lag is not an error here: `follow` notices the skipped numbers and fills them from the log.
fn live_stream(receiver: broadcast::Receiver<Sequenced>) -> impl Stream<Item = Sequenced> {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(item) => return Some((item, receiver)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(events: &[Sequenced]) -> Vec<u64> {
        events.iter().map(|e| e.0).collect()
    }

    #[tokio::test]
    async fn numbers_increase_and_respect_the_floor() {
        let bus = EventBus::memory();
        assert_eq!(bus.append("t", "a", 0).await.unwrap(), 1);
        assert_eq!(bus.append("t", "b", 0).await.unwrap(), 2);
        assert_eq!(bus.append("t", "c", 10).await.unwrap(), 11);
        assert_eq!(bus.append("other", "x", 0).await.unwrap(), 1);
        let replayed = bus.replay("t", 1).await.unwrap();
        assert_eq!(numbers(&replayed), vec![2, 11]);
        assert_eq!(&*replayed[0].1, "b");
    }

    #[tokio::test]
    async fn follow_replays_then_goes_live_without_gap_or_duplicate() {
        let bus = EventBus::memory();
        for i in 0..5 {
            bus.append("t", &format!("e{i}"), 0).await.unwrap();
        }
        let mut follow = bus.follow("t", 2);
        for i in 5..8 {
            bus.append("t", &format!("e{i}"), 0).await.unwrap();
        }
        let mut seen = Vec::new();
        while seen.len() < 6 {
            seen.push(follow.next().await.unwrap().unwrap());
        }
        assert_eq!(numbers(&seen), vec![3, 4, 5, 6, 7, 8]);
        assert_eq!(&*seen[5].1, "e7");
    }

    #[tokio::test]
    async fn the_log_is_capped_and_idle_topics_are_evicted() {
        let bus = EventBus::memory_with(LogSettings {
            capacity: 3,
            ttl: Duration::from_secs(60),
            max_topics: 2,
        });
        for i in 0..5 {
            bus.append("t", &i.to_string(), 0).await.unwrap();
        }
        assert_eq!(numbers(&bus.replay("t", 0).await.unwrap()), vec![3, 4, 5]);
        let _followed = bus.follow("t", 5);
        bus.append("u", "x", 0).await.unwrap();
        bus.append("v", "x", 0).await.unwrap();
        assert_eq!(bus.log_topics(), 2);
        // The followed topic survives eviction even though it is the oldest.
        assert_eq!(numbers(&bus.replay("t", 0).await.unwrap()), vec![3, 4, 5]);
    }
}

//! Sequenced topics: every event gets the next number of its topic and a capped log keeps recent
//! events for replay (following them, replay then live, is in `follow`).
//!
//! With Redis one Lua script numbers (`INCR`), logs (`XADD` with the number as the entry id,
//! capped and expiring) and publishes each event atomically, so every process sees one order.
//! Live delivery rides on the bus's single pattern subscription. A live event that skips numbers
//! (a subscriber lagged, or pub/sub dropped while Redis reconnected) is filled from the log.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;
use tracing::Instrument;

use redis::streams::StreamRangeReply;
use tokio::sync::broadcast;

use super::{EventBus, EventError};

/// One numbered event of a topic.
pub type Sequenced = (u64, Arc<str>);

/// How many events a topic's log keeps for replay: a setting of each topic family (see
/// `run::RunFamily`), resolved against the configured [`LogSettings::capacity`]
/// (`PROMPTOPS_EVENT_LOG_CAPACITY`, 10,000 by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// The configured capacity: one execution's events.
    Configured,
    /// That many times the configured capacity, for runs that interleave many steps (a
    /// workflow run of ten nodes streams ten executions' worth of tokens).
    Scaled(usize),
}

impl Replay {
    pub fn events(self, settings: &LogSettings) -> usize {
        match self {
            Self::Configured => settings.capacity,
            Self::Scaled(factor) => settings.capacity.saturating_mul(factor.max(1)),
        }
    }
}

/// Per topic and process. A follower that lags further is not dropped: `follow` notices the
/// skipped numbers and reads them from the log.
const LIVE_CAPACITY: usize = 256;
/// Past this many topics, `subscribe` first drops those nobody follows and that keep no log.
const PRUNE_ABOVE: usize = 256;

#[derive(Debug, Clone)]
pub struct LogSettings {
    /// Events kept per topic for replay (older ones are trimmed), unless its family asks for
    /// more ([`Replay`]).
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

const APPEND_LUA: &str = r"
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

/// The same at a number given beforehand, unless the topic already reached it (that number
/// was appended after all, or later events were): 1 if appended, 0 if not.
const APPEND_AT_LUA: &str = r"
local seq = tonumber(ARGV[5])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= seq then
  return 0
end
redis.call('SET', KEYS[1], seq)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'd', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[4], seq .. '\n' .. ARGV[1])
return 1
";

/// The scripts, hashed once per process (a `Script` computes its SHA-1 when made; appends are
/// on every token's path).
static APPEND: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(APPEND_LUA));
static APPEND_AT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(APPEND_AT_LUA));

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

    pub(super) fn subscribe(&self, topic: &str) -> broadcast::Receiver<Sequenced> {
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
    fn append_local(&self, topic: &str, payload: &str, floor: u64, capacity: usize) -> u64 {
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
        while entry.log.len() > capacity {
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

    /// Embedded mode: appends at `seq` unless the topic reached it already.
    fn append_local_at(&self, topic: &str, payload: &str, seq: u64, capacity: usize) -> bool {
        let reached = self
            .lock()
            .by_name
            .get(topic)
            .is_some_and(|t| t.last >= seq);
        if reached {
            return false;
        }
        self.append_local(topic, payload, seq - 1, capacity);
        true
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
        self.append_to(topic, payload, floor, Replay::Configured)
            .await
    }

    /// [`append`](Self::append) to a topic whose log keeps `replay` events.
    pub async fn append_to(
        &self,
        topic: &str,
        payload: &str,
        floor: u64,
        replay: Replay,
    ) -> Result<u64, EventError> {
        let settings = &self.inner.logs.settings;
        let capacity = replay.events(settings).max(1);
        match &self.inner.redis {
            None => Ok(self
                .inner
                .logs
                .append_local(topic, payload, floor, capacity)),
            Some(side) => {
                let ttl = settings.ttl.as_secs().max(1);
                log_script(side, &APPEND, topic, payload, (capacity, ttl), floor).await
            }
        }
    }

    /// Appends at number `seq`, reserved earlier by a writer whose append failed (see
    /// `run::RunWriter`); false, appending nothing, when the topic already reached that number.
    pub async fn append_at(
        &self,
        topic: &str,
        payload: &str,
        seq: u64,
        replay: Replay,
    ) -> Result<bool, EventError> {
        let settings = &self.inner.logs.settings;
        let capacity = replay.events(settings).max(1);
        match &self.inner.redis {
            None => Ok(self
                .inner
                .logs
                .append_local_at(topic, payload, seq.max(1), capacity)),
            Some(side) => {
                let ttl = settings.ttl.as_secs().max(1);
                let appended: i64 =
                    log_script(side, &APPEND_AT, topic, payload, (capacity, ttl), seq).await?;
                Ok(appended == 1)
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

    /// Inner access for tests of eviction.
    #[cfg(test)]
    fn log_topics(&self) -> usize {
        self.inner.logs.lock().by_name.len()
    }
}

/// Runs one of the log's append scripts (`APPEND`, `APPEND_AT`) on `topic`: its counter and
/// log keys, then `payload`, the log's (capacity, ttl seconds), its stream key and `number`
/// (the floor, or the reserved number).
async fn log_script<T: redis::FromRedisValue>(
    side: &super::RedisSide,
    script: &redis::Script,
    topic: &str,
    payload: &str,
    (capacity, ttl): (usize, u64),
    number: u64,
) -> Result<T, EventError> {
    let mut conn = side.conn.clone();
    Ok(script
        .key(format!("{}sqn:{topic}", side.root))
        .key(format!("{}sql:{topic}", side.root))
        .arg(payload)
        .arg(capacity)
        .arg(ttl)
        .arg(format!("{}sq:{topic}", side.root))
        .arg(number)
        .invoke_async(&mut conn)
        .instrument(crate::trace::redis("EVALSHA"))
        .await?)
}

#[cfg(test)]
#[path = "sequenced_tests.rs"]
mod tests;

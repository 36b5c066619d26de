//! The distributed queue on Redis Streams, one lane per organization:
//!
//! - `<prefix>jobs:<org>`: the lane, a stream with the consumer group `workers`;
//! - `<prefix>jobs:ring`: the lanes with undelivered entries, in the order they are served
//!   (a list), and `<prefix>jobs:active`, the same lanes as a set (so a lane joins once);
//! - `<prefix>jobs:known`: every lane whose stream exists (entries waiting or pending), where
//!   idle deliveries are looked for;
//! - `<prefix>jobs:wake`: a doorbell list, one element per publish, capped, that an idle
//!   consumer blocks on (`BLPOP`).
//!
//! Publishing, taking the next entry and acknowledging are each one Lua script, so they are
//! atomic with respect to each other: a lane found empty leaves the ring in the same step that
//! found it empty, and a publish into it afterwards puts it back, so no entry is stranded in a
//! lane outside the ring. Taking rotates the ring (`LMOVE` head to tail) and reads one new
//! entry (`XREADGROUP` `>`) from the first lane that has one. Acknowledging deletes the entry
//! and the stream once it holds nothing. A Redis restart that drops all of it is healed by the
//! reconciler from the job rows: `<prefix>jobs:since`, written by the first publish (or look)
//! into an empty Redis, tells it which publishes were lost.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::streams::StreamAutoClaimReply;
use tokio::sync::Mutex;
use tracing::Instrument;
use uuid::Uuid;

use super::{Delivery, JobQueue, QueueError};

const GROUP: &str = "workers";
const BLOCK: Duration = Duration::from_millis(1000);
/// Doorbells kept for consumers that are busy: more than any process's idle consumers.
const WAKE_CAP: usize = 256;
/// Idle entries one takeover scan claims at most.
const RECLAIM_BATCH: usize = 64;

/// KEYS: lane stream, ring, active, known, wake, since. ARGV: lane, job id, group, wake cap,
/// now (ms).
const PUBLISH_LUA: &str = r"
redis.call('SET', KEYS[6], ARGV[5], 'NX')
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[3], '0', 'MKSTREAM')
end
local id = redis.call('XADD', KEYS[1], '*', 'job', ARGV[2])
redis.call('SADD', KEYS[4], ARGV[1])
if redis.call('SADD', KEYS[3], ARGV[1]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
redis.call('LPUSH', KEYS[5], '1')
redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[4]) - 1)
return id
";

/// KEYS: ring, active, known. ARGV: lane key prefix, group, consumer.
/// Returns {lane, entry id, job id}, or nil when no lane has a new entry.
const NEXT_LUA: &str = r"
local function read(stream)
  return redis.pcall('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', 1, 'STREAMS', stream, '>')
end
for _ = 1, redis.call('LLEN', KEYS[1]) do
  local lane = redis.call('LMOVE', KEYS[1], KEYS[1], 'LEFT', 'RIGHT')
  if not lane then break end
  local stream = ARGV[1] .. lane
  local reply = read(stream)
  if type(reply) == 'table' and reply.err then
    -- The group is gone with keys removed by hand: recreate it from the start of the lane.
    redis.pcall('XGROUP', 'CREATE', stream, ARGV[2], '0', 'MKSTREAM')
    reply = read(stream)
  end
  if type(reply) == 'table' and not reply.err then
    local entry = reply[1][2][1]
    if entry then
      return {lane, entry[1], entry[2][2]}
    end
  end
  redis.call('LREM', KEYS[1], -1, lane)
  redis.call('SREM', KEYS[2], lane)
  if redis.call('XLEN', stream) == 0 then
    redis.call('DEL', stream)
    redis.call('SREM', KEYS[3], lane)
  end
end
return false
";

/// KEYS: since. ARGV: now (ms). The instant this Redis's queue began (set by its first use):
/// entries published before it were lost with a restart.
const SINCE_LUA: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
";

/// KEYS: lane stream, ring, active, known. ARGV: group, entry id, lane.
const ACK_LUA: &str = r"
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if redis.call('XLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[4], ARGV[3])
  if redis.call('SREM', KEYS[3], ARGV[3]) == 1 then
    redis.call('LREM', KEYS[2], 0, ARGV[3])
  end
end
return 1
";

/// The scripts, hashed once per process (a `Script` computes its SHA-1 when made).
static PUBLISH: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(PUBLISH_LUA));
static NEXT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(NEXT_LUA));
static SINCE: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(SINCE_LUA));
static ACK: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(ACK_LUA));

pub struct RedisQueue {
    /// For short commands.
    conn: redis::aio::ConnectionManager,
    /// For the blocking wait only: a blocked connection would hold up everything queued on it.
    blocking: Mutex<redis::aio::ConnectionManager>,
    keys: Keys,
    /// Entries idle this long are taken over from their (presumably dead) consumer.
    reclaim_idle: Duration,
    reclaim: Mutex<Reclaim>,
}

struct Keys {
    /// `<prefix>jobs:`, followed by the lane.
    lane_prefix: String,
    ring: String,
    active: String,
    known: String,
    wake: String,
    since: String,
}

impl Keys {
    fn new(prefix: &str) -> Self {
        let lane_prefix = format!("{prefix}jobs:");
        Self {
            ring: format!("{lane_prefix}ring"),
            active: format!("{lane_prefix}active"),
            known: format!("{lane_prefix}known"),
            wake: format!("{lane_prefix}wake"),
            since: format!("{lane_prefix}since"),
            lane_prefix,
        }
    }

    fn lane(&self, lane: Uuid) -> String {
        format!("{}{lane}", self.lane_prefix)
    }
}

/// The takeover scan: at most once a second, each lane from where its last scan stopped, so
/// idle entries behind many busy ones are reached too. A scan takes over up to
/// [`RECLAIM_BATCH`] entries at once (a dead worker's jobs restart together, not one a
/// second); those not yet handed out wait in `taken`.
#[derive(Default)]
struct Reclaim {
    last: Option<Instant>,
    taken: VecDeque<Delivery>,
    cursors: HashMap<String, String>,
    /// Where the next scan starts among the lanes, so every lane gets its turn.
    turn: usize,
}

impl RedisQueue {
    pub async fn connect(
        client: &redis::Client,
        prefix: &str,
        reclaim_idle: Duration,
    ) -> Result<Arc<Self>, QueueError> {
        let conn = crate::redis_conn::manager(client).await?;
        let config =
            crate::redis_conn::config().set_response_timeout(Some(BLOCK + Duration::from_secs(5)));
        let blocking = client.get_connection_manager_with_config(config).await?;
        Ok(Arc::new(Self {
            conn,
            blocking: Mutex::new(blocking),
            keys: Keys::new(prefix),
            reclaim_idle,
            reclaim: Mutex::new(Reclaim::default()),
        }))
    }

    /// The next new entry of the lanes in rotation, if any.
    async fn take(&self, consumer: &str) -> Result<Option<Delivery>, QueueError> {
        let mut conn = self.conn.clone();
        let taken: Option<(String, String, String)> = NEXT
            .key(&self.keys.ring)
            .key(&self.keys.active)
            .key(&self.keys.known)
            .arg(&self.keys.lane_prefix)
            .arg(GROUP)
            .arg(consumer)
            .invoke_async(&mut conn)
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(taken.and_then(|(lane, entry, job)| parse(&lane, entry, &job)))
    }

    /// An entry idle past the lease, taken over by this consumer: one of those the last scan
    /// took, or, at most once per second, a scan of the lanes that takes over up to
    /// [`RECLAIM_BATCH`] of them.
    async fn reclaim(&self, consumer: &str) -> Result<Option<Delivery>, QueueError> {
        let mut reclaim = self.reclaim.lock().await;
        if let Some(taken) = reclaim.taken.pop_front() {
            return Ok(Some(taken));
        }
        if reclaim
            .last
            .is_some_and(|at| at.elapsed() < Duration::from_secs(1))
        {
            return Ok(None);
        }
        reclaim.last = Some(Instant::now());
        let mut conn = self.conn.clone();
        let mut lanes: Vec<String> = redis::cmd("SMEMBERS")
            .arg(&self.keys.known)
            .query_async(&mut conn)
            .await?;
        lanes.sort_unstable();
        reclaim.cursors.retain(|lane, _| lanes.contains(lane));
        if lanes.is_empty() {
            return Ok(None);
        }
        let start = reclaim.turn % lanes.len();
        reclaim.turn = start + 1;
        lanes.rotate_left(start);
        for lane in lanes {
            let room = RECLAIM_BATCH.saturating_sub(reclaim.taken.len());
            if room == 0 {
                break;
            }
            let cursor = reclaim
                .cursors
                .get(&lane)
                .cloned()
                .unwrap_or_else(|| "0-0".to_owned());
            let claimed: Result<StreamAutoClaimReply, redis::RedisError> = redis::cmd("XAUTOCLAIM")
                .arg(format!("{}{lane}", self.keys.lane_prefix))
                .arg(GROUP)
                .arg(consumer)
                .arg(self.reclaim_idle.as_millis() as u64)
                .arg(&cursor)
                .arg("COUNT")
                .arg(room)
                .query_async(&mut conn)
                .await;
            let reply = match claimed {
                Ok(reply) => reply,
                // Emptied and deleted since the list was read.
                Err(error) if error.code() == Some("NOGROUP") => continue,
                Err(error) => return Err(error.into()),
            };
            reclaim
                .cursors
                .insert(lane.clone(), reply.next_stream_id.clone());
            let found = reply.claimed.iter().filter_map(|entry| {
                let job: String = entry.get("job")?;
                parse(&lane, entry.id.clone(), &job)
            });
            reclaim.taken.extend(found);
        }
        Ok(reclaim.taken.pop_front())
    }

    /// Waits up to `wait` for a publish; true if one came.
    async fn wait_for_publish(&self, wait: Duration) -> Result<bool, QueueError> {
        let wait = wait.min(BLOCK);
        if wait.is_zero() {
            return Ok(false);
        }
        let mut conn = self.blocking.lock().await;
        let rang: Option<(String, String)> = redis::cmd("BLPOP")
            .arg(&self.keys.wake)
            .arg(wait.as_secs_f64())
            .query_async(&mut *conn)
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(rang.is_some())
    }
}

fn parse(lane: &str, entry: String, job: &str) -> Option<Delivery> {
    Some(Delivery {
        job_id: Uuid::parse_str(job).ok()?,
        lane: Uuid::parse_str(lane).ok()?,
        entry,
    })
}

#[async_trait]
impl JobQueue for RedisQueue {
    async fn publish(&self, org: Uuid, job_id: Uuid) -> Result<(), QueueError> {
        let mut conn = self.conn.clone();
        let _: String = PUBLISH
            .key(self.keys.lane(org))
            .key(&self.keys.ring)
            .key(&self.keys.active)
            .key(&self.keys.known)
            .key(&self.keys.wake)
            .key(&self.keys.since)
            .arg(org.to_string())
            .arg(job_id.to_string())
            .arg(GROUP)
            .arg(WAKE_CAP)
            .arg(chrono::Utc::now().timestamp_millis())
            .invoke_async(&mut conn)
            .instrument(crate::trace::redis("EVALSHA"))
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(())
    }

    async fn next(&self, consumer: &str, wait: Duration) -> Result<Option<Delivery>, QueueError> {
        if let Some(delivery) = self.reclaim(consumer).await? {
            return Ok(Some(delivery));
        }
        if let Some(delivery) = self.take(consumer).await? {
            return Ok(Some(delivery));
        }
        // Nothing new: wait for a doorbell. One rung between the look and the wait is still
        // in the list, so no publish is missed; a stale one only costs one more look.
        if self.wait_for_publish(wait).await? {
            return self.take(consumer).await;
        }
        Ok(None)
    }

    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        // A delivery made by hand (tests driving a worker) has no entry to acknowledge.
        if delivery.entry.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn.clone();
        let _: i64 = ACK
            .key(self.keys.lane(delivery.lane))
            .key(&self.keys.ring)
            .key(&self.keys.active)
            .key(&self.keys.known)
            .arg(GROUP)
            .arg(&delivery.entry)
            .arg(delivery.lane.to_string())
            .invoke_async(&mut conn)
            .instrument(crate::trace::redis("EVALSHA"))
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(())
    }

    /// Left pending: a takeover scan claims it once idle past the lease (`reclaim_idle`).
    async fn retry_later(&self, _delivery: &Delivery, _after: Duration) -> Result<(), QueueError> {
        Ok(())
    }

    async fn lost_before(&self) -> Result<Option<DateTime<Utc>>, QueueError> {
        let mut conn = self.conn.clone();
        let since: i64 = SINCE
            .key(&self.keys.since)
            .arg(Utc::now().timestamp_millis())
            .invoke_async(&mut conn)
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(DateTime::from_timestamp_millis(since))
    }

    async fn touch(&self, consumer: &str, delivery: &Delivery) -> Result<(), QueueError> {
        if delivery.entry.is_empty() {
            return Ok(());
        }
        // XCLAIM to ourselves resets the entry's idle time.
        let mut conn = self.conn.clone();
        let _: redis::Value = redis::cmd("XCLAIM")
            .arg(self.keys.lane(delivery.lane))
            .arg(GROUP)
            .arg(consumer)
            .arg(0)
            .arg(&delivery.entry)
            .arg("JUSTID")
            .query_async(&mut conn)
            .instrument(crate::trace::redis("XCLAIM"))
            .await
            .inspect_err(|_| crate::metrics::redis_error())?;
        Ok(())
    }
}

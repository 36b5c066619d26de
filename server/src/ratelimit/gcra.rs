//! GCRA (the generic cell rate algorithm): a key may make `per_minute` requests a minute,
//! evenly spaced, with up to a minute's worth at once. Each key keeps one number, its
//! theoretical arrival time (TAT): a request at `now` is allowed when `TAT - now` stays within
//! the burst tolerance, and moves the TAT one emission interval on. In Redis the check and the
//! update are one Lua script on the server's clock, so every API process counts together and
//! none of their clocks matter.

use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use super::RateLimiter;
use crate::error::{AppError, AppResult};

const MICROS_PER_MINUTE: u64 = 60_000_000;
const MAX_MEMORY_KEYS: usize = 100_000;

/// KEYS[1]: the key; ARGV[1]: emission interval, ARGV[2]: burst tolerance (µs). Returns 0
/// when allowed, else the µs to wait.
const SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then tat = now end
local allow_at = tat - tolerance
if now < allow_at then return allow_at - now end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return 0
";

static REDIS_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(SCRIPT));

/// The emission interval and the burst tolerance (µs) of `per_minute` (at least 1).
fn spacing(per_minute: u32) -> (u64, u64) {
    let per_minute = u64::from(per_minute.max(1));
    let interval = (MICROS_PER_MINUTE / per_minute).max(1);
    (interval, interval * (per_minute - 1))
}

/// One step of the algorithm: the new TAT, or the µs to wait.
fn step(tat: Option<u64>, now: u64, interval: u64, tolerance: u64) -> Result<u64, u64> {
    let tat = tat.unwrap_or(now).max(now);
    let allow_at = tat.saturating_sub(tolerance);
    if now < allow_at {
        return Err(allow_at - now);
    }
    Ok(tat + interval)
}

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

/// Whole seconds to wait (at least 1), as `retryAfter` says it.
fn retry_after(wait_micros: u64) -> u64 {
    wait_micros.div_ceil(1_000_000).max(1)
}

impl RateLimiter {
    /// Charges one request to `key`, allowed `per_minute` a minute (0: unlimited);
    /// `RateLimited` with the seconds until the next one is allowed. `limit` names the limit
    /// in the `promptops_rate_limited_total` metric (a closed set). If Redis cannot be
    /// reached the request is allowed (and the failure counted): losing the shared limiter
    /// must not stop the API.
    pub async fn gcra(&self, key: &str, per_minute: u32, limit: &'static str) -> AppResult<()> {
        if per_minute == 0 {
            return Ok(());
        }
        let (interval, tolerance) = spacing(per_minute);
        let wait = match self {
            RateLimiter::Memory { arrivals, .. } => {
                let now = now_micros();
                let mut map = arrivals.lock().unwrap_or_else(PoisonError::into_inner);
                prune(&mut map, now);
                match step(map.get(key).copied(), now, interval, tolerance) {
                    Ok(tat) => {
                        map.insert(key.to_owned(), tat);
                        0
                    }
                    Err(wait) => wait,
                }
            }
            RateLimiter::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let outcome: Result<u64, _> = REDIS_SCRIPT
                    .key(format!("{prefix}gcra:{key}"))
                    .arg(interval)
                    .arg(tolerance)
                    .invoke_async(&mut conn)
                    .await;
                match outcome {
                    Ok(wait) => wait,
                    Err(error) => {
                        workers::metrics::redis_error();
                        tracing::warn!(%error, "request rate limit unavailable; allowing");
                        0
                    }
                }
            }
        };
        if wait > 0 {
            crate::metrics::rate_limited(limit);
            return Err(AppError::RateLimited {
                retry_after: retry_after(wait),
            });
        }
        Ok(())
    }
}

/// Keys whose TAT has passed hold nothing a fresh key would not: drop them when the map grows.
fn prune(map: &mut HashMap<String, u64>, now: u64) {
    if map.len() >= MAX_MEMORY_KEYS {
        map.retain(|_, tat| *tat > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_minute_bursts_then_requests_are_spaced() {
        let (interval, tolerance) = spacing(60);
        assert_eq!(interval, 1_000_000);
        let now = 1_000_000_000;
        let mut tat = None;
        for _ in 0..60 {
            tat = Some(step(tat, now, interval, tolerance).unwrap());
        }
        let wait = step(tat, now, interval, tolerance).unwrap_err();
        assert_eq!(wait, 1_000_000);
        assert_eq!(retry_after(wait), 1);
        // One interval later, one more is allowed, and only one.
        let later = now + interval;
        let tat = Some(step(tat, later, interval, tolerance).unwrap());
        assert!(step(tat, later, interval, tolerance).is_err());
    }

    #[tokio::test]
    async fn memory_limiter_refuses_past_the_burst_per_key() {
        let limiter = RateLimiter::memory();
        for _ in 0..5 {
            limiter.gcra("a", 5, "test").await.unwrap();
        }
        let error = limiter.gcra("a", 5, "test").await.unwrap_err();
        assert!(
            matches!(error, AppError::RateLimited { retry_after } if (1..=12).contains(&retry_after))
        );
        limiter.gcra("b", 5, "test").await.unwrap();
        for _ in 0..100 {
            limiter.gcra("c", 0, "test").await.unwrap();
        }
    }
}

//! Rate limits keyed by string: in memory when embedded, in Redis (shared by every process)
//! when configured. Both count the same way, so limits mean the same in either mode. Two
//! kinds: fixed windows (`hit`: sign-up and login attempts per address) and GCRA (`gcra`:
//! requests per minute per organization and per API key, smooth, with a full minute's burst —
//! see [`gcra`] and, for which requests are charged, [`meter`]).

pub mod gcra;
pub mod meter;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::Instrument;

use crate::error::{AppError, AppResult};

pub enum RateLimiter {
    Memory {
        windows: Mutex<HashMap<String, (u64, u32)>>,
        /// GCRA: each key's theoretical arrival time, µs since the epoch.
        arrivals: Mutex<HashMap<String, u64>>,
    },
    Redis {
        conn: redis::aio::ConnectionManager,
        prefix: String,
    },
}

const MAX_MEMORY_KEYS: usize = 100_000;

/// The key a client's limits count under: its IPv4 address, or its IPv6 /64 (one subscriber
/// usually holds a whole /64, so per-address limits would not limit anyone).
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl RateLimiter {
    pub fn memory() -> Self {
        RateLimiter::Memory {
            windows: Mutex::new(HashMap::new()),
            arrivals: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one hit on `key`; `RateLimited` (with the seconds until the window ends) once
    /// more than `limit` hits fall in the current `window_secs` window.
    pub async fn hit(&self, key: &str, limit: u32, window_secs: u64) -> AppResult<()> {
        let now = now_secs();
        let window = now / window_secs;
        let retry_after = (window + 1) * window_secs - now;
        let count = match self {
            RateLimiter::Memory { windows, .. } => {
                let mut map = windows.lock().unwrap_or_else(PoisonError::into_inner);
                if map.len() >= MAX_MEMORY_KEYS {
                    map.retain(|_, (w, _)| *w == window);
                }
                let entry = map.entry(key.to_owned()).or_insert((window, 0));
                if entry.0 != window {
                    *entry = (window, 0);
                }
                entry.1 = entry.1.saturating_add(1);
                entry.1
            }
            RateLimiter::Redis { conn, prefix } => {
                let redis_key = format!("{prefix}rl:{key}:{window}");
                let mut conn = conn.clone();
                let (count,): (u32,) = redis::pipe()
                    .atomic()
                    .incr(&redis_key, 1)
                    .expire(&redis_key, window_secs as i64 + 1)
                    .ignore()
                    .query_async(&mut conn)
                    .instrument(workers::trace::redis("INCR"))
                    .await
                    .map_err(|error| {
                        workers::metrics::redis_error();
                        AppError::internal(error)
                    })?;
                count
            }
        };
        if count > limit {
            crate::metrics::rate_limited(limit_name(key));
            return Err(AppError::RateLimited { retry_after });
        }
        Ok(())
    }
}

/// The `limit` label of a key: its first two parts (`login:ip:…` is `login_ip`), when it is
/// one of the limits this module serves.
fn limit_name(key: &str) -> &'static str {
    let mut parts = key.split(':');
    match (parts.next(), parts.next()) {
        (Some("login"), Some("ip")) => "login_ip",
        (Some("login"), Some("email-ip")) => "login_email_ip",
        (Some("signup"), Some("ip")) => "signup_ip",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(other));
        assert_eq!(client_key("203.0.113.7".parse().unwrap()), "203.0.113.7");
        assert_eq!(
            client_key("::ffff:203.0.113.7".parse().unwrap()),
            "203.0.113.7"
        );
    }

    #[test]
    fn limit_labels_are_a_closed_set() {
        assert_eq!(limit_name("login:ip:203.0.113.7"), "login_ip");
        assert_eq!(limit_name("login:email-ip:abcdef"), "login_email_ip");
        assert_eq!(limit_name("signup:ip:::1"), "signup_ip");
        assert_eq!(limit_name("something:new"), "other");
    }

    #[tokio::test]
    async fn memory_limiter_refuses_past_the_limit() {
        let limiter = RateLimiter::memory();
        for _ in 0..3 {
            limiter.hit("k", 3, 3600).await.unwrap();
        }
        let error = limiter.hit("k", 3, 3600).await.unwrap_err();
        assert!(matches!(error, AppError::RateLimited { retry_after } if retry_after <= 3600));
        limiter.hit("other", 3, 3600).await.unwrap();
    }
}

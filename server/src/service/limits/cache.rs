//! Each process's short-lived copy of organizations' limits, read on every request an
//! organization is charged for. A change made here is seen here at once; one made through
//! another process within `PROMPTOPS_LIMITS_CACHE_SECS`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::settings::{self, Limits};
use crate::config::Config;
use crate::error::AppResult;

const MAX_ENTRIES: usize = 100_000;

pub struct LimitsCache {
    ttl: Duration,
    entries: Mutex<HashMap<Uuid, (Instant, Limits)>>,
}

impl LimitsCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The limits in force for `org`, from the cache while fresh.
    pub async fn get(
        &self,
        conn: &impl ConnectionTrait,
        config: &Config,
        org: Uuid,
    ) -> AppResult<Limits> {
        let now = Instant::now();
        if let Some((at, limits)) = self.lock().get(&org)
            && now.duration_since(*at) < self.ttl
        {
            return Ok(*limits);
        }
        let limits = settings::read(conn, config, org).await?;
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| now.duration_since(*at) < ttl);
        }
        entries.insert(org, (now, limits));
        Ok(limits)
    }

    /// `org`'s limits changed: read them again next time.
    pub fn forget(&self, org: Uuid) {
        self.lock().remove(&org);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, (Instant, Limits)>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

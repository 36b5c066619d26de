//! Each process's copy of the API keys it has seen, so that a request with a key costs no
//! database statement: a key is read by its digest once, then served from memory. A
//! revocation is announced on the bus ([`TOPIC`]) after it commits and drops the entry in
//! every process at once; as a bound on a lost notice (Redis down), an entry older than
//! `PROMPTOPS_API_KEY_CACHE_SECS` is read again before it is used. Roles are not cached here:
//! they are casbin's, reloaded on every policy change.
//!
//! "Last used" is recorded in memory and written in one statement for every key used since
//! the previous flush, every `PROMPTOPS_API_KEY_LAST_USED_FLUSH_SECS` (and at shutdown), at
//! most once a minute per key.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use workers::events::{EventBus, RECONNECTED_TOPIC};

use crate::error::AppResult;
use entities::api_key;

/// Plain topic: the id of an API key that was revoked.
pub const TOPIC: &str = "auth.api_key";
/// How stale a key's `last_used_at` may get before its use is recorded again.
const LAST_USED_RESOLUTION_SECS: i64 = 60;
/// Entries kept at most; past it, stale ones are dropped, then all (keys are read again).
const MAX_ENTRIES: usize = 100_000;

/// What authentication needs of a key row.
#[derive(Debug, Clone)]
pub struct KeyInfo {
    pub id: Uuid,
    pub org_id: Uuid,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    last_used_at: Option<DateTime<Utc>>,
}

impl From<api_key::Model> for KeyInfo {
    fn from(key: api_key::Model) -> Self {
        Self {
            id: key.id,
            org_id: key.org_id,
            expires_at: key.expires_at,
            revoked: key.revoked_at.is_some(),
            last_used_at: key.last_used_at,
        }
    }
}

#[derive(Default)]
struct Entries {
    by_id: HashMap<Uuid, (KeyInfo, Instant)>,
    by_digest: HashMap<String, Uuid>,
}

/// Taken before a key's row is read: a revocation applied while the read was under way makes
/// the row it read unfit to keep (it may predate the revocation's commit).
#[derive(Debug, Clone, Copy)]
struct Ticket(u64);

pub struct ApiKeys {
    recheck: Duration,
    flush_every: Duration,
    entries: Mutex<Entries>,
    /// Bumped by every revocation applied (`forget`, `forget_all`), under the entries' lock.
    revocations: AtomicU64,
    /// Keys used since the last flush.
    used: Mutex<HashSet<Uuid>>,
}

impl ApiKeys {
    pub fn new(recheck: Duration, flush_every: Duration) -> Self {
        Self {
            recheck,
            flush_every: flush_every.max(Duration::from_millis(100)),
            entries: Mutex::new(Entries::default()),
            revocations: AtomicU64::new(0),
            used: Mutex::new(HashSet::new()),
        }
    }

    /// The key whose secret has `digest`, if there is one.
    pub async fn by_digest(
        &self,
        conn: &impl ConnectionTrait,
        digest: &str,
    ) -> AppResult<Option<KeyInfo>> {
        if let Some(key) = self.fresh(|e| e.by_digest.get(digest).copied()) {
            return Ok(Some(key));
        }
        let ticket = self.ticket();
        let row = api_key::Entity::find()
            .filter(api_key::Column::KeyHash.eq(digest))
            .one(conn)
            .await?;
        Ok(row.map(|row| self.remember(row, ticket)))
    }

    /// Key `id`, if it exists (a long-lived connection's re-validation).
    pub async fn by_id(&self, conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<KeyInfo>> {
        if let Some(key) = self.fresh(|_| Some(id)) {
            return Ok(Some(key));
        }
        let ticket = self.ticket();
        let row = api_key::Entity::find_by_id(id).one(conn).await?;
        Ok(row.map(|row| self.remember(row, ticket)))
    }

    fn fresh(&self, id: impl FnOnce(&Entries) -> Option<Uuid>) -> Option<KeyInfo> {
        let entries = self.lock();
        let id = id(&entries)?;
        let (key, checked) = entries.by_id.get(&id)?;
        (checked.elapsed() < self.recheck).then(|| key.clone())
    }

    fn ticket(&self) -> Ticket {
        let _entries = self.lock();
        Ticket(self.revocations.load(Ordering::Relaxed))
    }

    /// Keeps the row read since `ticket` was taken, unless a revocation was applied meanwhile
    /// (the row may be older than it: the next use reads it again).
    fn remember(&self, row: api_key::Model, ticket: Ticket) -> KeyInfo {
        let digest = row.key_hash.clone();
        let key = KeyInfo::from(row);
        let mut entries = self.lock();
        if self.revocations.load(Ordering::Relaxed) != ticket.0 {
            return key;
        }
        if entries.by_id.len() >= MAX_ENTRIES {
            let recheck = self.recheck;
            entries.by_id.retain(|_, (_, at)| at.elapsed() < recheck);
            if entries.by_id.len() >= MAX_ENTRIES {
                entries.by_id.clear();
            }
            let Entries { by_id, by_digest } = &mut *entries;
            by_digest.retain(|_, id| by_id.contains_key(id));
        }
        entries.by_digest.insert(digest, key.id);
        entries.by_id.insert(key.id, (key.clone(), Instant::now()));
        key
    }

    /// Drops key `id`: its next use reads the row.
    pub fn forget(&self, id: Uuid) {
        let mut entries = self.lock();
        self.revocations.fetch_add(1, Ordering::Relaxed);
        entries.by_id.remove(&id);
        entries.by_digest.retain(|_, key| *key != id);
    }

    fn forget_all(&self) {
        let mut entries = self.lock();
        self.revocations.fetch_add(1, Ordering::Relaxed);
        *entries = Entries::default();
    }

    /// Notes that `key` authenticated a request now; written at the next flush unless it was
    /// recorded less than a minute ago.
    pub fn used(&self, key: &KeyInfo) {
        let now = Utc::now();
        let stale = key
            .last_used_at
            .is_none_or(|at| (now - at).num_seconds() >= LAST_USED_RESOLUTION_SECS);
        if !stale {
            return;
        }
        if let Some((cached, _)) = self.lock().by_id.get_mut(&key.id) {
            cached.last_used_at = Some(now);
        }
        self.used
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.id);
    }

    /// Writes "last used" (now) for every key used since the previous flush, in one statement.
    pub async fn flush(&self, conn: &impl ConnectionTrait) {
        let ids: Vec<Uuid> =
            std::mem::take(&mut *self.used.lock().unwrap_or_else(PoisonError::into_inner))
                .into_iter()
                .collect();
        if ids.is_empty() {
            return;
        }
        let written = api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(Some(Utc::now())))
            .filter(api_key::Column::Id.is_in(ids))
            .exec(conn)
            .await;
        // Best effort: "last used" is informative, and the next use records it again.
        if let Err(error) = written {
            tracing::warn!(%error, "could not record API keys' last use");
        }
    }

    /// Flushes "last used" periodically, and once more when `shutdown` fires.
    pub fn start_flusher<C>(
        self: &Arc<Self>,
        conn: C,
        shutdown: CancellationToken,
    ) -> JoinHandle<()>
    where
        C: ConnectionTrait + Send + Sync + 'static,
    {
        let keys = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(keys.flush_every);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticker.tick() => keys.flush(&conn).await,
                    () = shutdown.cancelled() => {
                        keys.flush(&conn).await;
                        return;
                    }
                }
            }
        })
    }

    /// Drops entries as other processes announce revocations (and all of them after the bus
    /// reconnected: notices may have been missed meanwhile).
    pub fn watch(self: &Arc<Self>, bus: &EventBus) {
        let weak = Arc::downgrade(self);
        let notices = bus.subscribe(TOPIC);
        let reconnects = bus.subscribe(RECONNECTED_TOPIC);
        tokio::spawn(async move {
            let mut events =
                futures_util::stream::select(notices.map(Some), reconnects.map(|_| None));
            while let Some(event) = events.next().await {
                let Some(keys) = weak.upgrade() else { return };
                match event.and_then(|id| id.parse::<Uuid>().ok()) {
                    Some(id) => keys.forget(id),
                    None => keys.forget_all(),
                }
            }
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Applies a committed revocation here at once, then tells the other processes.
pub async fn announce(keys: &ApiKeys, bus: &EventBus, id: Uuid) {
    keys.forget(id);
    if let Err(error) = bus.publish(TOPIC, &id.to_string()).await {
        tracing::warn!(%error, %id, "could not announce an API key's revocation; other processes re-read it within PROMPTOPS_API_KEY_CACHE_SECS");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: Uuid, revoked: bool) -> api_key::Model {
        let now = Utc::now();
        api_key::Model {
            id,
            org_id: Uuid::nil(),
            name: "k".to_owned(),
            key_hash: format!("digest-{id}"),
            prefix: "pk_".to_owned(),
            role: "viewer".to_owned(),
            created_by: None,
            expires_at: None,
            last_used_at: None,
            revoked_at: revoked.then_some(now),
            created_at: now,
        }
    }

    fn cached(keys: &ApiKeys, id: Uuid) -> Option<KeyInfo> {
        keys.fresh(|_| Some(id))
    }

    /// A read that began before a revocation was applied and ends after it (its row says
    /// "not revoked") must not be kept: the next use reads the row again.
    #[test]
    fn a_row_read_across_a_revocation_is_not_kept() {
        let keys = ApiKeys::new(Duration::from_secs(60), Duration::from_secs(1));
        let id = Uuid::new_v4();
        let ticket = keys.ticket();
        keys.forget(id);
        let read = keys.remember(row(id, false), ticket);
        assert!(!read.revoked, "the caller still gets what it read");
        assert!(
            cached(&keys, id).is_none(),
            "kept a row older than the revocation"
        );

        let ticket = keys.ticket();
        keys.remember(row(id, true), ticket);
        assert!(cached(&keys, id).is_some_and(|key| key.revoked));
    }

    /// Without a revocation in between, the row is kept; every reconnection of the bus (notices
    /// may have been missed) voids the reads under way too.
    #[test]
    fn a_row_is_kept_unless_the_cache_was_dropped_meanwhile() {
        let keys = ApiKeys::new(Duration::from_secs(60), Duration::from_secs(1));
        let (id, other) = (Uuid::new_v4(), Uuid::new_v4());
        let ticket = keys.ticket();
        keys.remember(row(id, false), ticket);
        assert!(cached(&keys, id).is_some());

        let ticket = keys.ticket();
        keys.forget_all();
        keys.remember(row(other, false), ticket);
        assert!(cached(&keys, other).is_none());
        assert!(cached(&keys, id).is_none());
    }
}

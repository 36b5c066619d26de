//! Fair shares of the render slots: one organization holds at most `per_org` of them at once.
//!
//! The slots (one sandbox per core) are scarce. With one global queue, a tenant looping slow
//! renders on a few clients fills every slot and the queue, and every other tenant waits
//! behind it. So a render first takes its organization's permit (at most `per_org` per
//! organization), then a global slot: an organization over its share waits in its own queue,
//! and the global queue holds at most `per_org` renders of any one organization.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// Why no slot was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Waited `wait` without getting a slot.
    Busy,
    /// The semaphores were closed (never happens while the renderer lives).
    Closed,
}

#[derive(Debug)]
pub struct Shares {
    size: usize,
    slots: Arc<Semaphore>,
    per_org: usize,
    orgs: Mutex<HashMap<Uuid, Queue>>,
}

/// One organization's permits and how many renders use them (waiting or running).
#[derive(Debug)]
struct Queue {
    permits: Arc<Semaphore>,
    users: usize,
}

/// A render slot; released on drop.
pub struct Slot {
    _slot: OwnedSemaphorePermit,
    _org: OwnedSemaphorePermit,
    _member: Member,
}

/// Counts a render in its organization's queue while it waits or runs, so the queue is
/// removed once nobody uses it (also when the waiting request is dropped).
struct Member {
    shares: Arc<Shares>,
    org: Uuid,
}

impl Drop for Member {
    fn drop(&mut self) {
        let mut orgs = self
            .shares
            .orgs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(queue) = orgs.get_mut(&self.org) {
            queue.users = queue.users.saturating_sub(1);
            if queue.users == 0 {
                orgs.remove(&self.org);
            }
        }
    }
}

impl Shares {
    /// `slots` renders at once in all, at most `per_org` of them for one organization.
    pub fn new(slots: usize, per_org: usize) -> Arc<Self> {
        let slots = slots.max(1);
        Arc::new(Self {
            size: slots,
            slots: Arc::new(Semaphore::new(slots)),
            per_org: per_org.clamp(1, slots),
            orgs: Mutex::new(HashMap::new()),
        })
    }

    /// Renders that may run at once in all.
    pub fn slots(&self) -> usize {
        self.size
    }

    /// Waits for `org`'s permit, then for a slot, `wait` at most in all.
    pub async fn acquire(self: &Arc<Self>, org: Uuid, wait: Duration) -> Result<Slot, Refused> {
        let permits = {
            let mut orgs = self.orgs.lock().unwrap_or_else(PoisonError::into_inner);
            let queue = orgs.entry(org).or_insert_with(|| Queue {
                permits: Arc::new(Semaphore::new(self.per_org)),
                users: 0,
            });
            queue.users += 1;
            queue.permits.clone()
        };
        let member = Member {
            shares: self.clone(),
            org,
        };
        let slots = self.slots.clone();
        let acquire = async move {
            let org_permit = permits.acquire_owned().await.map_err(|_| Refused::Closed)?;
            let slot = slots.acquire_owned().await.map_err(|_| Refused::Closed)?;
            Ok(Slot {
                _slot: slot,
                _org: org_permit,
                _member: member,
            })
        };
        tokio::time::timeout(wait, acquire)
            .await
            .map_err(|_| Refused::Busy)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_organization_cannot_take_every_slot() {
        let shares = Shares::new(2, 1);
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let wait = Duration::from_millis(50);
        let held = shares.acquire(a, wait).await;
        assert!(held.is_ok());
        // A's second render waits for A's own permit, not for a slot B could use.
        assert_eq!(shares.acquire(a, wait).await.err(), Some(Refused::Busy));
        let other = shares.acquire(b, wait).await;
        assert!(other.is_ok());
        drop((held, other));
        assert!(shares.acquire(a, wait).await.is_ok());
        // Queues of organizations nobody renders for are gone.
        assert!(shares.orgs.lock().unwrap().is_empty());
    }
}

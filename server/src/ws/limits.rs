//! Counts of open WebSockets per client IP and per credential (user or API key), in this
//! process. A slot is held by a guard and given back when the guard drops, however the
//! connection ends.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The open connections of this process, by IP and by credential subject.
#[derive(Clone, Default)]
pub struct Registry {
    by_ip: Counter<IpAddr>,
    by_subject: Counter<String>,
}

impl Registry {
    /// A slot for one more connection from `ip`, unless `max` (0: unlimited) are open.
    pub fn acquire_ip(&self, ip: IpAddr, max: usize) -> Option<Slot<IpAddr>> {
        self.by_ip.acquire(ip, max)
    }

    /// A slot for one more connection of `subject` (`user:<id>`, `apikey:<id>`).
    pub fn acquire_subject(&self, subject: String, max: usize) -> Option<Slot<String>> {
        self.by_subject.acquire(subject, max)
    }
}

struct Counts<K>(HashMap<K, usize>);

#[derive(Clone)]
struct Counter<K>(Arc<Mutex<Counts<K>>>);

impl<K> Default for Counter<K> {
    fn default() -> Self {
        Counter(Arc::new(Mutex::new(Counts(HashMap::new()))))
    }
}

impl<K: Hash + Eq + Clone> Counter<K> {
    fn acquire(&self, key: K, max: usize) -> Option<Slot<K>> {
        // A poisoned lock only means another thread panicked mid-update of a counter; the
        // counts are still usable.
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = counts.0.entry(key.clone()).or_insert(0);
        if max != 0 && *count >= max {
            return None;
        }
        *count += 1;
        Some(Slot {
            counter: self.clone(),
            key,
        })
    }

    fn release(&self, key: &K) {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.0.get_mut(key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.0.remove(key);
            }
        }
    }
}

/// One open connection counted under `key`; dropping it gives the slot back.
pub struct Slot<K: Hash + Eq + Clone> {
    counter: Counter<K>,
    key: K,
}

impl<K: Hash + Eq + Clone> Drop for Slot<K> {
    fn drop(&mut self) {
        self.counter.release(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_and_given_back() {
        let registry = Registry::default();
        let ip = IpAddr::from([127, 0, 0, 1]);
        let first = registry.acquire_ip(ip, 2);
        let second = registry.acquire_ip(ip, 2);
        assert!(first.is_some() && second.is_some());
        assert!(registry.acquire_ip(ip, 2).is_none());
        assert!(
            registry
                .acquire_ip(IpAddr::from([10, 0, 0, 1]), 2)
                .is_some()
        );
        drop(first);
        assert!(registry.acquire_ip(ip, 2).is_some());
        assert!(registry.acquire_subject("user:a".into(), 0).is_some());
    }
}

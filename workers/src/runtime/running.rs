//! The runs in progress in this process, by job id, each with its cancel scope and stop signal.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use tokio::sync::watch;
use uuid::Uuid;

use crate::engine::Stop;

struct Entry {
    scope: Uuid,
    stop: watch::Sender<Option<Stop>>,
}

#[derive(Default)]
pub(super) struct Running(Mutex<HashMap<Uuid, Entry>>);

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Entry>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn insert(&self, job: Uuid, scope: Uuid, stop: watch::Sender<Option<Stop>>) {
        self.lock().insert(job, Entry { scope, stop });
    }

    /// Stops every run whose scope is `scope`; true if there was one.
    pub(super) fn stop_scope(&self, scope: Uuid, reason: Stop) -> bool {
        let mut stopped = false;
        for entry in self.lock().values().filter(|entry| entry.scope == scope) {
            stopped |= entry.stop.send(Some(reason)).is_ok();
        }
        stopped
    }

    pub(super) fn stop_all(&self, reason: Stop) {
        for entry in self.lock().values() {
            let _ = entry.stop.send(Some(reason));
        }
    }
}

/// Ends a run's bookkeeping: stops its heartbeat and forgets its stop signal, unless a newer
/// run of the same job (a later attempt in this process) replaced it.
pub(super) struct RunGuard<'a> {
    pub(super) running: &'a Running,
    pub(super) job: Uuid,
    pub(super) stop: watch::Sender<Option<Stop>>,
    pub(super) heartbeat: tokio::task::JoinHandle<()>,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        self.heartbeat.abort();
        let mut running = self.running.lock();
        if running
            .get(&self.job)
            .is_some_and(|current| current.stop.same_channel(&self.stop))
        {
            running.remove(&self.job);
        }
    }
}

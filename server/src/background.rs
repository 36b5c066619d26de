//! The work a process does besides answering requests: the worker pool (unless disabled) and
//! the reconciler. Started and stopped together, by `serve`, `worker` and the tests.

use std::sync::Arc;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::state::App;

pub struct Background {
    shutdown: CancellationToken,
    handles: Vec<JoinHandle<()>>,
}

impl Background {
    /// Starts the reconciler and the writer of API keys' "last used", and the workers when
    /// `workers` is set.
    pub fn start(app: &Arc<App>, workers: bool) -> Self {
        let shutdown = CancellationToken::new();
        let mut handles = vec![
            app.runtime.start_reconciler(shutdown.clone()),
            app.api_keys.start_flusher(app.db.clone(), shutdown.clone()),
        ];
        if workers {
            handles.push(app.runtime.start_workers(shutdown.clone()));
        }
        Self { shutdown, handles }
    }

    /// Signals the stop without waiting for it (for `Drop`).
    pub fn cancel(&self) {
        self.shutdown.cancel();
    }

    /// Stops claiming jobs, lets running ones finish within the grace period, gives back the
    /// rest, and returns when all of that is done.
    pub async fn stop(self) {
        self.shutdown.cancel();
        for handle in self.handles {
            let _ = handle.await;
        }
    }
}

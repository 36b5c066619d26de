//! Why a run must stop early, and the signal a running job watches for it.

use tokio::sync::watch;

/// Why a run must stop before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Cancelled by a user: the API already wrote and announced it.
    Cancelled,
    /// Our lease was taken over: another worker owns the job now.
    LeaseLost,
    /// This worker is shutting down past its grace period: give the job back.
    Shutdown,
}

/// The receiving end of a run's stop signal. A kind selects its work against
/// [`StopSignal::stopped`] so that a cancellation, a lost lease or a shutdown ends it at once.
pub struct StopSignal(watch::Receiver<Option<Stop>>);

impl StopSignal {
    pub(crate) fn new(receiver: watch::Receiver<Option<Stop>>) -> Self {
        Self(receiver)
    }

    /// Resolves with the reason once the run must stop.
    pub async fn stopped(&mut self) -> Stop {
        loop {
            if let Some(reason) = *self.0.borrow_and_update() {
                return reason;
            }
            if self.0.changed().await.is_err() {
                // The runtime dropped the sender: treat as shutdown.
                return Stop::Shutdown;
            }
        }
    }
}

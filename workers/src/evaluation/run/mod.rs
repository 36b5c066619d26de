//! Evaluation runs on the job engine. Starting a run writes one result row per dataset item ×
//! target and the jobs of the first `concurrency` of them; each `evaluation_item` job runs its
//! target (a prompt version through the completion step, or a workflow run), scores the output
//! with the run's evaluators and writes the result once — conditional on its job's attempt —
//! and, in the same transaction, counts it on the run, gives the next waiting result its job,
//! and finishes the run after the last. A crash anywhere leaves rows from which the next
//! delivery continues: a result written is never written again.
//!
//! A workflow target takes two deliveries of the item's job: the first starts a workflow run
//! that names the result; when that run ends, its last transaction re-arms the job, which then
//! scores the run's output. No worker waits on another's work.

pub mod config;
pub mod events;
mod item;
mod lifecycle;
mod record;
mod stored;
mod target;

pub use config::{RunConfig, Source, Target};
pub use events::{EvaluationEventKind, EvaluationRunEvent, ItemResult, Progress};
pub use item::{ItemKind, ItemRun};
pub use lifecycle::{Actor, Cancelled, NewRun, cancel, close_cancelled_jobs, start};
pub use target::Scored;

/// The `kind` of evaluation item jobs.
pub const KIND: &str = "evaluation_item";

/// Run and result statuses.
pub mod status {
    pub const PENDING: &str = "PENDING";
    pub const RUNNING: &str = "RUNNING";
    pub const FINISHED: &str = "FINISHED";
    pub const FAILED: &str = "FAILED";
    pub const CANCELLED: &str = "CANCELLED";
    /// A result whose workflow run is under way.
    pub const AWAITING: &str = "AWAITING";
    pub const SCORED: &str = "SCORED";
    pub const ERROR: &str = "ERROR";

    pub fn run_is_terminal(status: &str) -> bool {
        matches!(status, FINISHED | FAILED | CANCELLED)
    }

    pub fn result_is_open(status: &str) -> bool {
        matches!(status, PENDING | RUNNING | AWAITING)
    }
}

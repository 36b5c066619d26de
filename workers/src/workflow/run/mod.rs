//! Workflow runs, scheduled without an orchestrator: every node that becomes ready is a
//! `workflow_node` job, and the transaction that writes a node's result (conditional on its
//! job's attempt) also makes its successors ready, marks skips and finishes the run
//! ([`schedule::advance`]). The API's own changes to a run — start, cancel, approval, retry —
//! and the reconciler's timers ([`lifecycle`]) end in the same `advance`, so a crash anywhere
//! leaves rows from which the next writer continues, and a completed node never runs again.

mod advanced;
mod attempts;
pub mod events;
mod execute;
mod graph;
mod inputs;
pub mod lifecycle;
mod node;
mod pii;
pub mod schedule;
mod scope;
mod timers;

pub use advanced::resumptions;
pub use events::{WorkflowEventKind, WorkflowRunEvent};
pub use execute::Done;
pub use inputs::{check_inputs, prompt_of};
pub use lifecycle::{Actor, Advanced, ResolvedPrompt, Start, approve, cancel, retry, start};
pub use node::{KIND, NodeKind, NodeRun};

/// The run and node statuses.
pub mod status {
    pub const PENDING: &str = "PENDING";
    pub const RUNNING: &str = "RUNNING";
    pub const WAITING: &str = "WAITING";
    pub const FINISHED: &str = "FINISHED";
    pub const FAILED: &str = "FAILED";
    pub const CANCELLED: &str = "CANCELLED";
    pub const EXECUTING: &str = "EXECUTING";
    pub const COMPLETED: &str = "COMPLETED";
    pub const SKIPPED: &str = "SKIPPED";

    pub fn run_is_terminal(status: &str) -> bool {
        matches!(status, FINISHED | FAILED | CANCELLED)
    }

    pub fn node_is_terminal(status: &str) -> bool {
        matches!(status, COMPLETED | FAILED | SKIPPED | CANCELLED)
    }
}

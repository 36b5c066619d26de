//! Retention and archival: the `retention_sweep` job kind. Once a day, for every
//! organization, a sweep moves what is older than the organization's retention period —
//! finished executions, workflow runs (with their node runs) and evaluation runs (with their
//! results), and audit events past their own, longer period — to the archive store as
//! gzip-compressed JSON-lines files, one per batch of rows of one table, and deletes them from
//! the database. Audit events of no organization (sign-ups, logins) go past the default
//! audit period too, deleted by every sweep (`orgless`).
//!
//! A batch is written in this order, so that no row is ever lost or described twice:
//! 1. the rows are read (at most `batch_rows`) and encoded; the file's key is derived from
//!    the organization, the table and the rows' ids;
//! 2. the file is put in the store, and the store confirmed it (fsync / an S3 answer);
//! 3. one short transaction, still holding the sweep's job: the manifest row (`archives`,
//!    unique by key) is inserted, the rows (and their dependents: node runs, job rows) are
//!    deleted — all of the batch or the transaction is rolled back — and the sweep's counters
//!    move.
//!
//! A crash between 2 and 3 leaves the rows in the database and the file in the store without
//! a manifest: the next attempt reads the same rows, writes the same key again and goes on.
//! A file without a manifest row therefore never holds the only copy of a row.

pub mod counters;
mod file;
mod kind;
mod orgless;
mod policy;
mod schedule;
mod store;
mod sweep;
mod tables;

pub use file::{FetchError, decode, fetch};
pub use kind::SweepKind;
pub use policy::{Policy, bounds, effective};
pub use schedule::{schedule, schedule_due, sweep_id};
pub use store::{ArchiveStore, StoreError};
pub use tables::{Batch, Deleted, Table, delete as delete_batch, select as select_batch};

/// The `kind` of retention sweep jobs.
pub const KIND: &str = "retention_sweep";

/// Sweep statuses.
pub mod status {
    pub const PENDING: &str = "PENDING";
    pub const RUNNING: &str = "RUNNING";
    pub const FINISHED: &str = "FINISHED";
    pub const FAILED: &str = "FAILED";
}

/// The retention rules a deployment configures.
#[derive(Debug, Clone)]
pub struct RetentionSettings {
    /// An organization's retention period until an owner changes it.
    pub default_days: i32,
    /// The same for audit events.
    pub default_audit_days: i32,
    /// The shortest period an owner may set.
    pub min_days: i32,
    /// The longest (for audit events too).
    pub max_days: i32,
    /// Rows per archive file (and per delete transaction).
    pub batch_rows: u64,
    /// Whether this process schedules the daily sweeps (on its reconciler passes).
    pub schedule: bool,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            default_days: 90,
            default_audit_days: 400,
            min_days: 1,
            max_days: 3650,
            batch_rows: 500,
            schedule: true,
        }
    }
}

/// What sweeps and the archive readers are given: the rules and the store.
#[derive(Debug, Clone)]
pub struct Retention {
    pub settings: RetentionSettings,
    pub store: ArchiveStore,
}

//! Retention: an organization's retention periods (`policies`), and its archives — the
//! files its retention sweeps wrote (`workers::retention`) — listed, restored for reading and
//! read (`archives`); the commands that change either (`commands`).
//!
//! "Restoring" an archive brings its file back for reading, not into the tables: the file is
//! fetched from the archive store, checked against its manifest (SHA-256, row count), and the
//! archive is marked readable for `PROMPTOPS_ARCHIVE_RESTORE_HOURS`, during which
//! `archiveRecords` pages through its rows as they were stored. Archived rows never return
//! to the live tables, where the next sweep would only archive them again.

pub mod archives;
mod commands;
pub mod policies;

pub use commands::{restore_archive, update_policy};

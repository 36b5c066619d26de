//! Services: the rules of each domain, one folder per domain mirroring `graphql/<domain>/`.
//!
//! Each domain folder has two layers. Its row-level functions take a connection (inside or
//! outside a transaction), authorize with the one guard, validate, and read or write. Its
//! commands (`<domain>/commands.rs`, re-exported from the domain) take the application and a
//! [`RequestContext`] — never a GraphQL context — and own a whole change: they open the
//! [`UnitOfWork`], write, record the audit entry, commit, then run the after-commit effects
//! (enqueue a job, publish an event, reload policies). A resolver, an HTTP handler or a
//! command-line command runs the same command.
//!
//! Dependencies between domains point one way: `account` → `organization` → `access`;
//! `execution` → `prompt`; `workflow` reads prompt rows only; every domain → `pages`, `work`.

pub mod access;
pub mod account;
pub mod audit;
pub mod authorship;
pub mod dataset;
pub mod evaluation;
pub mod execution;
pub mod limits;
pub mod organization;
pub mod pages;
pub mod pii;
pub mod prompt;
pub mod retention;
mod work;
pub mod workflow;

pub use work::{RequestContext, UnitOfWork};

use sea_orm::DbErr;

/// Whether a database error is a unique-constraint violation (so: CONFLICT, not INTERNAL).
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

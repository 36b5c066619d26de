//! Services: the rules of each domain, as plain functions over a connection (inside or outside
//! a transaction). They authorize with the one guard, validate, and read or write.

pub mod accounts;
pub mod api_keys;
pub mod audit_log;
pub mod credentials;
pub mod executions;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod pages;
pub mod prompt_diff;
pub mod prompt_labels;
pub mod prompt_versions;
pub mod prompts;
pub mod roles;
pub mod workflows;

use sea_orm::DbErr;

/// Whether a database error is a unique-constraint violation (so: CONFLICT, not INTERNAL).
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

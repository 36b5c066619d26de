//! An organization's limits and usage (issue 13): requests per minute for the organization
//! and for each of its API keys (charged by [`crate::ratelimit::meter`]), and monthly quotas
//! on executions and tokens, each HARD (refused with QUOTA_EXCEEDED) or SOFT (allowed, with a
//! `quota.exceeded` audit event once a month). Owners set them (`organization:manage`) within
//! the ceilings of the configuration; what they leave unset follows its defaults.
//!
//! What counts: an execution is one `executePrompt` (an execution row); tokens are the
//! provider tokens (in + out) of executions that finished, counted in the transaction that
//! writes the result (a response-cache hit spends none). Workflow runs and evaluations do not
//! count against these quotas.

mod cache;
mod commands;
pub mod quotas;
pub mod settings;

pub use cache::LimitsCache;
pub use commands::set_limits;
pub use settings::{Enforcement, Limits, LimitsChange};

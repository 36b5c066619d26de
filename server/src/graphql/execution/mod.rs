//! Executions: run a prompt version, follow its tokens live, read and list runs.

pub mod mutation;
pub mod query;
pub mod subscription;
mod types;

pub use types::*;

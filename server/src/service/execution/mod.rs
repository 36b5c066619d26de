//! Executions and the provider credentials they run with: the execution rows (`executions`),
//! the sealed credentials (`credentials`), and the commands that change them (`commands`).

mod commands;
pub mod credentials;
pub mod executions;

pub use commands::{cancel_execution, delete_credential, execute, set_credential};

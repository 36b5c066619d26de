//! Access: API keys (`api_keys`) and custom roles (`roles`), and the commands that change
//! them (`commands`). Every command here writes policy lines, so each reloads the policies
//! everywhere after its commit.

pub mod api_keys;
mod commands;
pub mod roles;

pub use commands::{NewApiKey, create_api_key, create_role, revoke_api_key};

//! Accounts: users, their logins and tokens (`accounts`), and the commands that sign up,
//! sign in, rotate and sign out (`commands`).

pub mod accounts;
mod commands;

pub use commands::{SignedIn, login, logout, refresh_token, sign_up};

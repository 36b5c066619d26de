//! PromptOps: prompts under version control, behind one GraphQL API with per-organization
//! RBAC. This crate is the `promptops` binary's library: configuration, the axum app, the
//! GraphQL schema, authentication, authorization, rate limits and audit.

pub mod audit;
pub mod auth;
pub mod authz;
pub mod background;
pub mod bench;
pub mod chaos;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod eval_cli;
pub mod graphiql;
pub mod graphql;
pub mod graphql_http;
pub mod http;
pub mod metrics;
pub mod ratelimit;
mod request;
pub mod secrets;
pub mod service;
pub mod state;
pub mod telemetry;
pub mod web;
pub mod ws;

pub use config::Config;
pub use state::App;

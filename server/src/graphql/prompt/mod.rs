//! Prompts: versioned chat templates with labels, diff and render.

pub mod loaders;
pub mod mutation;
pub mod query;
pub(crate) mod types;

pub use types::*;

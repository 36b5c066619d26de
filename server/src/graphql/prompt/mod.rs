//! Prompts: versioned chat templates with labels, diff and render.

mod diff;
mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub(crate) mod types;

pub use diff::*;
pub use inputs::*;
pub use types::*;

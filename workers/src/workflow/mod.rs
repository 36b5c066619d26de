//! Workflows: versioned DAGs of prompt, model, template, condition, map and approval steps.
//! `definition` is the stored (and exported) format; `validate` checks a definition when it
//! is saved and gives its plan.

pub mod definition;
pub mod validate;

pub use definition::{Definition, Edge, Node, Step};
pub use validate::{Issue, Plan, validate};
pub mod run;

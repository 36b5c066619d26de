//! Evaluations: runs of prompt and workflow versions over a dataset version, scored by
//! evaluators (inline or saved by name), their results and aggregates, and comparisons of two
//! runs with significance. The work itself is done by the workers' `evaluation_item` jobs.

pub mod compare;
pub mod evaluators;
pub mod results;
pub mod runs;
mod targets;

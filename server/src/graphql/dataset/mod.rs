//! Datasets: versioned collections of test cases — datasets, their versions and items as of
//! any version, item changes, and CSV/JSONL import (inline or uploaded) and export.

mod inputs;
pub mod mutation;
pub mod query;
mod types;

pub use inputs::*;
pub use types::*;

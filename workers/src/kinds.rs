//! The kinds of job this crate runs: one line per kind. A new kind is a folder under
//! `workers/src/` implementing `engine::JobKind`, plus its line here.

use crate::engine::Registry;
use crate::evaluation::run::ItemKind;
use crate::execution::ExecutionKind;
use crate::retention::{Retention, SweepKind};
use crate::workflow::run::NodeKind;

/// Every kind the workers of `promptops` run; the retention sweep archives to `retention`'s
/// store.
pub fn registry(retention: Retention) -> Registry {
    Registry::default()
        .with(ExecutionKind)
        .with(NodeKind::default())
        .with(ItemKind::default())
        .with(SweepKind::new(retention))
}

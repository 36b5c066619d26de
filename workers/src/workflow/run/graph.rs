//! The graph of a definition as a run walks it: the nodes in order, and the critical path of
//! a run that ended.

use std::collections::BTreeMap;

use super::schedule::Loaded;
use super::status::*;
use crate::workflow::definition::Definition;

/// The nodes in an order where each comes after its parents (Kahn's; the definition was
/// validated acyclic when saved).
pub(super) fn order(definition: &Definition) -> Vec<String> {
    let mut indegree: BTreeMap<&str, usize> = definition
        .nodes
        .iter()
        .map(|n| (n.key.as_str(), 0))
        .collect();
    for edge in &definition.edges {
        if let Some(count) = indegree.get_mut(edge.to.as_str()) {
            *count += 1;
        }
    }
    let mut ready: Vec<&str> = definition
        .nodes
        .iter()
        .map(|n| n.key.as_str())
        .filter(|key| indegree.get(key) == Some(&0))
        .collect();
    let mut order = Vec::with_capacity(definition.nodes.len());
    while let Some(key) = ready.pop() {
        order.push(key.to_owned());
        for edge in definition.edges.iter().filter(|e| e.from == key) {
            if let Some(count) = indegree.get_mut(edge.to.as_str()) {
                *count -= 1;
                if *count == 0 {
                    ready.push(edge.to.as_str());
                }
            }
        }
    }
    order
}

/// The longest chain of executed nodes by latency: what the run's latency is made of.
pub(super) fn critical_path(loaded: &Loaded) -> Vec<String> {
    let mut best: BTreeMap<&str, (i64, Option<&str>)> = BTreeMap::new();
    let order = order(&loaded.definition);
    for key in &order {
        let Some(row) = loaded.nodes.get(key) else {
            continue;
        };
        if !matches!(row.status.as_str(), COMPLETED | FAILED) {
            continue;
        }
        let parent = loaded
            .definition
            .edges
            .iter()
            .filter(|e| e.to == *key)
            .filter_map(|e| {
                best.get(e.from.as_str())
                    .map(|(d, _)| (*d, e.from.as_str()))
            })
            .max_by_key(|(d, _)| *d);
        let own = row.latency_ms.unwrap_or(0);
        let (total, prev) = match parent {
            Some((d, from)) => (d + own, Some(from)),
            None => (own, None),
        };
        best.insert(key.as_str(), (total, prev));
    }
    let mut at = best
        .iter()
        .max_by_key(|(_, (d, _))| *d)
        .map(|(key, _)| *key);
    let mut path = Vec::new();
    while let Some(key) = at {
        path.push(key.to_owned());
        at = best.get(key).and_then(|(_, prev)| *prev);
    }
    path.reverse();
    path
}

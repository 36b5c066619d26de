//! The graph checks: cycles with their path, nodes stuck behind a cycle, and each node's
//! ancestors (what its templates may read).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use petgraph::algo::tarjan_scc;
use petgraph::graph::NodeIndex;

use super::Checker;

impl<'a> Checker<'a> {
    /// Reports every cycle with its path; returns the nodes that are on one.
    pub(super) fn cycles(&mut self) -> BTreeSet<NodeIndex> {
        let mut on_cycle = BTreeSet::new();
        let mut found = Vec::new();
        for component in tarjan_scc(&self.graph) {
            let looped =
                component.len() > 1 || self.graph.find_edge(component[0], component[0]).is_some();
            if !looped {
                continue;
            }
            let members: BTreeSet<NodeIndex> = component.iter().copied().collect();
            on_cycle.extend(members.iter().copied());
            let start = *members.iter().min().unwrap_or(&component[0]);
            found.push(self.cycle_path(start, &members));
        }
        found.sort();
        for path in found {
            let first = path.first().cloned();
            self.issue(first.as_deref(), format!("cycle: {}", path.join(" → ")));
        }
        on_cycle
    }

    /// A path from `start` back to itself inside one strongly connected component.
    pub(super) fn cycle_path(
        &self,
        start: NodeIndex,
        members: &BTreeSet<NodeIndex>,
    ) -> Vec<String> {
        // Breadth-first from `start`'s successors back to `start`: the shortest cycle through it.
        let mut previous: BTreeMap<NodeIndex, NodeIndex> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut closing = None;
        while let Some(at) = queue.pop_front() {
            let mut next: Vec<NodeIndex> = self.graph.neighbors(at).collect();
            next.sort();
            for to in next {
                if to == start {
                    closing = Some(at);
                    break;
                }
                if members.contains(&to) && !previous.contains_key(&to) {
                    previous.insert(to, at);
                    queue.push_back(to);
                }
            }
            if closing.is_some() {
                break;
            }
        }
        let mut path = vec![self.graph[start].to_owned()];
        let mut at = closing.unwrap_or(start);
        let mut back = Vec::new();
        while at != start {
            back.push(self.graph[at].to_owned());
            at = previous.get(&at).copied().unwrap_or(start);
        }
        path.extend(back.into_iter().rev());
        path.push(self.graph[start].to_owned());
        path
    }

    /// Reports the nodes that can never become ready: not on a cycle, but waiting on one
    /// (a node runs once all its parents are done).
    pub(super) fn reachability(&mut self, on_cycle: &BTreeSet<NodeIndex>) {
        let mut waiting: BTreeMap<NodeIndex, usize> = self
            .graph
            .node_indices()
            .map(|n| {
                let parents = self
                    .graph
                    .neighbors_directed(n, petgraph::Direction::Incoming)
                    .count();
                (n, parents)
            })
            .collect();
        let mut queue: VecDeque<NodeIndex> = waiting
            .iter()
            .filter(|(_, parents)| **parents == 0)
            .map(|(n, _)| *n)
            .collect();
        let mut ready = BTreeSet::new();
        while let Some(at) = queue.pop_front() {
            ready.insert(at);
            for to in self.graph.neighbors(at) {
                if let Some(left) = waiting.get_mut(&to) {
                    *left = left.saturating_sub(1);
                    if *left == 0 {
                        queue.push_back(to);
                    }
                }
            }
        }
        let stuck: Vec<&str> = self
            .graph
            .node_indices()
            .filter(|n| !ready.contains(n) && !on_cycle.contains(n))
            .map(|n| self.graph[n])
            .collect();
        for key in stuck {
            self.issue(Some(key), "unreachable: it waits on nodes in a cycle");
        }
    }

    pub(super) fn ancestors(&self, key: &str) -> BTreeSet<&'a str> {
        let mut found = BTreeSet::new();
        let Some(&start) = self.index.get(key) else {
            return found;
        };
        let mut queue = VecDeque::from([start]);
        while let Some(at) = queue.pop_front() {
            for from in self
                .graph
                .neighbors_directed(at, petgraph::Direction::Incoming)
            {
                if found.insert(self.graph[from]) {
                    queue.push_back(from);
                }
            }
        }
        found
    }
}

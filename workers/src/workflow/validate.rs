//! Checks a definition when it is saved and gives back its plan (the order of the nodes and
//! what each one may read). Every problem is reported at once, each naming its node: a cycle
//! (with its path), an edge to an unknown node, duplicate keys, a template reading a node that
//! is not upstream, an expression that does not parse, a prompt not in the organization, a map
//! without an array source, unreachable nodes.

mod graph;
mod steps;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use petgraph::graph::{DiGraph, NodeIndex};
use uuid::Uuid;

use super::definition::{Definition, Node, OnFailure, Step};
use crate::templating::template_paths;

/// Nodes a definition may hold.
pub const MAX_NODES: usize = 500;
/// Edges a definition may hold.
pub const MAX_EDGES: usize = 2_000;
/// Attempts a node may ask for.
pub const MAX_ATTEMPTS: u32 = 10;
/// Items a map may run at once.
pub const MAX_MAP_CONCURRENCY: u32 = 64;
/// What a template may read of a node.
const NODE_FIELDS: [&str; 3] = ["output", "json", "status"];
const PROVIDERS: [&str; 4] = ["mock", "openai", "anthropic", "openai-compatible"];

/// One problem of a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The node it is about, when it is about one.
    pub node: Option<String>,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(node) => write!(f, "node `{node}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A valid definition's shape: its nodes in an order where each comes after its parents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub order: Vec<String>,
    pub parents: BTreeMap<String, Vec<String>>,
    pub children: BTreeMap<String, Vec<String>>,
}

impl Plan {
    /// The nodes with no incoming edge: where a run starts.
    pub fn roots(&self) -> Vec<&str> {
        self.order
            .iter()
            .filter(|key| self.parents.get(*key).is_none_or(Vec::is_empty))
            .map(String::as_str)
            .collect()
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 48
}

struct Checker<'a> {
    def: &'a Definition,
    issues: Vec<Issue>,
    index: BTreeMap<&'a str, NodeIndex>,
    graph: DiGraph<&'a str, ()>,
}

impl<'a> Checker<'a> {
    fn issue(&mut self, node: Option<&str>, message: impl Into<String>) {
        self.issues.push(Issue {
            node: node.map(str::to_owned),
            message: message.into(),
        });
    }

    fn inputs(&mut self) {
        let mut seen = BTreeSet::new();
        for input in &self.def.inputs {
            if !is_identifier(&input.name) {
                self.issue(
                    None,
                    format!(
                        "input `{}`: a name is [a-z][a-z0-9_]*, at most 48 characters",
                        input.name
                    ),
                );
            }
            if !seen.insert(input.name.as_str()) {
                self.issue(None, format!("input `{}` is declared twice", input.name));
            }
            if let Some(default) = &input.default
                && !input.kind.accepts(default)
            {
                self.issue(
                    None,
                    format!(
                        "input `{}`: its default is not a {:?}",
                        input.name, input.kind
                    ),
                );
            }
        }
    }

    fn nodes(&mut self) {
        if self.def.nodes.is_empty() {
            self.issue(None, "a workflow needs at least one node");
        }
        for node in &self.def.nodes {
            let key = node.key.as_str();
            if !is_identifier(key) {
                self.issue(Some(key), "a key is [a-z][a-z0-9_]*, at most 48 characters");
            }
            if self.index.contains_key(key) {
                self.issue(Some(key), "the key is used by another node");
                continue;
            }
            let at = self.graph.add_node(key);
            self.index.insert(key, at);
        }
    }

    fn edges(&mut self) {
        let mut seen = BTreeSet::new();
        for edge in &self.def.edges {
            let (from, to) = (edge.from.as_str(), edge.to.as_str());
            let unknown: Vec<&str> = [from, to]
                .into_iter()
                .filter(|key| !self.index.contains_key(key))
                .collect();
            if !unknown.is_empty() {
                for key in unknown {
                    self.issue(
                        None,
                        format!("edge `{from}` → `{to}`: there is no node `{key}`"),
                    );
                }
                continue;
            }
            if !seen.insert((from, to, edge.branch.as_deref(), edge.on_failure)) {
                self.issue(Some(from), format!("the edge to `{to}` is given twice"));
                continue;
            }
            let source = self.node(from);
            let is_condition = source.is_some_and(|n| matches!(n.step, Step::Condition(_)));
            match (&edge.branch, is_condition) {
                (None, true) => self.issue(
                    Some(from),
                    format!("the edge to `{to}` needs a `branch`: the value of the condition that takes it"),
                ),
                (Some(_), false) => self.issue(
                    Some(from),
                    format!("the edge to `{to}` has a `branch`, but only a condition's edges do"),
                ),
                _ => {}
            }
            if edge.on_failure && source.is_some_and(|n| n.on_failure != OnFailure::Branch) {
                self.issue(
                    Some(from),
                    format!("the edge to `{to}` is taken on failure, but the node's onFailure is not `branch`"),
                );
            }
            self.graph.add_edge(self.index[from], self.index[to], ());
        }
    }

    fn node(&self, key: &str) -> Option<&'a Node> {
        self.def.nodes.iter().find(|n| n.key == key)
    }
}

/// Checks `def`; `prompt_exists` answers whether a prompt id belongs to the organization.
pub fn validate(
    def: &Definition,
    prompt_exists: &dyn Fn(Uuid) -> bool,
) -> Result<Plan, Vec<Issue>> {
    // Past these sizes nothing else is looked at: the checks below are not linear.
    let mut too_big = Vec::new();
    if def.nodes.len() > MAX_NODES {
        too_big.push(format!("a workflow holds at most {MAX_NODES} nodes"));
    }
    if def.edges.len() > MAX_EDGES {
        too_big.push(format!("a workflow holds at most {MAX_EDGES} edges"));
    }
    if !too_big.is_empty() {
        return Err(too_big
            .into_iter()
            .map(|message| Issue {
                node: None,
                message,
            })
            .collect());
    }
    let mut checker = Checker {
        def,
        issues: Vec::new(),
        index: BTreeMap::new(),
        graph: DiGraph::new(),
    };
    checker.inputs();
    checker.nodes();
    checker.edges();
    let on_cycle = checker.cycles();
    checker.reachability(&on_cycle);
    for node in &def.nodes {
        checker.policies(node);
        let upstream = checker.ancestors(&node.key);
        checker.step(node, &node.step, &upstream, false, prompt_exists);
    }
    let everything = None;
    checker.reads(
        None,
        "the output template",
        template_paths(&def.output),
        everything,
        false,
    );
    if def.timeout_secs == Some(0) {
        checker.issue(None, "the run's timeout is at least 1 second");
    }
    if !checker.issues.is_empty() {
        return Err(checker.issues);
    }
    let mut order: Vec<String> = Vec::with_capacity(def.nodes.len());
    match petgraph::algo::toposort(&checker.graph, None) {
        Ok(sorted) => order.extend(sorted.into_iter().map(|n| checker.graph[n].to_owned())),
        Err(_) => {
            return Err(vec![Issue {
                node: None,
                message: "cycle".to_owned(),
            }]);
        }
    }
    let mut parents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for edge in &def.edges {
        parents
            .entry(edge.to.clone())
            .or_default()
            .push(edge.from.clone());
        children
            .entry(edge.from.clone())
            .or_default()
            .push(edge.to.clone());
    }
    Ok(Plan {
        order,
        parents,
        children,
    })
}

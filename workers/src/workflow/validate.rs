//! Checks a definition when it is saved and gives back its plan (the order of the nodes and
//! what each one may read). Every problem is reported at once, each naming its node: a cycle
//! (with its path), an edge to an unknown node, duplicate keys, a template reading a node that
//! is not upstream, an expression that does not parse, a prompt not in the organization, a map
//! without an array source, unreachable nodes.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use uuid::Uuid;

use super::definition::{Definition, InputType, Node, OnFailure, Step};
use crate::templating::{SourceError, expression_paths, template_paths};

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

    /// Reports every cycle with its path; returns the nodes that are on one.
    fn cycles(&mut self) -> BTreeSet<NodeIndex> {
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
    fn cycle_path(&self, start: NodeIndex, members: &BTreeSet<NodeIndex>) -> Vec<String> {
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
    fn reachability(&mut self, on_cycle: &BTreeSet<NodeIndex>) {
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

    fn ancestors(&self, key: &str) -> BTreeSet<&'a str> {
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

    /// Checks what one template or expression reads. `upstream` is `None` for the run's
    /// output template, which may read every node.
    fn reads(
        &mut self,
        node: Option<&str>,
        what: &str,
        paths: Result<BTreeSet<String>, SourceError>,
        upstream: Option<&BTreeSet<&str>>,
        in_map: bool,
    ) {
        let paths = match paths {
            Ok(paths) => paths,
            Err(error) => {
                self.issue(
                    node,
                    format!("{what}, line {}: {}", error.line, error.detail),
                );
                return;
            }
        };
        for path in paths {
            let mut parts = path.split('.');
            let head = parts.next().unwrap_or_default();
            let name = parts.next();
            let field = parts.next();
            let problem = match (head, name) {
                ("inputs", Some(name)) if !self.def.inputs.iter().any(|i| i.name == name) => {
                    Some(format!("{what} reads `inputs.{name}`, which is not a declared input"))
                }
                ("inputs", _) => None,
                ("nodes", Some(name)) if !self.index.contains_key(name) => {
                    Some(format!("{what} reads `nodes.{name}`, but there is no node `{name}`"))
                }
                ("nodes", Some(name)) if upstream.is_some_and(|up| !up.contains(name)) => Some(
                    format!("{what} reads `nodes.{name}`, which is not upstream of this node"),
                ),
                ("nodes", Some(name)) => field
                    .filter(|field| !NODE_FIELDS.contains(field))
                    .map(|field| {
                        format!("{what} reads `nodes.{name}.{field}`: a node has output, json and status")
                    }),
                ("nodes", None) => None,
                ("item" | "index", _) if in_map => None,
                (other, _) => Some(format!(
                    "{what} reads `{other}`, which is neither `inputs.*` nor `nodes.*`{}",
                    if in_map { " (nor the map's `item` and `index`)" } else { "" }
                )),
            };
            if let Some(problem) = problem {
                self.issue(node, problem);
            }
        }
    }

    fn step(
        &mut self,
        node: &'a Node,
        step: &'a Step,
        upstream: &BTreeSet<&'a str>,
        in_map: bool,
        prompt_exists: &dyn Fn(Uuid) -> bool,
    ) {
        let key = Some(node.key.as_str());
        match step {
            Step::Prompt(prompt) => {
                if !prompt_exists(prompt.prompt_id) {
                    self.issue(
                        key,
                        format!(
                            "prompt {} is not a prompt of this organization",
                            prompt.prompt_id
                        ),
                    );
                }
                if prompt.version.is_some() && prompt.label.is_some() {
                    self.issue(key, "give the prompt's version or its label, not both");
                }
                for (name, template) in &prompt.variables {
                    let what = format!("variable `{name}`");
                    self.reads(key, &what, template_paths(template), Some(upstream), in_map);
                }
            }
            Step::Llm(llm) => {
                if llm.messages.is_empty() {
                    self.issue(key, "an llm node needs at least one message");
                }
                if !PROVIDERS.contains(&llm.model.provider.as_str()) {
                    self.issue(
                        key,
                        format!(
                            "unknown provider `{}` (one of {})",
                            llm.model.provider,
                            PROVIDERS.join(", ")
                        ),
                    );
                }
                if llm.model.model.trim().is_empty() {
                    self.issue(key, "the model is empty");
                }
                for (i, message) in llm.messages.iter().enumerate() {
                    let what = format!("message {}", i + 1);
                    self.reads(
                        key,
                        &what,
                        template_paths(&message.content),
                        Some(upstream),
                        in_map,
                    );
                }
            }
            Step::Template(template) => {
                self.reads(
                    key,
                    "the template",
                    template_paths(&template.template),
                    Some(upstream),
                    in_map,
                );
            }
            Step::Condition(condition) => {
                let paths = expression_paths(&condition.expression);
                self.reads(key, "the expression", paths, Some(upstream), in_map);
                if in_map {
                    self.issue(key, "a map runs a prompt, llm or template step");
                }
            }
            Step::Map(map) => {
                if in_map {
                    self.issue(key, "a map runs a prompt, llm or template step");
                    return;
                }
                self.map_source(node, &map.source, upstream);
                if !(1..=MAX_MAP_CONCURRENCY).contains(&map.concurrency) {
                    self.issue(
                        key,
                        format!("a map's concurrency is 1 to {MAX_MAP_CONCURRENCY}"),
                    );
                }
                self.step(node, &map.step, upstream, true, prompt_exists);
            }
            Step::Approval(approval) => {
                if in_map {
                    self.issue(key, "a map runs a prompt, llm or template step");
                }
                if approval.timeout_secs == 0 {
                    self.issue(key, "an approval's timeout is at least 1 second");
                }
            }
        }
    }

    /// A map's source must be an expression over an upstream node or an array input.
    fn map_source(&mut self, node: &Node, source: &str, upstream: &BTreeSet<&str>) {
        let key = Some(node.key.as_str());
        if source.trim().is_empty() {
            self.issue(
                key,
                "a map needs an array source: an upstream node's output or an ARRAY input",
            );
            return;
        }
        let paths = expression_paths(source);
        let Ok(read) = &paths else {
            self.reads(key, "the map's source", paths, Some(upstream), false);
            return;
        };
        let arrayish = read.iter().any(|path| {
            let mut parts = path.split('.');
            match (parts.next(), parts.next()) {
                (Some("nodes"), Some(name)) => upstream.contains(name),
                (Some("inputs"), Some(name)) => self.def.inputs.iter().any(|i| {
                    i.name == name && matches!(i.kind, InputType::Array | InputType::Json)
                }),
                _ => false,
            }
        });
        if !arrayish {
            self.issue(
                key,
                format!("the map's source `{source}` reads no upstream node and no ARRAY input, so it has no array to map"),
            );
        }
        self.reads(key, "the map's source", paths, Some(upstream), false);
    }

    fn policies(&mut self, node: &Node) {
        let key = Some(node.key.as_str());
        if !(1..=MAX_ATTEMPTS).contains(&node.retry.max_attempts) {
            self.issue(key, format!("maxAttempts is 1 to {MAX_ATTEMPTS}"));
        }
        if node.timeout_secs == Some(0) {
            self.issue(key, "a timeout is at least 1 second");
        }
        if node.on_failure == OnFailure::Branch
            && !self
                .def
                .edges
                .iter()
                .any(|e| e.from == node.key && e.on_failure)
        {
            self.issue(
                key,
                "onFailure is `branch`, but no edge from it is marked onFailure",
            );
        }
        if matches!(node.step, Step::Condition(_))
            && !self.def.edges.iter().any(|e| e.from == node.key)
        {
            self.issue(key, "a condition needs outgoing edges to choose from");
        }
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

//! The checks of each node: what its templates and expressions read, its step's own rules
//! (prompts of the organization, map sources, kinds a map may run) and its policies.

use std::collections::BTreeSet;

use uuid::Uuid;

use super::{Checker, MAX_ATTEMPTS, MAX_MAP_CONCURRENCY, NODE_FIELDS, PROVIDERS};
use crate::templating::{SourceError, expression_paths, template_paths};
use crate::workflow::definition::{InputType, Node, OnFailure, Step};

impl<'a> Checker<'a> {
    /// Checks what one template or expression reads. `upstream` is `None` for the run's
    /// output template, which may read every node.
    pub(super) fn reads(
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

    pub(super) fn step(
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
            Step::Approval(_) => {
                if in_map {
                    self.issue(key, "a map runs a prompt, llm or template step");
                }
            }
        }
    }

    /// A map's source must be an expression over an upstream node or an array input.
    pub(super) fn map_source(&mut self, node: &Node, source: &str, upstream: &BTreeSet<&str>) {
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

    pub(super) fn policies(&mut self, node: &Node) {
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

//! Refuses NUL characters (`\u0000`) anywhere in an operation's input, before it runs.
//!
//! PostgreSQL cannot store NUL in `text` or `jsonb`, so a NUL that reached a write failed there
//! as INTERNAL (SQLite stored it). No text a client sends has a use for NUL, so every string —
//! in variables (object keys included) and in literals of the document — is checked once,
//! here at the edge, and the operation is refused as BAD_USER_INPUT before any resolver runs.

use std::convert::Infallible;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    ErrorExtensionValues, Positioned, ServerError, ServerResult, Value, Variables,
};

pub struct RefuseNul;

impl ExtensionFactory for RefuseNul {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RefuseNul)
    }
}

#[async_trait::async_trait]
impl Extension for RefuseNul {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if variables.values().any(has_nul) {
            return Err(refused());
        }
        let document = next.run(ctx, query, variables).await?;
        if document_has_nul(&document) {
            return Err(refused());
        }
        Ok(document)
    }
}

fn refused() -> ServerError {
    let mut error = ServerError::new("text must not contain NUL characters (\\u0000)", None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", "BAD_USER_INPUT");
    error.extensions = Some(extensions);
    error
}

/// Whether a value holds NUL in a string or an object key (iterative: any depth is safe).
pub fn has_nul(value: &Value) -> bool {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::String(text) if text.contains('\0') => return true,
            Value::Enum(name) if name.contains('\0') => return true,
            Value::List(items) => pending.extend(items),
            Value::Object(fields) => {
                if fields.keys().any(|key| key.contains('\0')) {
                    return true;
                }
                pending.extend(fields.values());
            }
            _ => {}
        }
    }
    false
}

/// Whether literal arguments hold NUL. Variables in them were checked on their own, so they
/// count as null here.
macro_rules! arguments_have_nul {
    ($arguments:expr) => {
        $arguments.iter().any(|(_, value)| {
            value
                .node
                .clone()
                .into_const_with(|_| Ok::<_, Infallible>(Value::Null))
                .is_ok_and(|value| has_nul(&value))
        })
    };
}

fn directives_have_nul(directives: &[Positioned<Directive>]) -> bool {
    directives
        .iter()
        .any(|directive| arguments_have_nul!(directive.node.arguments))
}

fn document_has_nul(document: &ExecutableDocument) -> bool {
    let mut sets: Vec<&SelectionSet> = Vec::new();
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        if directives_have_nul(&operation.directives)
            || operation.variable_definitions.iter().any(|definition| {
                directives_have_nul(&definition.node.directives)
                    || definition
                        .node
                        .default_value
                        .as_ref()
                        .is_some_and(|value| has_nul(&value.node))
            })
        {
            return true;
        }
        sets.push(&operation.selection_set.node);
    }
    for fragment in document.fragments.values() {
        if directives_have_nul(&fragment.node.directives) {
            return true;
        }
        sets.push(&fragment.node.selection_set.node);
    }
    while let Some(set) = sets.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if arguments_have_nul!(field.node.arguments)
                        || directives_have_nul(&field.node.directives)
                    {
                        return true;
                    }
                    sets.push(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    if directives_have_nul(&spread.node.directives) {
                        return true;
                    }
                }
                Selection::InlineFragment(inline) => {
                    if directives_have_nul(&inline.node.directives) {
                        return true;
                    }
                    sets.push(&inline.node.selection_set.node);
                }
            }
        }
    }
    false
}

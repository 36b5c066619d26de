//! What a template or an expression reads, found without rendering it: the dotted paths of its
//! free variables (`inputs.topic`, `nodes.research.output`), for checks made when a definition
//! is saved. Sources are bounded (`limits`) before they are parsed, as everywhere.

use std::collections::BTreeSet;

use super::{describe, environment, limits};

/// Why a source could not be analysed: the line (1-based) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub line: usize,
    pub detail: String,
}

impl From<limits::LimitError> for SourceError {
    fn from(error: limits::LimitError) -> Self {
        SourceError {
            line: error.line,
            detail: error.detail,
        }
    }
}

fn parse_error(error: &minijinja::Error) -> SourceError {
    SourceError {
        line: error.line().unwrap_or(1),
        detail: describe(error),
    }
}

/// Built-in functions such as `range` are not variables.
fn without_globals(paths: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    let env = environment();
    let globals: BTreeSet<&str> = env.globals().map(|(name, _)| name).collect();
    paths
        .into_iter()
        .filter(|path| !globals.contains(path.split('.').next().unwrap_or_default()))
        .collect()
}

/// The free variables of a template, as dotted paths as deep as the template spells them
/// (`nodes.a.output`; a subscript such as `nodes["a"]` stops the path at `nodes`).
pub fn template_paths(source: &str) -> Result<BTreeSet<String>, SourceError> {
    limits::check(source)?;
    let env = environment();
    let template = env.template_from_str(source).map_err(|e| parse_error(&e))?;
    Ok(without_globals(template.undeclared_variables(true)))
}

/// The free variables of an expression (`nodes.score.json.value > 0.5`), as dotted paths.
pub fn expression_paths(expression: &str) -> Result<BTreeSet<String>, SourceError> {
    // The same bounds as a template holding just this expression.
    limits::check(&format!("{{{{ {expression} }}}}"))?;
    let env = environment();
    let compiled = env
        .compile_expression(expression)
        .map_err(|e| parse_error(&e))?;
    Ok(without_globals(compiled.undeclared_variables(true)))
}

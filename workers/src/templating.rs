//! Chat templates: minijinja (`{{ name }}`, filters, `{% if %}`, `{% for %}`), sandboxed.
//!
//! A template sees only the variables it is given: the environment has no loader (so no
//! `include`, `import` or `extends` can reach a file), no function that reads the process
//! environment, a fuel budget bounding the work, and an output cap bounding what it writes.
//! Memory is bounded by rendering in a limited child process (`sandbox`). Size and nesting are
//! bounded before parsing (`limits`), so no template can overflow the parser's stack.

mod analysis;
mod limits;

use std::collections::BTreeSet;
use std::io;

use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use serde::{Deserialize, Serialize};

/// Instructions a single message's rendering may execute.
pub const FUEL_PER_MESSAGE: u64 = 200_000;
/// Bytes a single rendered message may hold.
pub const MAX_RENDERED_BYTES: usize = 256 * 1024;

pub use analysis::{SourceError, expression_paths, template_paths};
pub use limits::{MAX_BLOCK_DEPTH, MAX_BRACKET_DEPTH, MAX_EXPRESSION_DEPTH, MAX_TEMPLATE_BYTES};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TemplateError {
    #[error("message {index} ({role}), line {line}: {detail}")]
    Syntax {
        index: usize,
        role: String,
        line: usize,
        detail: String,
    },
    #[error("missing variables: {}", .0.join(", "))]
    MissingVariables(Vec<String>),
    #[error("message {index} ({role}), line {line}: {detail}")]
    Render {
        index: usize,
        role: String,
        line: usize,
        detail: String,
    },
    /// The sandboxed render ran out of memory or time.
    #[error("{0}")]
    Limits(String),
    /// Every render slot the organization may use stayed busy this many seconds.
    #[error("the organization's template renders are busy; retry shortly")]
    Busy(u64),
    /// The sandbox itself could not run (not the template's fault).
    #[error("template sandbox: {0}")]
    Sandbox(String),
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL_PER_MESSAGE));
    env.set_recursion_limit(64);
    env
}

fn describe(error: &minijinja::Error) -> String {
    match error.kind() {
        ErrorKind::OutOfFuel => {
            "the template does too much work (loop or recursion too large)".to_owned()
        }
        ErrorKind::WriteFailure => format!("the rendered text exceeds {MAX_RENDERED_BYTES} bytes"),
        _ => match error.detail() {
            Some(detail) => format!("{}: {detail}", error.kind()),
            None => error.kind().to_string(),
        },
    }
}

/// Refuses a message whose template is too long or too deeply nested to parse safely.
fn check_limits(i: usize, message: &ChatMessage) -> Result<(), TemplateError> {
    limits::check(&message.content).map_err(|error| TemplateError::Syntax {
        index: i + 1,
        role: message.role.clone(),
        line: error.line,
        detail: error.detail,
    })
}

/// The variables the messages' templates use (sorted, top-level names), or the first syntax
/// error with its message number (1-based) and line.
pub fn variables(messages: &[ChatMessage]) -> Result<Vec<String>, TemplateError> {
    let env = environment();
    let globals: BTreeSet<&str> = env.globals().map(|(name, _)| name).collect();
    let mut names = BTreeSet::new();
    for (i, message) in messages.iter().enumerate() {
        check_limits(i, message)?;
        let template =
            env.template_from_str(&message.content)
                .map_err(|error| TemplateError::Syntax {
                    index: i + 1,
                    role: message.role.clone(),
                    line: error.line().unwrap_or(1),
                    detail: describe(&error),
                })?;
        names.extend(template.undeclared_variables(false));
    }
    // Built-in functions such as `range` are not variables.
    Ok(names
        .into_iter()
        .filter(|name| !globals.contains(name.as_str()))
        .collect())
}

/// Renders every message with `vars`. Every variable the templates use must be present
/// (all missing names are reported at once); extra variables are ignored.
pub fn render(
    messages: &[ChatMessage],
    vars: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<ChatMessage>, TemplateError> {
    let missing: Vec<String> = variables(messages)?
        .into_iter()
        .filter(|name| !vars.contains_key(name))
        .collect();
    if !missing.is_empty() {
        return Err(TemplateError::MissingVariables(missing));
    }
    let env = environment();
    let mut rendered = Vec::with_capacity(messages.len());
    for (i, message) in messages.iter().enumerate() {
        let render_error = |error: minijinja::Error| TemplateError::Render {
            index: i + 1,
            role: message.role.clone(),
            line: error.line().unwrap_or(1),
            detail: describe(&error),
        };
        let template = env
            .template_from_str(&message.content)
            .map_err(render_error)?;
        let mut out = CappedWriter::default();
        template
            .render_captured_to(vars, &mut out)
            .map_err(render_error)?;
        let content = String::from_utf8(out.bytes).map_err(|_| TemplateError::Render {
            index: i + 1,
            role: message.role.clone(),
            line: 1,
            detail: "the rendered text is not valid UTF-8".into(),
        })?;
        rendered.push(ChatMessage {
            role: message.role.clone(),
            content,
        });
    }
    Ok(rendered)
}

/// A writer that refuses to grow past `MAX_RENDERED_BYTES`.
#[derive(Default)]
struct CappedWriter {
    bytes: Vec<u8>,
}

impl io::Write for CappedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_RENDERED_BYTES {
            return Err(io::Error::other("output limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn msg(role: &str, content: &str) -> ChatMessage {
        ChatMessage {
            role: role.into(),
            content: content.into(),
        }
    }

    fn vars(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn detects_variables_but_not_loop_locals() {
        let messages = [
            msg("system", "You are {{ persona | upper }}."),
            msg(
                "user",
                "{% for item in items %}- {{ item.name }} {{ suffix }}\n{% endfor %}{% if urgent %}!{% endif %}",
            ),
        ];
        assert_eq!(
            variables(&messages).unwrap(),
            ["items", "persona", "suffix", "urgent"]
        );
    }

    #[test]
    fn renders_filters_conditions_and_loops() {
        let messages = [msg(
            "user",
            "Hi {{ name | title }}{% if vip %} (VIP){% endif %}:{% for t in tags %} #{{ t }}{% endfor %}",
        )];
        let out = render(
            &messages,
            &vars(json!({ "name": "ada lovelace", "vip": true, "tags": ["a", "b"], "extra": 1 })),
        )
        .unwrap();
        assert_eq!(out[0].content, "Hi Ada Lovelace (VIP): #a #b");
    }

    #[test]
    fn syntax_errors_name_the_message_and_line() {
        let messages = [
            msg("system", "fine"),
            msg("user", "line one\n{% if x %}\nunclosed"),
        ];
        let error = variables(&messages).unwrap_err();
        match error {
            TemplateError::Syntax { index, line, .. } => {
                assert_eq!(index, 2);
                assert!(line >= 2, "line {line}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_missing_variable_is_listed() {
        let messages = [msg("user", "{{ a }} {{ b }} {{ c }}")];
        let error = render(&messages, &vars(json!({ "b": 1 }))).unwrap_err();
        assert_eq!(
            error,
            TemplateError::MissingVariables(vec!["a".into(), "c".into()])
        );
    }

    #[test]
    fn runaway_templates_are_stopped() {
        let spin = [msg(
            "user",
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        )];
        let spun = render(&spin, &vars(json!({})));
        assert!(
            matches!(spun, Err(TemplateError::Render { .. })),
            "{spun:?}"
        );
        let huge = [msg(
            "user",
            "{% for i in range(90000) %}{{ filler }}{% endfor %}",
        )];
        let error = render(&huge, &vars(json!({ "filler": "0123456789" }))).unwrap_err();
        assert!(error.to_string().contains("exceeds"), "{error}");
    }

    #[test]
    fn templates_cannot_reach_files() {
        let include = [msg("user", "{% include '/etc/passwd' %}")];
        assert!(render(&include, &vars(json!({}))).is_err());
    }
}

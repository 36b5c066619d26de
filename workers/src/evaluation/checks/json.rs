//! JSON checks: the output parses, fits a schema, holds a value at a JSON pointer.

use serde_json::Value;

use super::{no_expected, quote};
use crate::evaluation::Case;
use crate::evaluation::verdict::Outcome;

/// Schema errors listed in a reason.
const MAX_LISTED_ERRORS: usize = 3;

/// The output as JSON: the trimmed text, else the inside of its first ``` fence (models
/// often wrap JSON in ```json … ```).
pub(crate) fn parse_output(output: &str) -> Option<Value> {
    let trimmed = output.trim();
    if let Ok(value) = serde_json::from_str(trimmed) {
        return Some(value);
    }
    fenced(trimmed).and_then(|inside| serde_json::from_str(inside.trim()).ok())
}

/// The text inside the first ``` fence (its language tag skipped), if it is closed.
pub(crate) fn fenced(text: &str) -> Option<&str> {
    let start = text.find("```")?;
    let after = &text[start + 3..];
    let body_start = after.find('\n').map_or(0, |at| at + 1);
    let body = &after[body_start..];
    let end = body.find("```")?;
    Some(&body[..end])
}

pub(super) fn valid(output: &str) -> Outcome {
    match parse_output(output) {
        Some(_) => Outcome::binary(true, "the output is valid JSON"),
        None => Outcome::binary(false, "the output is not valid JSON"),
    }
}

/// Compiles a schema; nothing remote is fetched (the `resolve-http`/`resolve-file` features
/// are off), so a remote `$ref` is a compile error.
pub(crate) fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::validator_for(schema).map_err(|error| format!("invalid JSON schema: {error}"))
}

pub(super) fn schema(output: &str, schema: &Value) -> Result<Outcome, String> {
    let validator = compile(schema)?;
    let Some(instance) = parse_output(output) else {
        return Ok(Outcome::binary(false, "the output is not valid JSON"));
    };
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .take(MAX_LISTED_ERRORS + 1)
        .map(|error| {
            let at = error.instance_path().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            format!("{at}: {}", quote(&error.to_string(), 120))
        })
        .collect();
    if errors.is_empty() {
        return Ok(Outcome::binary(true, "the output matches the schema"));
    }
    let more = if errors.len() > MAX_LISTED_ERRORS {
        " (and more)"
    } else {
        ""
    };
    let listed: Vec<&str> = errors
        .iter()
        .take(MAX_LISTED_ERRORS)
        .map(String::as_str)
        .collect();
    Ok(Outcome::binary(
        false,
        format!("schema violations: {}{more}", listed.join("; ")),
    ))
}

/// A JSON pointer: empty (the whole document) or starting with `/`.
pub(crate) fn check_pointer(path: &str) -> Result<(), String> {
    if path.is_empty() || path.starts_with('/') {
        Ok(())
    } else {
        Err(format!(
            "the path `{}` is not a JSON pointer: write it like /items/0/name",
            quote(path, 80)
        ))
    }
}

pub(super) fn path(case: &Case<'_>, path: &str, equals: Option<&Value>) -> Result<Outcome, String> {
    check_pointer(path)?;
    let wanted = equals
        .or(case.expected.filter(|e| !e.is_null()))
        .ok_or_else(no_expected)?;
    let Some(document) = parse_output(case.output) else {
        return Ok(Outcome::binary(false, "the output is not valid JSON"));
    };
    Ok(match document.pointer(path) {
        None => Outcome::binary(false, format!("nothing at `{}`", quote(path, 80))),
        Some(found) if found == wanted => Outcome::binary(
            true,
            format!("`{}` has the expected value", quote(path, 80)),
        ),
        Some(found) => Outcome::binary(
            false,
            format!(
                "`{}` is {}, expected {}",
                quote(path, 80),
                quote(&found.to_string(), 80),
                quote(&wanted.to_string(), 80)
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::tests::{failure, run};
    use crate::evaluation::spec::Check;

    #[test]
    fn valid_json_alone_or_fenced() {
        assert!(run(Check::JsonValid, " {\"a\": 1}\n", None).pass);
        assert!(run(Check::JsonValid, "Here:\n```json\n[1, 2]\n```\n", None).pass);
        assert!(!run(Check::JsonValid, "{a: 1}", None).pass);
    }

    #[test]
    fn schema_violations_fail_without_error() {
        let check = Check::JsonSchema {
            schema: json!({
                "type": "object",
                "required": ["name", "age"],
                "properties": { "age": { "type": "integer", "minimum": 0 } }
            }),
        };
        assert!(run(check.clone(), r#"{"name": "Ada", "age": 36}"#, None).pass);
        let bad = run(check.clone(), r#"{"name": "Ada", "age": -1}"#, None);
        assert!(!bad.pass);
        assert!(bad.reason.contains("/age"), "{}", bad.reason);
        assert!(!run(check, "not json", None).pass);
        let broken = Check::JsonSchema {
            schema: json!({ "type": 12 }),
        };
        assert!(failure(broken, "{}", None).contains("invalid JSON schema"));
    }

    #[test]
    fn json_path_compares_with_equals_or_expected() {
        let output = r#"{"items": [{"name": "tea"}], "total": 3}"#;
        let check = |equals| Check::JsonPath {
            path: "/items/0/name".into(),
            equals,
        };
        assert!(run(check(Some(json!("tea"))), output, None).pass);
        assert!(!run(check(Some(json!("coffee"))), output, None).pass);
        let expected = json!("tea");
        assert!(run(check(None), output, Some(&expected)).pass);
        assert!(failure(check(None), output, None).contains("no expected output"));
        let missing = Check::JsonPath {
            path: "/nope".into(),
            equals: Some(json!(1)),
        };
        assert!(!run(missing, output, None).pass);
        let dotted = Check::JsonPath {
            path: "items.0".into(),
            equals: Some(json!(1)),
        };
        assert!(failure(dotted, output, None).contains("JSON pointer"));
    }
}
